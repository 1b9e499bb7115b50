/**
 * A restore's download from S3: the object fetched as ranges, a few requested ahead, its bytes handed to a
 * consumer in order, chunk by chunk ('data' events, paused while the consumer holds the flow).
 * Bodies are streamed, never buffered whole: a range requested ahead waits in TCP flow control until its turn,
 * so memory stays a few socket buffers per range whatever the range size. A body that breaks off is
 * re-requested from the first byte not yet handed on.
 */
import { Readable } from 'node:stream';

/** Where the bytes go: `put` takes a chunk; a returned promise holds the flow until it settles (a rejection fails the download). */
export interface Consumer {
  put(chunk: Uint8Array): Promise<void> | undefined;
}

export interface RangeSource {
  /** The body of bytes start..end (inclusive), the request already retried as the store sees fit. */
  get(start: number, end: number): Promise<Readable>;
  /** Another try at a body that broke off: how often, and how long to wait first. */
  readonly maxAttempts: number;
  backoff(attempt: number): Promise<void>;
  warn(message: string): void;
}

export interface Download {
  /** Settles when the first range has answered: a missing object fails here, before HANA's pipe is opened. */
  readonly ready: Promise<void>;
  /** Hands every byte to `consumer`, in order; resolves after the last. Call once. */
  run(consumer: Consumer): Promise<void>;
  /** Drops the ranges requested ahead (idempotent; run does it when it ends). */
  cancel(): void;
}

/** A server that sends more than the range asked for is broken; asking again would not help. */
class RangeOverrun extends Error {}

/**
 * Passes one body's chunks to `put`. Settles at the body's end or break, but only once the last put has
 * settled, so chunks never overtake each other across bodies.
 */
function drainBody(body: Readable, put: Consumer['put']): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending: Promise<void> | undefined;
    let outcome: Error | null | undefined;
    const settle = (e: Error | null) => {
      if (outcome !== undefined) return;
      outcome = e;
      void Promise.resolve(pending).then(() => (e ? reject(e) : resolve()), reject);
    };
    body.on('data', (chunk: Buffer) => {
      if (outcome !== undefined) return;
      let held: Promise<void> | undefined;
      try {
        held = put(chunk);
      } catch (e) {
        body.destroy();
        settle(e as Error);
        return;
      }
      if (!held) return;
      body.pause();
      pending = held.then(
        () => {
          pending = undefined;
          if (outcome === undefined) body.resume();
        },
        (e: unknown) => {
          body.destroy();
          settle(e as Error);
          throw e;
        },
      );
    });
    body.once('end', () => settle(null));
    body.once('error', (e) => settle(e));
    body.once('close', () => settle(new Error('the connection closed before the end of the body')));
  });
}

export function startDownload(src: RangeSource, label: string, size: number, rangeBytes: number, ahead: number): Download {
  const count = Math.ceil(size / rangeBytes);
  const bounds = (i: number): [number, number] => [i * rangeBytes, Math.min(size, (i + 1) * rangeBytes) - 1];
  const requested: Promise<Readable>[] = [];
  let next = 0;
  const refill = (): void => {
    while (next < count && requested.length < ahead) {
      const p = src.get(...bounds(next++));
      p.catch(() => undefined); // observed when its turn comes; avoids an unhandled rejection meanwhile
      requested.push(p);
    }
  };
  const cancel = () => {
    next = count;
    for (const p of requested.splice(0))
      p.then(
        (b) => b.destroy(),
        () => undefined,
      );
  };
  refill();
  const ready = requested.length > 0 ? requested[0]!.then(() => undefined) : Promise.resolve();

  async function run(consumer: Consumer): Promise<void> {
    let consumerFailed = false;
    const guard = (held: Promise<void> | undefined) =>
      held?.catch((e: unknown) => {
        consumerFailed = true;
        throw e;
      });
    try {
      for (let i = 0; i < count; i++) {
        const [start, end] = bounds(i);
        let body = await requested.shift()!;
        refill();
        let at = start;
        const overrun = () => new RangeOverrun(`range ${start}-${end} of ${label} returned more bytes than asked for`);
        const put: Consumer['put'] = (chunk) => {
          at += chunk.length;
          if (at > end + 1) throw overrun();
          return guard(consumer.put(chunk));
        };
        for (let attempt = 1; ; attempt++) {
          try {
            await drainBody(body, put);
            if (at !== end + 1) throw new Error(`range ${start}-${end} of ${label} ended after ${at - start} bytes`);
            break;
          } catch (e) {
            body.destroy();
            if (consumerFailed || e instanceof RangeOverrun || attempt >= src.maxAttempts) throw e;
            src.warn(
              `range ${start}-${end} of ${label} broke off at byte ${at} (${(e as Error).message}); re-requesting ${at}-${end}`,
            );
            await src.backoff(attempt);
            body = await src.get(at, end);
          }
        }
      }
    } finally {
      cancel();
    }
  }
  return { ready, run, cancel };
}

/** The download as a Readable (for a pipeline through a decoder): pushed as it arrives, held while it is full. */
export function downloadStream(download: Download, highWaterMark: number): Readable {
  let waiting: { resume(): void; stop(e: Error): void } | undefined;
  const take = () => {
    const w = waiting;
    waiting = undefined;
    return w;
  };
  const out = new Readable({
    highWaterMark,
    read() {
      take()?.resume();
    },
    destroy(err, cb) {
      take()?.stop(err ?? new Error('the reader went away'));
      download.cancel();
      cb(err);
    },
  });
  download
    .run({
      put(chunk) {
        if (out.destroyed) return Promise.reject(new Error('the reader went away'));
        return out.push(chunk) ? undefined : new Promise<void>((resume, stop) => (waiting = { resume, stop }));
      },
    })
    .then(
      () => out.push(null),
      (e: Error) => out.destroy(e),
    );
  return out;
}
