/**
 * Starting a channel worker. The worker is the compiled worker.js beside this module; when this module runs
 * from TypeScript sources (tests), the compiled one under dist/ is used, so `npm run build` must have run.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ABORT, signal, type ChannelTask, type Ring, type WorkerMessage } from './ring.js';

function workerFile(): string {
  const beside = fileURLToPath(new URL('./worker.js', import.meta.url));
  if (existsSync(beside)) return beside;
  const compiled = beside.replace(/\/src\/backint\/channel\/worker\.js$/, '/dist/src/backint/channel/worker.js');
  if (existsSync(compiled)) return compiled;
  throw new Error(`the channel worker ${beside} is missing (run npm run build)`);
}

/**
 * The single executable (dist/hdbbackint, tools/package) has no worker.js on disk: its bundler defines this
 * global as the worker's bundled source, which then runs as an eval worker.
 */
declare const HANA_BACKINT_WORKER_SOURCE: string | undefined;
const embeddedWorker = typeof HANA_BACKINT_WORKER_SOURCE === 'string' ? HANA_BACKINT_WORKER_SOURCE : undefined;

const live = new Set<Worker>();

/** Workers still running: one blocked on a pipe HANA abandoned never returns from its system call. */
export function liveChannels(): number {
  return live.size;
}

export function startWorker(task: ChannelTask): Worker {
  // Small heaps: a worker only moves bytes through shared memory.
  const worker = new Worker(embeddedWorker ?? workerFile(), {
    eval: embeddedWorker !== undefined,
    workerData: task,
    resourceLimits: { maxOldGenerationSizeMb: 16, maxYoungGenerationSizeMb: 4 },
  });
  live.add(worker);
  worker.on('exit', () => live.delete(worker));
  // Never the reason the agent stays alive: at the end it exits even if a worker waits on a pipe.
  worker.unref();
  return worker;
}

/** Tell the worker to stop at its next chance (it may be inside a blocking read or write until then). */
export function abortWorker(ring: Ring): void {
  const ctl = new Int32Array(ring.control);
  Atomics.store(ctl, ABORT, 1);
  signal(ctl);
}

/**
 * Routes a worker's messages to `onMessage`; its 'failed' message, an error or its exit become `onFailure`
 * (which therefore also hears of the normal exit after 'done', and ignores what comes once it has settled).
 */
export function superviseWorker(
  worker: Worker,
  label: string,
  onMessage: (m: WorkerMessage) => void,
  onFailure: (e: Error) => void,
): void {
  worker.on('message', (m: WorkerMessage) => {
    if (m.type !== 'failed') onMessage(m);
    else
      onFailure(
        Object.assign(new Error(`${m.message}${m.code && !m.message.includes(m.code) ? ` (${m.code})` : ''}`), { code: m.code }),
      );
  });
  worker.on('error', onFailure);
  worker.on('exit', (c) => setImmediate(() => onFailure(new Error(`${label} stopped (exit ${c})`))));
}
