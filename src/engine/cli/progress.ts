/** Job progress on stderr: one live line on a TTY, plain lines otherwise. */
import type { ProgressReport } from '../../sdk/libs.js';
import type { JobRow } from '../store/types.js';

export interface ProgressDisplay {
  report(job: JobRow, report: ProgressReport): void;
  /** End the live line before other output. */
  done(): void;
}

export function progressDisplay(write: (text: string) => void, interactive: boolean): ProgressDisplay {
  let live = false;
  return {
    report(job, r) {
      const pct = r.percent === undefined ? '' : `${Math.round(r.percent)}% `;
      const line = `[job ${job.id} ${job.operation} ${job.objectName}] ${pct}${r.message}`;
      if (interactive) {
        write(`\r\x1b[K${line}`);
        live = true;
      } else {
        write(`${line}\n`);
      }
    },
    done() {
      if (live) write('\n');
      live = false;
    },
  };
}
