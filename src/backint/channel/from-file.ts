/**
 * A restore's channel, data file → HANA's pipe (or a file): the worker reads the data file a slot at a time
 * (with O_DIRECT where allowed) and writes each slot out; this thread, otherwise idle, hashes each slot the
 * worker passes over.
 */
import { createHash } from 'node:crypto';
import { abortWorker, startWorker, superviseWorker } from './spawn.js';
import { CONSUMED, LENGTH, PRODUCED, SLOTS, newRing, signal, slotView, type ChannelDigest, type Output } from './ring.js';

export interface FileToPipeRequest {
  file: string;
  output: Output;
  /** Read the data file with O_DIRECT where its filesystem allows (see direct.ts). */
  direct: boolean;
  /** Called once both ends are open (e.g. to close a FIFO probe). */
  onOpened?: () => void;
}

export function fileToPipe(req: FileToPipeRequest): Promise<ChannelDigest> {
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
