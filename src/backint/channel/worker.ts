/**
 * One channel's pipe I/O, on its own thread with blocking system calls, as dd does it: a FIFO read or
 * written from Node's event loop costs a wake-up and a stream hop per 64 KiB, which made the agent half as fast
 * as dd. Each read is written out at once, so HANA's side of the pipe never waits on a slot filling up.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { ABORT, CONSUMED, INPUT_DONE, LENGTH, PRODUCED, SIGNAL, SLOTS, SLOT_BYTES, WAITING, type ChannelTask, type Output, type WorkerMessage } from './ring.js';

const task = workerData as ChannelTask;
const data = new Uint8Array(task.ring.data);
const ctl = new Int32Array(task.ring.control);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

class Aborted extends Error {}

/** Blocks until `ready()`, sleeping until the main thread signals a change (or aborts). */
function waitUntil(ready: () => boolean): void {
  for (;;) {
    const seen = Atomics.load(ctl, SIGNAL); // before the checks: a change after them ends the wait at once
    Atomics.store(ctl, WAITING, 1);
    if (Atomics.load(ctl, ABORT)) throw new Aborted();
    if (ready()) {
      Atomics.store(ctl, WAITING, 0);
      return;
    }
    Atomics.wait(ctl, SIGNAL, seen);
    Atomics.store(ctl, WAITING, 0);
  }
}

function openOutput(o: Output): { fd: number; own: boolean; file: boolean } {
  if ('fd' in o) return { fd: o.fd, own: false, file: true };
  // A FIFO: the main thread has seen HANA's reader, so this blocking open returns at once.
  return { fd: openSync(o.path, o.fifo ? constants.O_WRONLY : 'w'), own: true, file: !o.fifo };
}

let written = 0;
function writeAll(fd: number, view: Uint8Array, limit: number | undefined): void {
  for (let off = 0; off < view.length; ) {
    if (Atomics.load(ctl, ABORT)) throw new Aborted();
    if (limit !== undefined && written + view.length - off > limit) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const n = writeSync(fd, view, off, view.length - off);
    off += n;
    written += n;
  }
}

/** Small enough to stay in cache between the pipe read, the file write and the hash. */
const HOT_BUFFER = 256 << 10;

/** Each read written and hashed at once, from one small buffer that stays in cache (dd's loop plus SHA-256). */
function copyHashing(inFd: number, outFd: number, limit: number | undefined): { size: number; sha256: string } {
  const buf = Buffer.allocUnsafeSlow(HOT_BUFFER);
  const hash = createHash('sha256');
  let size = 0;
  for (;;) {
    if (Atomics.load(ctl, ABORT)) throw new Aborted();
    const n = readSync(inFd, buf, 0, buf.length, null);
    if (n === 0) return { size, sha256: hash.digest('hex') };
    const view = buf.subarray(0, n);
    writeAll(outFd, view, limit);
    hash.update(view);
    size += n;
  }
}


function copy(input: string, output: Output, hashOn: 'worker' | 'main', limit: number | undefined): void {
  const inFd = openSync(input, constants.O_RDONLY); // a FIFO: blocks until HANA opens its end
  let out: ReturnType<typeof openOutput> | undefined;
  try {
    out = openOutput(output);
    post({ type: 'opened' });
    if (hashOn === 'worker') {
      const d = copyHashing(inFd, out.fd, limit);
      if (out.file) fsyncSync(out.fd);
      post({ type: 'done', ...d });
      return;
    }
    let size = 0;
    for (let produced = 0; ; produced++) {
      waitUntil(() => produced - Atomics.load(ctl, CONSUMED) < SLOTS);
      const slot = produced % SLOTS;
      const view = data.subarray(slot * SLOT_BYTES, (slot + 1) * SLOT_BYTES);
      let n = 0;
      let eof = false;
      while (n < SLOT_BYTES) {
        const r = readSync(inFd, view, n, SLOT_BYTES - n, null);
        if (r === 0) { eof = true; break; }
        writeAll(out.fd, view.subarray(n, n + r), limit);
        n += r;
      }
      if (n > 0) {
        size += n;
        Atomics.store(ctl, LENGTH + slot, n);
        Atomics.store(ctl, PRODUCED, produced + 1);
        post({ type: 'slot' });
      }
      if (eof) break;
    }
    if (out.file) fsyncSync(out.fd);
    post({ type: 'done', size });
  } finally {
    closeSync(inFd);
    if (out?.own) closeSync(out.fd);
  }
}

function sink(output: Output): void {
  const out = openOutput(output);
  try {
    post({ type: 'opened' });
    const hash = createHash('sha256');
    let size = 0;
    for (let consumed = 0; ; consumed++) {
      waitUntil(() => Atomics.load(ctl, PRODUCED) > consumed || Atomics.load(ctl, INPUT_DONE) === 1);
      if (Atomics.load(ctl, PRODUCED) === consumed) {
        if (out.file) fsyncSync(out.fd);
        post({ type: 'done', size, sha256: hash.digest('hex') });
        return;
      }
      const slot = consumed % SLOTS;
      const view = data.subarray(slot * SLOT_BYTES, slot * SLOT_BYTES + Atomics.load(ctl, LENGTH + slot));
      hash.update(view);
      writeAll(out.fd, view, undefined);
      size += view.length;
      Atomics.store(ctl, CONSUMED, consumed + 1);
      post({ type: 'slot' });
    }
  } finally {
    if (out.own) closeSync(out.fd);
  }
}

try {
  if (task.mode === 'copy') copy(task.input, task.output, task.hashOn, task.failWritesAfterBytes);
  else sink(task.output);
} catch (e) {
  if (!(e instanceof Aborted)) post({ type: 'failed', message: (e as Error).message, code: (e as NodeJS.ErrnoException).code });
}
