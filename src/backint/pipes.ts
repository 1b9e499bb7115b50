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
import { errnoCode } from './errno.js';

/** A raw fd (not a FileHandle, which would close it on garbage collection under the socket). */
const openFd = promisify(openCb);

/** What a backup line names: a FIFO HANA writes into, or a regular file (#FILE); anything else is an error. */
export async function sourceKind(file: string): Promise<'fifo' | 'file'> {
  let s;
  try {
    s = await stat(file);
  } catch (e) {
    throw new Error(`cannot open ${file}: ${errnoCode(e) ?? (e as Error).message}`, { cause: e });
  }
  if (s.isFIFO()) return 'fifo';
  if (!s.isFile()) throw new Error(`${file} is neither a named pipe nor a regular file`);
  return 'file';
}

/** Backup source as a stream. */
export async function openSource(file: string): Promise<Readable> {
  if ((await sourceKind(file)) === 'fifo') {
    const fd = await openFd(file, constants.O_RDONLY | constants.O_NONBLOCK);
    return new net.Socket({ fd, readable: true, writable: false });
  }
  return createReadStream(file, { highWaterMark: 1 << 20 });
}
