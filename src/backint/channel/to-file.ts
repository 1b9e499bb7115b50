/**
 * A backup's channel, HANA's pipe → data file. The worker reads the pipe with blocking reads. Where the data
 * file takes O_DIRECT (direct.ts), the worker only fills the ring; this thread writes each slot with positioned
 * writes in the thread pool and, while the write runs, hashes the slot: the pipe, SHA-256 and the disk all
 * work at once (a direct write returns only once the device has the data). Otherwise the worker writes every
 * read itself, through the page cache, as dd does, hashing each read while it is in cache. The file ends
 * fsynced either way.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fsync, ftruncate, write, writeSync } from 'node:fs';
import { promisify } from 'node:util';
import { enospc } from '../errno.js';
import { ALIGN, alignUp, alignedOffset, openDirect } from './direct.js';
import { abortWorker, startWorker, superviseWorker } from './spawn.js';
import { BASE, CONSUMED, LENGTH, PRODUCED, SLOTS, newRing, signal, slotView, type ChannelDigest } from './ring.js';

const writeAt = promisify(write);
const truncateTo = promisify(ftruncate);
const sync = promisify(fsync);

export interface PipeToFileRequest {
  pipe: string;
  /** An existing, empty file. */
  file: string;
  /** Write the file with O_DIRECT where its filesystem allows. */
  direct: boolean;
  /** Fault tests: writes fail with ENOSPC past this many bytes. */
  failWritesAfterBytes?: number;
}

/** The data file opened with O_DIRECT and the ring's BASE set to an offset its writes accept, if both work. */
function openDirectly(file: string, data: Uint8Array, ctl: Int32Array): number | undefined {
  const fd = openDirect(file, constants.O_WRONLY);
  if (fd === undefined) return undefined;
  const base = alignedOffset((k) => writeSync(fd, data, k, ALIGN, 0)); // rewritten or cut off later
  if (base === undefined) {
    closeSync(fd);
    return undefined;
  }
  Atomics.store(ctl, BASE, base);
  return fd;
}

/** Writes one slot of the ring at its file offset, the whole of it or ENOSPC. */
async function writeSlot(
  fd: number,
  data: Uint8Array,
  ctl: Int32Array,
  limit: number | undefined,
  slot: number,
  length: number,
  at: number,
): Promise<void> {
  if (limit !== undefined && at + length > limit) throw enospc();
  // Only the last slot is short; it is written padded to the block, and the padding cut off at the end.
  const view = slotView(data, ctl, slot, alignUp(length));
  for (let off = 0; off < view.length;) {
    const { bytesWritten } = await writeAt(fd, view, off, view.length - off, at + off);
    if (bytesWritten === 0) throw enospc();
    off += bytesWritten;
  }
}

/** The worker that reads the pipe into the ring; it writes the file itself unless the main thread does (direct). */
function startCopy(req: PipeToFileRequest, ring: ReturnType<typeof newRing>, mainWrites: boolean) {
  const limit = req.failWritesAfterBytes;
  return startWorker({
    mode: 'backup',
    input: req.pipe,
    output: { path: req.file, fifo: false },
    writer: mainWrites ? 'main' : 'worker',
    ring,
    ...(limit !== undefined ? { failWritesAfterBytes: limit } : {}),
  });
}

export function pipeToFile(req: PipeToFileRequest): Promise<ChannelDigest> {
  const ring = newRing(req.direct);
  const data = new Uint8Array(ring.data);
  const ctl = new Int32Array(ring.control);
  const fd = req.direct ? openDirectly(req.file, data, ctl) : undefined;
  const limit = req.failWritesAfterBytes;

  return new Promise<ChannelDigest>((resolve, reject) => {
    let settled = false;
    let failure: Error | undefined;
    let result: ChannelDigest | undefined;
    let submitted = 0; // slots handed to a write
    let consumed = 0; // slots written, in order (a slot is reused only once every earlier one is written)
    const written = new Set<number>();
    let inFlight = 0;
    let position = 0;
    const hash = createHash('sha256'); // direct writes: the slots in file order

    const settle = (e: Error | undefined, digest?: ChannelDigest) => {
      if (settled) return;
      settled = true;
      if (fd !== undefined) closeSync(fd);
      if (e) reject(e);
      else resolve(digest!);
    };
    /** Settles once no write is in flight: the descriptor stays open until the thread pool is done with it. */
    const finish = () => {
      if (settled || inFlight > 0) return;
      if (failure) return settle(failure);
      if (!result || consumed < Atomics.load(ctl, PRODUCED)) return;
      const digest = result;
      inFlight++; // the end: cut the last slot's padding, then fsync
      truncateTo(fd!, digest.size)
        .then(() => sync(fd!))
        .then(
          () => settle(undefined, digest),
          (e: Error) => settle(e),
        );
    };
    const fail = (e: Error) => {
      failure ??= e;
      abortWorker(ring);
      finish();
    };

    const submit = () => {
      for (const produced = Atomics.load(ctl, PRODUCED); submitted < produced && !failure; submitted++) {
        const index = submitted;
        const slot = index % SLOTS;
        const length = Atomics.load(ctl, LENGTH + slot);
        inFlight++;
        writeSlot(fd!, data, ctl, limit, slot, length, position).then(
          () => {
            inFlight--;
            written.add(index);
            while (written.delete(consumed)) consumed++;
            Atomics.store(ctl, CONSUMED, consumed);
            signal(ctl);
            finish();
          },
          (e: Error) => {
            inFlight--;
            fail(e);
          },
        );
        // Read while the thread pool writes the same bytes; the slot is not reused before both are done.
        hash.update(slotView(data, ctl, slot, length));
        position += length;
      }
    };

    superviseWorker(
      startCopy(req, ring, fd !== undefined),
      `the copy of ${req.pipe}`,
      (m) => {
        if (m.type === 'slot') submit();
        else if (m.type === 'done') {
          if (fd === undefined) settle(undefined, { size: m.size, sha256: m.sha256! });
          else {
            submit();
            result = { size: m.size, sha256: hash.digest('hex') };
            finish();
          }
        }
      },
      (e) => {
        if (!result) fail(e);
      },
    );
  });
}
