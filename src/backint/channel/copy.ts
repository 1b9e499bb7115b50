/**
 * Copy mode of a channel: a worker reads a FIFO or file and writes every byte to the output as it reads it
 * (dd's loop). Used by the filesystem store in both directions: HANA's pipe → data file (the worker hashes),
 * data file → HANA's pipe (this thread, otherwise idle, hashes each slot the worker passes over).
 */
import { createHash } from 'node:crypto';
import { abortWorker, startWorker } from './spawn.js';
import { CONSUMED, LENGTH, PRODUCED, SLOTS, newRing, signal, slotView, type ChannelDigest, type Output, type WorkerMessage } from './ring.js';

export interface CopyRequest {
  input: string;
  output: Output;
  hashOn: 'worker' | 'main';
  /** Read or write the regular file with O_DIRECT where its filesystem allows (see direct.ts). */
  direct: boolean;
  /** Called once both ends are open (e.g. to close a FIFO probe). */
  onOpened?: () => void;
  failWritesAfterBytes?: number;
}

export function copyChannel(req: CopyRequest): Promise<ChannelDigest> {
  const ring = newRing(req.hashOn === 'main');
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
    const settle = (err: Error | undefined, digest?: ChannelDigest) => {
      if (settled) return;
      settled = true;
      if (err) {
        abortWorker(ring);
        reject(err);
      } else resolve(digest!);
    };
    const worker = startWorker({ mode: 'copy', hashOn: req.hashOn, input: req.input, output: req.output, direct: req.direct, ring, ...(req.failWritesAfterBytes !== undefined ? { failWritesAfterBytes: req.failWritesAfterBytes } : {}) });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'opened') req.onOpened?.();
      else if (m.type === 'slot') drain();
      else if (m.type === 'done') {
        drain();
        settle(undefined, { size: m.size, sha256: m.sha256 ?? hash.digest('hex') });
      } else if (m.type === 'failed') settle(Object.assign(new Error(`${m.message}${m.code && !m.message.includes(m.code) ? ` (${m.code})` : ''}`), { code: m.code }));
    });
    worker.on('error', (e) => settle(e));
    worker.on('exit', (c) => setImmediate(() => settle(new Error(`the copy of ${req.input} stopped (exit ${c})`))));
  });
}
