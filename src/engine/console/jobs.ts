/**
 * Starting workflows as jobs without waiting for them. A workflow creates its job row only after its own
 * checks pass, so a start waits for whichever comes first: the job's first log line (then the caller gets
 * the job id and the workflow runs on), or the workflow ending (an error before any job is the user's to
 * fix; some steps, such as deleting an unused environment, need no job). Starts are serialized, so the
 * first unknown job id seen while a start is pending is that start's job.
 *
 * It also keeps each job's progress lines (HANA's `progress of service` lines; the store keeps only the last) and
 * the result of workflows whose result is their point (a `dsource check` report), for the job's page.
 */
import type { ProgressReport } from '../../sdk/libs.js';
import type { JobRow } from '../store/types.js';
import type { EventStream } from './events.js';

export type Started = { jobId: number } | { done: true };

export interface ProgressLine {
  at: string;
  percent: number | null;
  message: string;
}

const MAX_LINES_PER_JOB = 500;
const MAX_JOBS_KEPT = 200;

export class JobTracker {
  private readonly known = new Set<number>();
  private pending: ((jobId: number) => void) | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly progress = new Map<number, ProgressLine[]>();
  private readonly results = new Map<number, unknown>();
  /** Workflows still running, so close() can let them finish. */
  private readonly running = new Set<Promise<unknown>>();

  constructor(
    private readonly events: EventStream,
    private readonly outcomeOf: (jobId: number) => string | undefined,
  ) {}

  onJobLog(job: JobRow, level: string, message: string): void {
    if (!this.known.has(job.id)) {
      this.known.add(job.id);
      this.events.publish({ type: 'job', jobId: job.id, outcome: 'running' });
      const resolve = this.pending;
      this.pending = undefined;
      resolve?.(job.id);
    }
    this.events.publish({ type: 'log', jobId: job.id, level, message, at: new Date().toISOString() });
  }

  onProgress(job: JobRow, report: ProgressReport): void {
    const line: ProgressLine = { at: new Date().toISOString(), percent: report.percent ?? null, message: report.message };
    let lines = this.progress.get(job.id);
    if (!lines) {
      lines = [];
      this.progress.set(job.id, lines);
      if (this.progress.size > MAX_JOBS_KEPT) this.progress.delete(this.progress.keys().next().value!);
    }
    lines.push(line);
    if (lines.length > MAX_LINES_PER_JOB) lines.splice(0, lines.length - MAX_LINES_PER_JOB);
    this.events.publish({ type: 'progress', jobId: job.id, ...line });
  }

  progressOf(jobId: number): ProgressLine[] {
    return this.progress.get(jobId) ?? [];
  }

  /** What the job's workflow returned, when it was started with `keepResult` (null otherwise or not yet). */
  resultOf(jobId: number): unknown {
    return this.results.get(jobId) ?? null;
  }

  /** Run `workflow`; resolves once its job exists (or it ended without one), rejects when it failed before any job. */
  start(workflow: () => Promise<unknown>, keepResult = false): Promise<Started> {
    const started = this.queue.then(() => this.startNow(workflow, keepResult));
    this.queue = started.catch(() => undefined);
    return started;
  }

  private startNow(workflow: () => Promise<unknown>, keepResult: boolean): Promise<Started> {
    return new Promise<Started>((resolve, reject) => {
      let jobId: number | undefined;
      this.pending = (id) => {
        jobId = id;
        resolve({ jobId: id });
      };
      const run = workflow()
        .then(
          (value) => {
            if (keepResult && jobId !== undefined) {
              this.results.set(jobId, value);
              if (this.results.size > MAX_JOBS_KEPT) this.results.delete(this.results.keys().next().value!);
            }
            if (jobId === undefined) {
              this.pending = undefined;
              resolve({ done: true });
            }
          },
          (err: unknown) => {
            // After the job exists its failure is in the job (outcome, error, log); the page follows the job.
            if (jobId === undefined) {
              this.pending = undefined;
              reject(err);
            }
          },
        )
        .finally(() => {
          this.running.delete(run);
          if (jobId !== undefined) this.events.publish({ type: 'job', jobId, outcome: this.outcomeOf(jobId) ?? 'unknown' });
        });
      this.running.add(run);
    });
  }

  runningCount(): number {
    return this.running.size;
  }

  /** Wait for the workflows this console started. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.running]);
  }
}
