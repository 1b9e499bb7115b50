/**
 * Running one job: a job row holding the object's lock (refused while another live job holds it), the
 * job's SSH pool and libs, log lines to the store and the log file (redacted), and the outcome recorded
 * whatever happens. The error rethrown to the caller is redacted too.
 */
import type { ProgressReport, PluginLogger } from '../../sdk/libs.js';
import type { Area } from '../../sdk/plugin.js';
import type { Engine } from '../engine.js';
import { engineLibs } from '../plugin-host/libs.js';
import { invokeOperation } from '../plugin-host/invoke.js';
import type { LoadedPlugin } from '../plugin-host/load.js';
import type { ReturnKind } from '../plugin-host/returns.js';
import { SshPool } from '../ssh/pool.js';
import type { JobStart } from '../store/store.js';
import type { JobRow } from '../store/types.js';

export interface JobContext {
  engine: Engine;
  job: JobRow;
  plugin: LoadedPlugin;
  pool: SshPool;
  log: PluginLogger;
  progress(report: ProgressReport): void;
  /** The band [from, to] of the job's percent that the plugin's own 0–100 reports map into from now on. */
  band(from: number, to: number): void;
  /** Call a plugin operation; optional ones that are absent return `{ implemented: false }`. */
  call(
    area: Area,
    name: string,
    args: Record<string, unknown>,
    returns: ReturnKind,
    required?: boolean,
  ): Promise<{ implemented: boolean; value: unknown }>;
  /** Names of the operations called so far, in order. */
  readonly calls: string[];
}

export function errorText(err: unknown): string {
  if (err instanceof Error) {
    const action = (err as { action?: unknown }).action;
    return typeof action === 'string' && action ? `${err.message} ${action}` : err.message;
  }
  return String(err);
}

type Write = (level: 'debug' | 'info' | 'warn' | 'error', message: string, meta?: Record<string, unknown>) => void;

/** A job's log: each line redacted, to the log file, the store and the engine's listener. */
function jobLogger(engine: Engine, job: JobRow): { write: Write; log: PluginLogger } {
  const write = (level: 'debug' | 'info' | 'warn' | 'error', message: string, meta?: Record<string, unknown>) => {
    const text = engine.redactor.redact(message);
    engine.logger.log(level, text, {
      jobId: job.id,
      operation: job.operation,
      object: job.objectName,
      ...(meta ? engine.redactor.redactValue(meta) : {}),
    });
    engine.store.appendJobLog(job.id, level, text);
    engine.options.onJobLog?.(job, level, text);
  };
  const log: PluginLogger = {
    debug: (m, meta) => write('debug', m, meta),
    info: (m, meta) => write('info', m, meta),
    warn: (m, meta) => write('warn', m, meta),
    error: (m, meta) => write('error', m, meta),
  };
  return { write, log };
}

export async function runJob<T>(
  engine: Engine,
  start: JobStart,
  fn: (ctx: JobContext) => Promise<T>,
): Promise<{ job: JobRow; value: T }> {
  const plugin = await engine.plugin();
  const job = engine.store.startJob(start);
  const pool = new SshPool({ ...engine.options.ssh, redactor: engine.redactor });
  const { write, log } = jobLogger(engine, job);
  // Percents never go back: a plugin restarting at 0 inside a step stays where the job was.
  let last = 0;
  let band = { from: 0, to: 100 };
  const progress = (report: ProgressReport) => {
    const message = engine.redactor.redact(report.message);
    const finite = typeof report.percent === 'number' && Number.isFinite(report.percent);
    const percent = finite ? (last = Math.max(last, Math.min(100, report.percent!))) : null;
    engine.store.setJobProgress(job.id, percent, message);
    engine.logger.info(message, { jobId: job.id, progress: percent });
    engine.options.onProgress?.(job, { message, ...(percent === null ? {} : { percent }) });
  };
  const scaled = (r: ProgressReport): ProgressReport => {
    if (typeof r.percent !== 'number' || !Number.isFinite(r.percent)) return r;
    const p = Math.max(0, Math.min(100, r.percent));
    return { ...r, percent: band.from + ((band.to - band.from) * p) / 100 };
  };
  const libs = engineLibs({ store: engine.store, pool, redactor: engine.redactor, log, progress: (r) => progress(scaled(r)) });
  const calls: string[] = [];
  const ctx: JobContext = {
    engine,
    job,
    plugin,
    pool,
    log,
    progress,
    band(from, to) {
      band = { from, to };
    },
    calls,
    async call(area, name, args, returns, required = false) {
      const label = `${area}.${name}`;
      const step = engine.store.startJobStep(job.id, label);
      let result: Awaited<ReturnType<typeof invokeOperation>>;
      try {
        result = await invokeOperation(plugin, libs, { area, name, args, returns, required });
      } catch (err) {
        engine.store.finishJobStep(step, 'failed');
        throw err;
      }
      engine.store.finishJobStep(step, 'succeeded');
      if (result.implemented) {
        calls.push(label);
        write('debug', `${label}() done`);
      }
      return result;
    },
  };
  write('info', `Job ${job.id} ${job.operation} ${job.objectName} started.`);
  try {
    const value = await fn(ctx);
    engine.store.finishJob(job.id, 'succeeded', null);
    write('info', `Job ${job.id} succeeded.`);
    return { job: engine.store.job(job.id)!, value };
  } catch (err) {
    engine.redactor.redactError(err);
    const text = errorText(err);
    write('error', `Job ${job.id} failed: ${text}`, { jobFailure: true });
    engine.store.finishJob(job.id, 'failed', text);
    throw err;
  } finally {
    await pool.closeAll();
  }
}
