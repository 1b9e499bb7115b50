/**
 * A restore destination. HANA creates the FIFO and opens its read end when it is ready; until then an
 * O_WRONLY|O_NONBLOCK open fails with ENXIO, so we retry with backoff up to `timeoutMs`. The descriptor
 * that saw the reader is held until the worker has its own, so HANA never sees the pipe without a writer.
 * A path that is not a FIFO is (re)created as a regular file by the worker.
 */
import { closeSync, constants, open as openCb } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type { Output } from './ring.js';
import { errnoCode } from '../errno.js';

const openFd = promisify(openCb);

export interface Destination {
  output: Output;
  /** Close the probe descriptor (idempotent). */
  release(): void;
}

export async function openDestination(file: string, timeoutMs: number): Promise<Destination> {
  let fifo = false;
  try {
    fifo = (await stat(file)).isFIFO();
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw new Error(`cannot open ${file}: ${errnoCode(e)}`, { cause: e });
  }
  if (!fifo) return { output: { path: file, fifo: false }, release: () => undefined };
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      let probe: number | undefined = await openFd(file, constants.O_WRONLY | constants.O_NONBLOCK);
      return {
        output: { path: file, fifo: true },
        release() {
          if (probe !== undefined) closeSync(probe);
          probe = undefined;
        },
      };
    } catch (e) {
      if (errnoCode(e) !== 'ENXIO') throw new Error(`cannot open ${file}: ${errnoCode(e) ?? (e as Error).message}`, { cause: e });
      if (Date.now() >= deadline)
        throw new Error(`no reader opened ${file} within ${Math.round(timeoutMs / 1000)} s`, { cause: e });
      await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
      delay = Math.min(delay * 2, 200);
    }
  }
}
