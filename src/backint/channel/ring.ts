/**
 * The shared memory between the agent's main thread and one channel worker: a ring of SLOTS slots of
 * SLOT_BYTES, and a control block of Int32 counters. Producer and consumer each own one counter; a slot is
 * free when produced - consumed < SLOTS. Counters only grow (2^31 slots of 1 MiB = 2 PiB per channel).
 */
import type { ChecksumAlgorithm } from '../checksum.js';
import { ALIGN, pageAlignedSharedBuffer } from './direct.js';

export const SLOT_BYTES = 1 << 20;
export const SLOTS = 4;

/** Control block indices. */
export const PRODUCED = 0;
export const CONSUMED = 1;
/** Set by the main thread: the producer (sink mode) has no more data. */
export const INPUT_DONE = 2;
/** Set by the main thread: stop as soon as possible. */
export const ABORT = 3;
/** Bumped by the main thread after every change above; the worker waits on it, so no wake-up is lost. */
export const SIGNAL = 4;
/** How many workers sleep on SIGNAL (a restore has two): only then does anyone pay for a wake-up. */
export const WAITING = 5;
/** Set by the worker before the first slot: where slot 0 starts in `data` (aligned for direct I/O). */
export const BASE = 6;
/** LENGTH + slot: bytes in that slot. */
export const LENGTH = 7;
/** A restore: slots the main thread has checksummed (a slot is free once both it and the sink are past it). */
export const CHECKED = LENGTH + SLOTS;
export const CONTROL_INTS = CHECKED + 1;

export interface Ring {
  data: SharedArrayBuffer;
  control: SharedArrayBuffer;
}

/**
 * Make a change visible to a worker waiting on SIGNAL: the main thread's changes, and a restore's reader and sink
 * waking each other. Sequentially consistent atomics make this safe: either the worker set WAITING before this reads
 * it (and is woken), or it checks its condition after our change (and sees it), or it reads SIGNAL before our bump
 * (and its wait returns at once).
 * `wake: false` defers the wake-up to a later signal (batching: on two cores every wake-up costs a context switch).
 */
export function signal(ctl: Int32Array, wake = true): void {
  Atomics.add(ctl, SIGNAL, 1);
  if (wake && Atomics.load(ctl, WAITING) > 0) Atomics.notify(ctl, SIGNAL);
}

/** The slots start on a memory page, for direct I/O (direct.ts), with ALIGN spare bytes should BASE have to move. */
export function newRing(): Ring {
  return {
    data: pageAlignedSharedBuffer(SLOT_BYTES * SLOTS + ALIGN),
    control: new SharedArrayBuffer(CONTROL_INTS * 4),
  };
}

/** The bytes of `slot` (its first `length`), after the worker's BASE. */
export function slotView(data: Uint8Array, ctl: Int32Array, slot: number, length = SLOT_BYTES): Uint8Array {
  const start = Atomics.load(ctl, BASE) + slot * SLOT_BYTES;
  return data.subarray(start, start + length);
}

/** Where a worker writes: a path it opens itself (a FIFO only once HANA reads it). */
export interface Output {
  path: string;
  fifo: boolean;
}

/**
 * `backup`: read HANA's pipe (`inputFd`, whose first SLOT_BYTES the main thread already read into slot 0) with
 * blocking reads. With `writer: 'worker'` the worker writes every read
 * to `output` itself (dd's loop, through the page cache), checksumming each read while it is in cache; with
 * 'main' it fills the ring's slots and the main thread checksums them and writes them to the file it opened with
 * O_DIRECT.
 * `read`: read the data file (`input`; with O_DIRECT if `direct` and its filesystem allows, direct.ts) into the
 * ring's slots, ahead of a `sink` worker on the same ring that writes them out (a restore; the main thread
 * checksums).
 * `sink`: write the bytes put into the ring (by the main thread, or by a `read` worker) to `output`, checksumming
 * them here with `checksum` unless it is absent.
 * `failWritesAfterBytes` makes writes fail with ENOSPC past that many bytes (fault tests).
 */
export type ChannelTask =
  | { mode: 'backup'; inputFd: number; output: Output; ring: Ring; writer: 'worker' | 'main'; failWritesAfterBytes?: number }
  | { mode: 'read'; input: string; ring: Ring; direct: boolean }
  | { mode: 'sink'; output: Output; ring: Ring; checksum?: ChecksumAlgorithm };

/** Size and checksum (lower-case hex; CRC-32 for a backup, the manifest's algorithm for a restore) of every byte that passed. */
export interface ChannelDigest {
  size: number;
  checksum: string;
}

export type WorkerMessage =
  | { type: 'opened' }
  /** backup, read: a slot was filled. sink: a slot was released. */
  | { type: 'slot' }
  /** Everything was read (and written, unless by the main thread); the checksum unless the main thread made it. */
  | { type: 'done'; size: number; checksum?: string }
  | { type: 'failed'; message: string; code?: string };
