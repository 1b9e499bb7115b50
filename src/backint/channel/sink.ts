/**
 * Sink mode of a channel: bytes this thread receives (S3) are copied into the ring, and a worker thread hashes
 * them and writes them into the FIFO HANA opened (or into a file) with blocking writes, so this thread does
 * neither. Bytes come in by `put` (copied), or by `space`/`commit` (a socket reads straight into the slot,
 * store/http/body.ts); `stream` wraps put as a Writable for a pipeline with a decoder.
 */
import { Writable } from 'node:stream';
import { openDestination } from './destination.js';
import { abortWorker, startWorker } from './spawn.js';
import {
  CONSUMED,
  INPUT_DONE,
  LENGTH,
  PRODUCED,
  SLOTS,
  SLOT_BYTES,
  newRing,
  signal,
  type ChannelDigest,
  type WorkerMessage,
} from './ring.js';

export interface SinkChannel {
  /**
   * Copies `chunk` into the ring. Undefined when all of it fit; otherwise a promise that settles once the rest
   * has been copied (or rejects when the writer failed): wait for it before the next put.
   */
  put(chunk: Uint8Array): Promise<void> | undefined;
  /** The free part of the slot being filled, for a socket to read into; undefined while the ring is full. */
  space(): Uint8Array | undefined;
  /** `n` bytes were written into the start of the last space(); like put, a promise means: wait for room. */
  commit(n: number): Promise<void> | undefined;
  /** After the last put: waits until the worker has written and hashed everything. */
  finish(): Promise<ChannelDigest>;
  /** Stops the worker and releases the pipe (idempotent; a no-op once finished). */
  abort(): void;
  /** put/finish/abort as a Writable. */
  readonly stream: Writable;
  /** Size and SHA-256 of everything written; available once finished. */
  digest(): ChannelDigest;
}

export async function openSinkChannel(file: string, timeoutMs: number): Promise<SinkChannel> {
  const dest = await openDestination(file, timeoutMs);

  const ring = newRing();
  const data = new Uint8Array(ring.data);
  const ctl = new Int32Array(ring.control);
  let produced = 0;
  let filling = 0; // bytes in slot produced % SLOTS
  let failure: Error | undefined;
  let result: ChannelDigest | undefined;
  let wake: (() => void) | undefined;
  const changed = () => new Promise<void>((resolve) => (wake = resolve));
  const notify = () => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  const worker = startWorker({ mode: 'sink', output: dest.output, ring });
  const opened = new Promise<void>((resolve, reject) => {
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'opened') {
        dest.release();
        resolve();
      } else if (m.type === 'done') result = { size: m.size, sha256: m.sha256! };
      else if (m.type === 'failed') {
        failure = new Error(`writing ${file}: ${m.code ?? m.message}`);
        reject(failure);
      }
      notify();
    });
    worker.on('error', (e) => {
      failure ??= e;
      reject(e);
      notify();
    });
    worker.on('exit', (c) => {
      dest.release();
      setImmediate(() => {
        if (!result) failure ??= new Error(`the writer of ${file} stopped (exit ${c})`);
        reject(failure);
        notify();
      });
    });
  });
  opened.catch(() => undefined);

  const publish = () => {
    const slot = produced % SLOTS;
    Atomics.store(ctl, LENGTH + slot, filling);
    Atomics.store(ctl, PRODUCED, ++produced);
    // Wake the worker for half a ring at a time; the last slot is published by finish(), which always wakes it.
    signal(ctl, produced - Atomics.load(ctl, CONSUMED) >= SLOTS / 2);
    filling = 0;
  };

  /** Copies from `off` while there is room; returns how far it got. */
  const copy = (chunk: Uint8Array, off: number): number => {
    while (off < chunk.length && !full()) {
      const n = Math.min(chunk.length - off, SLOT_BYTES - filling);
      data.set(chunk.subarray(off, off + n), (produced % SLOTS) * SLOT_BYTES + filling);
      filling += n;
      off += n;
      if (filling === SLOT_BYTES) publish();
    }
    return off;
  };

  const full = () => filling === 0 && produced - Atomics.load(ctl, CONSUMED) >= SLOTS;
  const room = async () => {
    while (!failure && full()) await changed();
    if (failure) throw failure;
  };
  const rest = async (chunk: Uint8Array, off: number) => {
    while (off < chunk.length) {
      await room();
      off = copy(chunk, off);
    }
  };

  const channel: Omit<SinkChannel, 'stream'> = {
    put(chunk) {
      if (failure) return Promise.reject(failure);
      const off = copy(chunk, 0);
      return off === chunk.length ? undefined : rest(chunk, off);
    },
    space() {
      if (failure || full()) return undefined;
      const start = (produced % SLOTS) * SLOT_BYTES;
      return data.subarray(start + filling, start + SLOT_BYTES);
    },
    commit(n) {
      filling += n;
      if (filling === SLOT_BYTES) publish();
      if (failure) return Promise.reject(failure);
      return full() ? room() : undefined;
    },
    async finish() {
      if (filling > 0) publish();
      Atomics.store(ctl, INPUT_DONE, 1);
      signal(ctl);
      while (!result && !failure) await changed();
      if (!result) throw failure!;
      return result;
    },
    abort() {
      if (!result) abortWorker(ring);
      dest.release();
    },
    digest() {
      if (!result) throw new Error(`${file} has not been written to its end`);
      return result;
    },
  };

  const stream = new Writable({
    highWaterMark: SLOT_BYTES,
    write(chunk: Buffer, _enc, cb) {
      const waiting = channel.put(chunk);
      if (waiting) waiting.then(() => cb(), cb);
      else cb();
    },
    final(cb) {
      channel.finish().then(() => cb(), cb);
    },
    destroy(err, cb) {
      channel.abort();
      cb(err);
    },
  });

  try {
    await opened;
  } catch (e) {
    channel.abort();
    throw e;
  }
  return { ...channel, stream };
}
