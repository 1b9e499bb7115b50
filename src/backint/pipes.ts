/**
 * Reading HANA's named pipes as streams without blocking libuv's thread pool: FIFOs are opened O_NONBLOCK and
 * wrapped in a net.Socket (epoll-driven), so many channels can wait on HANA at once. Used where the bytes go
 * on through Node streams (compression, S3 uploads); the filesystem store copies pipes on a worker (channel/).
 */
import { constants, createReadStream, open as openCb } from 'node:fs';
import { stat } from 'node:fs/promises';
import net from 'node:net';
import type { Readable } from 'node:stream';
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
