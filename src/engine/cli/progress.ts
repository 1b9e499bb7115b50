/**
 * Job progress on stderr. On a terminal: one line redrawn in place with a bar, cut to the terminal's width. Otherwise
 * (stdout or stderr not a terminal, or --json): one plain line per report, for logs and scripts.
 */
import type { ProgressReport } from '../../sdk/libs.js';
import type { JobRow } from '../store/types.js';

export interface ProgressDisplay {
  report(job: JobRow, report: ProgressReport): void;
  /** End the live line before other output. */
  done(): void;
}

const BAR = 20;

export function bar(percent: number): string {
  const filled = Math.round((Math.max(0, Math.min(100, percent)) * BAR) / 100);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}]`;
}

export function progressDisplay(write: (text: string) => void, interactive: boolean, columns = () => 100): ProgressDisplay {
  let live = false;
  return {
    report(job, r) {
      const who = `[job ${job.id} ${job.operation} ${job.objectName}]`;
      if (interactive) {
        const pct = r.percent === undefined ? '' : `${bar(r.percent)} ${String(Math.round(r.percent)).padStart(3)}% `;
        const line = `${who} ${pct}${r.message}`;
        write(`\r\x1b[K${line.slice(0, Math.max(20, columns() - 1))}`);
        live = true;
      } else {
        write(`${who} ${r.percent === undefined ? '' : `${Math.round(r.percent)}% `}${r.message}\n`);
      }
    },
    done() {
      if (live) write('\n');
      live = false;
    },
  };
}
