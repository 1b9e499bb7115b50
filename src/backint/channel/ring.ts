/**
 * The shared memory between the agent's main thread and one channel worker: a ring of SLOTS slots of
 * SLOT_BYTES, and a control block of Int32 counters. Producer and consumer each own one counter; a slot is
 * free when produced - consumed < SLOTS. Counters only grow (2^31 slots of 1 MiB = 2 PiB per channel).
 */
import { ALIGN } from './direct.js';

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
/** Set by the worker while it sleeps on SIGNAL: only then does the main thread pay for a wake-up. */
export const WAITING = 5;
/** Set by the worker before the first slot: where slot 0 starts in `data` (aligned for direct I/O). */
export const BASE = 6;
/** LENGTH + slot: bytes in that slot. */
export const LENGTH = 7;
export const CONTROL_INTS = LENGTH + SLOTS;

export interface Ring {
  data: SharedArrayBuffer;
  control: SharedArrayBuffer;
}

/**
 * Main thread: make a change visible to a worker waiting on SIGNAL. Sequentially consistent atomics make this
 * safe: either the worker set WAITING before this reads it (and is woken), or it checks its condition after
 * our change (and sees it), or it reads SIGNAL before our bump (and its wait returns at once).
 * `wake: false` defers the wake-up to a later signal (batching: on two cores every wake-up costs a context switch).
 */
export function signal(ctl: Int32Array, wake = true): void {
  Atomics.add(ctl, SIGNAL, 1);
  if (wake && Atomics.load(ctl, WAITING) === 1) Atomics.notify(ctl, SIGNAL);
}

/**
 * `withSlots: false`: only the control block (a worker that moves and hashes the bytes by itself). The slots
 * get ALIGN spare bytes, so a worker reading a file with O_DIRECT can start them at an aligned address.
 */
export function newRing(withSlots = true): Ring {
  return { data: new SharedArrayBuffer(withSlots ? SLOT_BYTES * SLOTS + ALIGN : 0), control: new SharedArrayBuffer(CONTROL_INTS * 4) };
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
 * `copy`: read `input` (a FIFO or file) and write every byte to `output` as it is read. With `hashOn: 'worker'`
 * the worker hashes each read while it is still in cache (a pipe HANA writes into: the reads come 64 KiB at a
 * time and the thread that hashes them must be the one that has them hot); with 'main' it passes each full
 * slot of the ring to the main thread, which hashes it in parallel (a file written into HANA's pipe: the
 * worker mostly waits on HANA). `sink`: write the bytes the main thread puts into the ring to `output`,
 * hashing them here. `direct`: the regular file of a copy (the input with hashOn 'main', the output with
 * 'worker') is read or written with O_DIRECT where its filesystem allows (direct.ts). `failWritesAfterBytes` makes writes fail with ENOSPC past that many bytes (fault tests).
 */
export type ChannelTask =
  | { mode: 'copy'; hashOn: 'worker' | 'main'; input: string; output: Output; ring: Ring; direct: boolean; failWritesAfterBytes?: number }
  | { mode: 'sink'; output: Output; ring: Ring };

/** Size and SHA-256 of every byte that passed. */
export interface ChannelDigest {
  size: number;
  sha256: string;
}

export type WorkerMessage =
  | { type: 'opened' }
  /** copy: a slot was filled. sink: a slot was released. */
  | { type: 'slot' }
  /** Everything was read and written; sha256 unless the main thread hashed. */
  | { type: 'done'; size: number; sha256?: string }
  | { type: 'failed'; message: string; code?: string };
