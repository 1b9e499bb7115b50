/**
 * Sink mode of a channel: bytes this thread receives (S3) are copied into the ring, and a worker thread checksums
 * them and writes them into the FIFO HANA opened (or into a file) with blocking writes, so this thread does
 * neither. Bytes come in by `put` (copied), or by `space`/`commit` (a socket reads straight into the slot,
 * store/http/body.ts); `stream` wraps put as a Writable for a pipeline with a decoder.
 */
import { Writable } from 'node:stream';
import type { Worker } from 'node:worker_threads';
import type { ChecksumAlgorithm } from '../checksum.js';
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
  /** After the last put: waits until the worker has written and checked everything. */
  finish(): Promise<ChannelDigest>;
  /** Stops the worker and releases the pipe (idempotent; a no-op once finished). */
  abort(): void;
  /** put/finish/abort as a Writable. */
  readonly stream: Writable;
  /** Size and checksum of everything written; available once finished. */
  digest(): ChannelDigest;
}

/** The worker's state as this thread sees it: its result or failure, and a wait for the next change. */
class WorkerWatch {
  failure: Error | undefined;
  result: ChannelDigest | undefined;
  private wake: (() => void) | undefined;
  readonly opened: Promise<void>;

  constructor(worker: Worker, dest: { release(): void }, file: string) {
    this.opened = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'opened') {
          dest.release();
          resolve();
        } else if (m.type === 'done') this.result = { size: m.size, checksum: m.checksum! };
        else if (m.type === 'failed') {
          this.failure = new Error(`writing ${file}: ${m.code ?? m.message}`);
          reject(this.failure);
        }
        this.notify();
      });
      worker.on('error', (e) => {
        this.failure ??= e;
        reject(e);
        this.notify();
      });
      worker.on('exit', (c) => {
        dest.release();
        setImmediate(() => {
          if (!this.result) this.failure ??= new Error(`the writer of ${file} stopped (exit ${c})`);
          reject(this.failure);
          this.notify();
        });
      });
    });
    this.opened.catch(() => undefined);
  }

  changed(): Promise<void> {
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
}

/** The producer side of the ring: fills slots in order and publishes each full one to the worker. */
class RingWriter {
  private produced = 0;
  private filling = 0; // bytes in slot produced % SLOTS

  constructor(
    private readonly data: Uint8Array,
    private readonly ctl: Int32Array,
  ) {}

  full(): boolean {
    return this.filling === 0 && this.produced - Atomics.load(this.ctl, CONSUMED) >= SLOTS;
  }

  publish(): void {
    const slot = this.produced % SLOTS;
    Atomics.store(this.ctl, LENGTH + slot, this.filling);
    Atomics.store(this.ctl, PRODUCED, ++this.produced);
    // Wake the worker for half a ring at a time; the last slot is published by finish(), which always wakes it.
    signal(this.ctl, this.produced - Atomics.load(this.ctl, CONSUMED) >= SLOTS / 2);
    this.filling = 0;
  }

  /** Copies from `off` while there is room; returns how far it got. */
  copy(chunk: Uint8Array, off: number): number {
    while (off < chunk.length && !this.full()) {
      const n = Math.min(chunk.length - off, SLOT_BYTES - this.filling);
      this.data.set(chunk.subarray(off, off + n), (this.produced % SLOTS) * SLOT_BYTES + this.filling);
      this.filling += n;
      off += n;
      if (this.filling === SLOT_BYTES) this.publish();
    }
    return off;
  }

  /** The free part of the slot being filled. */
  space(): Uint8Array {
    const start = (this.produced % SLOTS) * SLOT_BYTES;
    return this.data.subarray(start + this.filling, start + SLOT_BYTES);
  }

  commit(n: number): void {
    this.filling += n;
    if (this.filling === SLOT_BYTES) this.publish();
  }

  /** Publishes a partly filled last slot. */
  flush(): void {
    if (this.filling > 0) this.publish();
  }
}

export async function openSinkChannel(file: string, timeoutMs: number, checksum: ChecksumAlgorithm): Promise<SinkChannel> {
  const dest = await openDestination(file, timeoutMs);
  const ring = newRing();
  const ctl = new Int32Array(ring.control);
  const writer = new RingWriter(new Uint8Array(ring.data), ctl);
  const watch = new WorkerWatch(startWorker({ mode: 'sink', output: dest.output, ring, checksum }), dest, file);
  const room = async () => {
    while (!watch.failure && writer.full()) await watch.changed();
    if (watch.failure) throw watch.failure;
  };
  const rest = async (chunk: Uint8Array, off: number) => {
    while (off < chunk.length) {
      await room();
      off = writer.copy(chunk, off);
    }
  };
  const channel: Omit<SinkChannel, 'stream'> = {
    put(chunk) {
      if (watch.failure) return Promise.reject(watch.failure);
      const off = writer.copy(chunk, 0);
      return off === chunk.length ? undefined : rest(chunk, off);
    },
    space() {
      return watch.failure || writer.full() ? undefined : writer.space();
    },
    commit(n) {
      writer.commit(n);
      if (watch.failure) return Promise.reject(watch.failure);
      return writer.full() ? room() : undefined;
    },
    async finish() {
      writer.flush();
      Atomics.store(ctl, INPUT_DONE, 1);
      signal(ctl);
      while (!watch.result && !watch.failure) await watch.changed();
      if (!watch.result) throw watch.failure!;
      return watch.result;
    },
    abort() {
      if (!watch.result) abortWorker(ring);
      dest.release();
    },
    digest() {
      if (!watch.result) throw new Error(`${file} has not been written to its end`);
      return watch.result;
    },
  };
  try {
    await watch.opened;
  } catch (e) {
    channel.abort();
    throw e;
  }
  return { ...channel, stream: sinkStream(channel) };
}

/** put/finish/abort as a Writable, for a pipeline with a decoder. */
function sinkStream(channel: Omit<SinkChannel, 'stream'>): Writable {
  return new Writable({
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
}
