/**
 * One channel's pipe I/O, on its own thread with blocking system calls, as dd does it: a FIFO read or
 * written from Node's event loop costs a wake-up and a stream hop per 64 KiB, which made the agent half as fast
 * as dd. The modes are described with ChannelTask (ring.ts).
 */
import { closeSync, constants, fsyncSync, openSync, readSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { newChecksum, STORED_CHECKSUM, type ChecksumAlgorithm } from '../checksum.js';
import { enospc } from '../errno.js';
import { ALIGN, alignedOffset, openDirect } from './direct.js';
import {
  ABORT,
  BASE,
  CONSUMED,
  CHECKED,
  INPUT_DONE,
  LENGTH,
  PRODUCED,
  SIGNAL,
  SLOTS,
  SLOT_BYTES,
  WAITING,
  signal,
  slotView,
  type ChannelTask,
  type Output,
  type WorkerMessage,
} from './ring.js';

const task = workerData as ChannelTask;
const data = new Uint8Array(task.ring.data);
const ctl = new Int32Array(task.ring.control);
const post = (m: WorkerMessage) => parentPort!.postMessage(m);

class Aborted extends Error {}

/** Blocks until `ready()`, sleeping until the main thread signals a change (or aborts). */
function waitUntil(ready: () => boolean): void {
  for (;;) {
    const seen = Atomics.load(ctl, SIGNAL); // before the checks: a change after them ends the wait at once
    Atomics.add(ctl, WAITING, 1);
    try {
      if (Atomics.load(ctl, ABORT)) throw new Aborted();
      if (ready()) return;
      Atomics.wait(ctl, SIGNAL, seen);
    } finally {
      Atomics.sub(ctl, WAITING, 1);
    }
  }
}

function openOutput(o: Output): { fd: number; file: boolean } {
  // A FIFO: the main thread has seen HANA's reader, so this blocking open returns at once.
  return { fd: openSync(o.path, o.fifo ? constants.O_WRONLY : 'w'), file: !o.fifo };
}

let written = 0;
function writeAll(fd: number, view: Uint8Array, limit: number | undefined): void {
  if (limit !== undefined && written + view.length > limit) throw enospc();
  for (let off = 0; off < view.length;) {
    if (Atomics.load(ctl, ABORT)) throw new Aborted();
    off += writeSync(fd, view, off, view.length - off);
  }
  written += view.length;
}

/** Hands the main thread slot number `produced` (its ring slot holding `length` bytes). */
function publishSlot(produced: number, length: number): void {
  Atomics.store(ctl, LENGTH + (produced % SLOTS), length);
  Atomics.store(ctl, PRODUCED, produced + 1);
  signal(ctl); // wakes the other worker on this ring, if one sleeps (a restore's reader and sink)
  post({ type: 'slot' });
}

/** Small enough to stay in cache between the pipe read, the file write and the checksum. */
const HOT_BUFFER = 256 << 10;

type Digest = { size: number; checksum: string };

/**
 * Each read written and checksummed at once, from one small buffer that stays in cache (dd's loop plus the
 * checksum), after the first slot the main thread read.
 */
function copyChecking(inFd: number, outFd: number, limit: number | undefined, first: Uint8Array): Digest {
  const buf = Buffer.allocUnsafeSlow(HOT_BUFFER);
  const check = newChecksum(STORED_CHECKSUM);
  writeAll(outFd, first, limit);
  check.update(first);
  let size = first.length;
  for (;;) {
    if (Atomics.load(ctl, ABORT)) throw new Aborted();
    const n = readSync(inFd, buf, 0, buf.length, null);
    if (n === 0) return { size, checksum: check.hex() };
    const view = buf.subarray(0, n);
    writeAll(outFd, view, limit);
    check.update(view);
    size += n;
  }
}

/**
 * HANA's pipe into the ring's slots for the main thread to checksum and write: each slot filled whole (only the last
 * can be short, so every direct write but the last is aligned). Checksumming there, beside these reads, rather
 * than between them, keeps the pipe moving while the checksum runs on the other core.
 */
function fillSlots(inFd: number): number {
  publishSlot(0, SLOT_BYTES); // the main thread read the first slot
  let size = SLOT_BYTES;
  for (let produced = 1, eof = false; !eof; produced++) {
    waitUntil(() => produced - Atomics.load(ctl, CONSUMED) < SLOTS);
    const slot = produced % SLOTS;
    const view = slotView(data, ctl, slot);
    let n = 0;
    while (n < SLOT_BYTES) {
      if (Atomics.load(ctl, ABORT)) throw new Aborted();
      const r = readSync(inFd, view, n, SLOT_BYTES - n, null);
      if (r === 0) {
        eof = true;
        break;
      }
      n += r;
    }
    if (n > 0) {
      size += n;
      publishSlot(produced, n);
    }
  }
  return size;
}

/**
 * A backup: HANA's pipe (`inFd`, opened by the main thread, which read the ring's first slot whole from it, and
 * closes it) into the data file (output) or into the ring for the main thread.
 */
function backup(inFd: number, output: Output, writer: 'worker' | 'main', limit: number | undefined): void {
  if (writer === 'main') {
    post({ type: 'opened' });
    post({ type: 'done', size: fillSlots(inFd) });
    return;
  }
  const out = openOutput(output);
  try {
    post({ type: 'opened' });
    const d = copyChecking(inFd, out.fd, limit, slotView(data, ctl, 0));
    fsyncSync(out.fd);
    post({ type: 'done', ...d });
  } finally {
    closeSync(out.fd);
  }
}

/**
 * Opens a restore's data file, directly if asked and possible, and sets the ring's BASE to an offset its
 * direct reads accept.
 */
function openRestoreInput(input: string, direct: boolean): { fd: number; direct: boolean } {
  Atomics.store(ctl, BASE, 0);
  const fd = direct ? openDirect(input, constants.O_RDONLY) : undefined;
  if (fd === undefined) return { fd: openSync(input, constants.O_RDONLY), direct: false };
  const base = alignedOffset((k) => readSync(fd, data, k, ALIGN, 0));
  if (base !== undefined) {
    Atomics.store(ctl, BASE, base);
    return { fd, direct: true };
  }
  closeSync(fd);
  return { fd: openSync(input, constants.O_RDONLY), direct: false };
}

/**
 * A restore's reading half: the data file into the ring's slots, ahead of the sink worker that writes them to
 * HANA's pipe while the main thread checksums them, so that the disk, the pipe and the checksum work at once. A slot is
 * refilled once both are past it. Direct reads stay aligned: only the file's last read can end off a block boundary.
 */
function read(input: string, direct: boolean): void {
  const src = openRestoreInput(input, direct);
  try {
    let size = 0;
    let eof = false;
    for (let produced = 0; !eof; produced++) {
      waitUntil(() => produced - Math.min(Atomics.load(ctl, CONSUMED), Atomics.load(ctl, CHECKED)) < SLOTS);
      const view = slotView(data, ctl, produced % SLOTS);
      let n = 0;
      while (n < SLOT_BYTES && !eof) {
        const r = readSync(src.fd, view, n, SLOT_BYTES - n, src.direct ? size + n : null);
        if (r === 0) eof = true;
        n += r;
        if (src.direct && n % ALIGN !== 0) eof = true; // a short direct read: the end of the file
      }
      if (n > 0) {
        size += n;
        publishSlot(produced, n);
      }
    }
    post({ type: 'done', size });
  } finally {
    closeSync(src.fd);
  }
}

function sink(output: Output, algorithm: ChecksumAlgorithm | undefined): void {
  const out = openOutput(output);
  try {
    post({ type: 'opened' });
    const check = algorithm ? newChecksum(algorithm) : undefined;
    let size = 0;
    for (let consumed = 0; ; consumed++) {
      waitUntil(() => Atomics.load(ctl, PRODUCED) > consumed || Atomics.load(ctl, INPUT_DONE) === 1);
      if (Atomics.load(ctl, PRODUCED) === consumed) {
        if (out.file) fsyncSync(out.fd);
        post({ type: 'done', size, ...(check ? { checksum: check.hex() } : {}) });
        return;
      }
      const slot = consumed % SLOTS;
      const view = slotView(data, ctl, slot, Atomics.load(ctl, LENGTH + slot));
      check?.update(view);
      writeAll(out.fd, view, undefined);
      size += view.length;
      Atomics.store(ctl, CONSUMED, consumed + 1);
      signal(ctl);
      post({ type: 'slot' });
    }
  } finally {
    closeSync(out.fd);
  }
}

try {
  if (task.mode === 'sink') sink(task.output, task.checksum);
  else if (task.mode === 'backup') backup(task.inputFd, task.output, task.writer, task.failWritesAfterBytes);
  else read(task.input, task.direct);
} catch (e) {
  if (!(e instanceof Aborted)) post({ type: 'failed', message: (e as Error).message, code: (e as NodeJS.ErrnoException).code });
}
