/**
 * A restore's channel, data file → HANA's pipe (or a file): a reader worker fills the ring's slots from the data
 * file (with O_DIRECT where allowed), a sink worker writes them out, and this thread checksums them. A file smaller
 * than a slot is copied here without a worker, whose start costs as much CPU as the rest of the agent's run.
 */
import { closeSync, constants, open, write } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { checksumOf, newChecksum, type ChecksumAlgorithm } from '../checksum.js';
import { abortWorker, startWorker, superviseWorker } from './spawn.js';
import {
  CHECKED,
  INPUT_DONE,
  LENGTH,
  PRODUCED,
  SLOTS,
  SLOT_BYTES,
  newRing,
  signal,
  slotView,
  type ChannelDigest,
  type Output,
} from './ring.js';

export interface FileToPipeRequest {
  file: string;
  /** The data file's size, known from the manifest (and checked against the file by the store). */
  size: number;
  output: Output;
  /** Read the data file with O_DIRECT where its filesystem allows (see direct.ts). */
  direct: boolean;
  /** The checksum the object's manifest records. */
  checksum: ChecksumAlgorithm;
  /** Called once both ends are open (e.g. to close a FIFO probe). */
  onOpened?: () => void;
}

const openFd = promisify(open);
const writeAt = promisify(write);

/** An object that fits one slot: read, checksummed and written here, with no worker (most log and catalog backups). */
async function copySmall(req: FileToPipeRequest): Promise<ChannelDigest> {
  const bytes = await readFile(req.file);
  const digest = { size: bytes.length, checksum: checksumOf(req.checksum, bytes) };
  if (!req.output.fifo) {
    await writeFile(req.output.path, bytes, { flush: true });
    req.onOpened?.();
    return digest;
  }
  const fd = await openFd(req.output.path, constants.O_WRONLY); // HANA's reader is there: returns at once
  try {
    req.onOpened?.();
    for (let off = 0; off < bytes.length;) off += (await writeAt(fd, bytes, off, bytes.length - off)).bytesWritten;
  } finally {
    closeSync(fd);
  }
  return digest;
}

export async function fileToPipe(req: FileToPipeRequest): Promise<ChannelDigest> {
  if (req.size < SLOT_BYTES) return copySmall(req);
  return copyWithWorker(req);
}

/**
 * Two workers on one ring: a reader fills the slots from the data file and a sink writes them to the pipe, while
 * this thread checksums them. One worker reading and writing in turn left the disk idle during every pipe write.
 */
function copyWithWorker(req: FileToPipeRequest): Promise<ChannelDigest> {
  const ring = newRing();
  const data = new Uint8Array(ring.data);
  const ctl = new Int32Array(ring.control);
  const check = newChecksum(req.checksum);
  let checked = 0;
  const drain = () => {
    while (checked < Atomics.load(ctl, PRODUCED)) {
      const slot = checked % SLOTS;
      check.update(slotView(data, ctl, slot, Atomics.load(ctl, LENGTH + slot)));
      Atomics.store(ctl, CHECKED, ++checked);
      signal(ctl);
    }
  };
  return new Promise<ChannelDigest>((resolve, reject) => {
    let settled = false;
    let read = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      abortWorker(ring);
      reject(e);
    };
    const reader = startWorker({ mode: 'read', input: req.file, direct: req.direct, ring });
    const sink = startWorker({ mode: 'sink', output: req.output, ring });
    superviseWorker(
      reader,
      `the read of ${req.file}`,
      (m) => {
        if (m.type === 'slot') drain();
        else if (m.type === 'done') {
          read = true;
          drain();
          Atomics.store(ctl, INPUT_DONE, 1);
          signal(ctl);
        }
      },
      (e) => {
        if (!read) fail(e); // its exit after 'done' is no failure
      },
    );
    superviseWorker(
      sink,
      `the copy of ${req.file}`,
      (m) => {
        if (m.type === 'opened') req.onOpened?.();
        else if (m.type === 'done' && !settled) {
          settled = true;
          resolve({ size: m.size, checksum: check.hex() });
        }
      },
      fail,
    );
  });
}
