/**
 * Opening HANA's named pipes without blocking libuv's thread pool: FIFOs are opened O_NONBLOCK and
 * wrapped in a net.Socket (epoll-driven), so many channels can wait on HANA at once.
 */
import { constants, createReadStream, createWriteStream, open as openCb } from 'node:fs';
import { stat } from 'node:fs/promises';
import net from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

/** A raw fd (not a FileHandle, which would close it on garbage collection under the socket). */
const openFd = promisify(openCb);

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException).code;
}

/** Backup source: a FIFO HANA writes into, or a regular file (#FILE). */
export async function openSource(file: string): Promise<Readable> {
  let s;
  try {
    s = await stat(file);
  } catch (e) {
    throw new Error(`cannot open ${file}: ${code(e) ?? (e as Error).message}`);
  }
  if (s.isFIFO()) {
    const fd = await openFd(file, constants.O_RDONLY | constants.O_NONBLOCK);
    return new net.Socket({ fd, readable: true, writable: false });
  }
  if (!s.isFile()) throw new Error(`${file} is neither a named pipe nor a regular file`);
  return createReadStream(file, { highWaterMark: 1 << 20 });
}

/**
 * Restore destination. HANA creates the FIFO and opens its read end when it is ready; until then an
 * O_WRONLY|O_NONBLOCK open fails with ENXIO, so we retry with backoff up to `timeoutMs`.
 * A path that is not a FIFO is (re)created as a regular file.
 */
export async function openDestination(file: string, timeoutMs: number): Promise<Writable> {
  let isFifo = false;
  try {
    isFifo = (await stat(file)).isFIFO();
  } catch (e) {
    if (code(e) !== 'ENOENT') throw new Error(`cannot open ${file}: ${code(e)}`);
  }
  if (!isFifo) {
    const ws = createWriteStream(file, { flags: 'w' });
    await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
    return ws;
  }
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      const fd = await openFd(file, constants.O_WRONLY | constants.O_NONBLOCK);
      return new net.Socket({ fd, readable: false, writable: true });
    } catch (e) {
      if (code(e) !== 'ENXIO') throw new Error(`cannot open ${file}: ${code(e) ?? (e as Error).message}`);
      if (Date.now() >= deadline) throw new Error(`no reader opened ${file} within ${Math.round(timeoutMs / 1000)} s`);
      await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
      delay = Math.min(delay * 2, 200);
    }
  }
}
