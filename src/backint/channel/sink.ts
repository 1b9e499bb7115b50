/**
 * Sink mode of a channel: a Writable whose bytes a worker thread hashes and writes into the FIFO HANA opened
 * (or into a file) with blocking writes, so this thread, busy receiving them (S3), does neither.
 */
import { Writable } from 'node:stream';
import { openDestination } from './destination.js';
import { abortWorker, startWorker } from './spawn.js';
import { CONSUMED, INPUT_DONE, LENGTH, PRODUCED, SLOTS, SLOT_BYTES, newRing, signal, type ChannelDigest, type WorkerMessage } from './ring.js';

export interface SinkChannel {
  readonly stream: Writable;
  /** Size and SHA-256 of everything written; available once the stream has finished. */
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
    // Wake the worker for half a ring at a time; the last slot is published by final(), which always wakes it.
    signal(ctl, produced - Atomics.load(ctl, CONSUMED) >= SLOTS / 2);
    filling = 0;
  };

  const copyIn = async (chunk: Buffer) => {
    for (let off = 0; off < chunk.length; ) {
      while (!failure && filling === 0 && produced - Atomics.load(ctl, CONSUMED) >= SLOTS) await changed();
      if (failure) throw failure;
      const slot = produced % SLOTS;
      const n = Math.min(chunk.length - off, SLOT_BYTES - filling);
      data.set(chunk.subarray(off, off + n), slot * SLOT_BYTES + filling);
      filling += n;
      off += n;
      if (filling === SLOT_BYTES) publish();
    }
  };

  const stream = new Writable({
    highWaterMark: SLOT_BYTES,
    write(chunk: Buffer, _enc, cb) {
      copyIn(chunk).then(() => cb(), cb);
    },
    final(cb) {
      if (filling > 0) publish();
      Atomics.store(ctl, INPUT_DONE, 1);
      signal(ctl);
      const finished = async () => {
        while (!result && !failure) await changed();
        if (!result) throw failure;
      };
      finished().then(() => cb(), cb);
    },
    destroy(err, cb) {
      if (!result) abortWorker(ring);
      dest.release();
      cb(err);
    },
  });

  try {
    await opened;
  } catch (e) {
    stream.destroy();
    throw e;
  }
  return {
    stream,
    digest() {
      if (!result) throw new Error(`${file} has not been written to its end`);
      return result;
    },
  };
}
