/**
 * A backup's channel, HANA's pipe → data file. This thread reads the first 1 MiB slot: an object that ends within
 * it is written here. Otherwise a worker reads the rest of the pipe with blocking reads. Where the data
 * file takes O_DIRECT (direct.ts), the worker only fills the ring; this thread writes each slot with positioned
 * writes in the thread pool and, while the write runs, checksums the slot: the pipe, the checksum and the disk all
 * work at once (a direct write returns only once the device has the data). Otherwise the worker writes every
 * read itself, through the page cache, as dd does, checksumming each read while it is in cache. The file ends
 * fsynced either way.
 */
import { closeSync, constants, fsync, ftruncate, open, read, write, writeSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { checksumOf, newChecksum, STORED_CHECKSUM } from '../checksum.js';
import { enospc } from '../errno.js';
import { ALIGN, alignUp, alignedOffset, openDirect } from './direct.js';
import { abortWorker, startWorker, superviseWorker } from './spawn.js';
import {
  BASE,
  CONSUMED,
  LENGTH,
  PRODUCED,
  SLOTS,
  SLOT_BYTES,
  newRing,
  signal,
  slotView,
  type ChannelDigest,
  type Ring,
} from './ring.js';

const writeAt = promisify(write);
const openFd = promisify(open);
const readAt = promisify(read);
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

type Settle = (e: Error | undefined, digest?: ChannelDigest) => void;

/**
 * This thread's side of a direct-I/O backup: a positioned write in the thread pool for each slot the worker
 * publishes, checksumming the slot while it is written; the end truncates the last slot's padding and fsyncs.
 */
class DirectSlotWriter {
  failure: Error | undefined;
  result: ChannelDigest | undefined;
  private submitted = 0; // slots handed to a write
  private consumed = 0; // slots written, in order (a slot is reused only once every earlier one is written)
  private readonly written = new Set<number>();
  private inFlight = 0;
  private position = 0;
  private readonly check = newChecksum(STORED_CHECKSUM); // the slots in file order
  private readonly data: Uint8Array;
  private readonly ctl: Int32Array;
  private settled = false;
  private readonly settle: Settle;

  constructor(
    private readonly fd: number,
    private readonly ring: Ring,
    private readonly limit: number | undefined,
    settle: Settle,
  ) {
    this.data = new Uint8Array(ring.data);
    this.ctl = new Int32Array(ring.control);
    this.settle = (e, digest) => {
      this.settled = true;
      settle(e, digest);
    };
  }

  /** Settles once no write is in flight: the descriptor stays open until the thread pool is done with it. */
  finish(): void {
    if (this.settled || this.inFlight > 0) return;
    if (this.failure) return this.settle(this.failure);
    if (!this.result || this.consumed < Atomics.load(this.ctl, PRODUCED)) return;
    const digest = this.result;
    this.inFlight++; // the end: cut the last slot's padding, then fsync
    truncateTo(this.fd, digest.size)
      .then(() => sync(this.fd))
      .then(
        () => this.settle(undefined, digest),
        (e: Error) => this.settle(e),
      );
  }

  fail(e: Error): void {
    this.failure ??= e;
    abortWorker(this.ring);
    this.finish();
  }

  /** The worker read the pipe to its end. */
  done(size: number): void {
    this.submit();
    this.result = { size, checksum: this.check.hex() };
    this.finish();
  }

  private async writeSlot(slot: number, length: number, at: number): Promise<void> {
    if (this.limit !== undefined && at + length > this.limit) throw enospc();
    // Only the last slot is short; it is written padded to the block, and the padding cut off at the end.
    const view = slotView(this.data, this.ctl, slot, alignUp(length));
    for (let off = 0; off < view.length;) {
      const { bytesWritten } = await writeAt(this.fd, view, off, view.length - off, at + off);
      if (bytesWritten === 0) throw enospc();
      off += bytesWritten;
    }
  }

  private wrote(index: number): void {
    this.inFlight--;
    this.written.add(index);
    while (this.written.delete(this.consumed)) this.consumed++;
    Atomics.store(this.ctl, CONSUMED, this.consumed);
    signal(this.ctl);
    this.finish();
  }

  /** Starts a write for every slot published since the last call. */
  submit(): void {
    const ctl = this.ctl;
    for (const produced = Atomics.load(ctl, PRODUCED); this.submitted < produced && !this.failure; this.submitted++) {
      const index = this.submitted;
      const slot = index % SLOTS;
      const length = Atomics.load(ctl, LENGTH + slot);
      this.inFlight++;
      this.writeSlot(slot, length, this.position).then(
        () => this.wrote(index),
        (e: Error) => {
          this.inFlight--;
          this.fail(e);
        },
      );
      // Read while the thread pool writes the same bytes; the slot is not reused before both are done.
      this.check.update(slotView(this.data, ctl, slot, length));
      this.position += length;
    }
  }
}

/**
 * Reads the pipe into `slot` until it is full or the pipe ends (a FIFO read returns at most what the pipe holds, 64
 * KiB by default); returns the bytes read.
 */
async function readFirstSlot(pipeFd: number, slot: Uint8Array): Promise<number> {
  let n = 0;
  while (n < slot.length) {
    const { bytesRead: r } = await readAt(pipeFd, slot, n, slot.length - n, null);
    if (r === 0) break;
    n += r;
  }
  return n;
}

/** An object that fits one slot: written and checksummed here, with no worker (most log and catalog backups). */
async function writeSmall(file: string, bytes: Uint8Array, limit: number | undefined): Promise<ChannelDigest> {
  if (limit !== undefined && bytes.length > limit) throw enospc();
  await writeFile(file, bytes, { flush: true });
  return { size: bytes.length, checksum: checksumOf(STORED_CHECKSUM, bytes) };
}

/**
 * HANA's pipe into the data file. The first slot is read here: an object that ends within it (most log and catalog
 * backups are small) needs no worker, whose start cost as much CPU as the rest of the agent's run; a longer one is
 * handed on, descriptor and first slot, to a worker.
 */
export async function pipeToFile(req: PipeToFileRequest): Promise<ChannelDigest> {
  const ring = newRing();
  const pipeFd = await openFd(req.pipe, constants.O_RDONLY); // a FIFO: returns once HANA opened its end
  try {
    const first = await readFirstSlot(pipeFd, slotView(new Uint8Array(ring.data), new Int32Array(ring.control), 0));
    if (first < SLOT_BYTES) return await writeSmall(req.file, new Uint8Array(ring.data, 0, first), req.failWritesAfterBytes);
    return await copyWithWorker(req, ring, pipeFd);
  } finally {
    closeSync(pipeFd); // here, where it was opened (a worker closing it draws Node's warning)
  }
}

function copyWithWorker(req: PipeToFileRequest, ring: Ring, pipeFd: number): Promise<ChannelDigest> {
  const data = new Uint8Array(ring.data);
  const fd = req.direct ? openDirectly(req.file, data, new Int32Array(ring.control)) : undefined;
  const base = Atomics.load(new Int32Array(ring.control), BASE);
  if (base !== 0) data.copyWithin(base, 0, SLOT_BYTES); // the first slot moves with the slots' start
  const limit = req.failWritesAfterBytes;
  return new Promise<ChannelDigest>((resolve, reject) => {
    let settled = false;
    const settle: Settle = (e, digest) => {
      if (settled) return;
      settled = true;
      if (fd !== undefined) closeSync(fd);
      if (e) reject(e);
      else resolve(digest!);
    };
    const direct = fd === undefined ? undefined : new DirectSlotWriter(fd, ring, limit, settle);
    const worker = startWorker({
      mode: 'backup',
      inputFd: pipeFd,
      output: { path: req.file, fifo: false },
      writer: direct ? 'main' : 'worker',
      ring,
      ...(limit !== undefined ? { failWritesAfterBytes: limit } : {}),
    });
    superviseWorker(
      worker,
      `the copy of ${req.pipe}`,
      (m) => {
        if (m.type === 'slot') direct?.submit();
        else if (m.type === 'done') {
          if (direct) direct.done(m.size);
          else settle(undefined, { size: m.size, checksum: m.checksum! });
        }
      },
      (e) => {
        if (!direct) {
          abortWorker(ring);
          settle(e);
        } else if (!direct.result) direct.fail(e);
      },
    );
  });
}
