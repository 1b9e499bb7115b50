/**
 * A restore's channel, data file → HANA's pipe (or a file): the worker reads the data file a slot at a time
 * (with O_DIRECT where allowed) and writes each slot out; this thread, otherwise idle, hashes each slot the
 * worker passes over. A file smaller than a slot is copied here without a worker, whose start costs as much CPU
 * as the rest of the agent's run.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, open, write } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { abortWorker, startWorker, superviseWorker } from './spawn.js';
import {
  CONSUMED,
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
  output: Output;
  /** Read the data file with O_DIRECT where its filesystem allows (see direct.ts). */
  direct: boolean;
  /** Called once both ends are open (e.g. to close a FIFO probe). */
  onOpened?: () => void;
}

const openFd = promisify(open);
const writeAt = promisify(write);

/** An object that fits one slot: read, hashed and written here, with no worker (most log and catalog backups). */
async function copySmall(req: FileToPipeRequest): Promise<ChannelDigest> {
  const bytes = await readFile(req.file);
  const digest = { size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
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
  if ((await stat(req.file)).size < SLOT_BYTES) return copySmall(req);
  return copyWithWorker(req);
}

function copyWithWorker(req: FileToPipeRequest): Promise<ChannelDigest> {
  const ring = newRing();
  const data = new Uint8Array(ring.data);
  const ctl = new Int32Array(ring.control);
  const hash = createHash('sha256');
  let consumed = 0;
  const drain = () => {
    while (consumed < Atomics.load(ctl, PRODUCED)) {
      const slot = consumed % SLOTS;
      hash.update(slotView(data, ctl, slot, Atomics.load(ctl, LENGTH + slot)));
      Atomics.store(ctl, CONSUMED, ++consumed);
      signal(ctl);
    }
  };
  return new Promise<ChannelDigest>((resolve, reject) => {
    let settled = false;
    const worker = startWorker({ mode: 'restore', input: req.file, output: req.output, direct: req.direct, ring });
    superviseWorker(
      worker,
      `the copy of ${req.file}`,
      (m) => {
        if (m.type === 'opened') req.onOpened?.();
        else if (m.type === 'slot') drain();
        else if (m.type === 'done' && !settled) {
          settled = true;
          drain();
          resolve({ size: m.size, sha256: hash.digest('hex') });
        }
      },
      (e) => {
        if (settled) return;
        settled = true;
        abortWorker(ring);
        reject(e);
      },
    );
  });
}
