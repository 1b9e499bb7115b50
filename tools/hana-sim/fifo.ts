/**
 * HANA's side of the named pipes: HANA creates each FIFO, writes the backup stream into it (backup) or
 * reads the restored stream from it (restore). Opened O_NONBLOCK and wrapped in net.Socket so waiting for
 * the agent never ties up libuv's thread pool.
 */
import { spawnSync } from 'node:child_process';
import { constants, open as openCb, closeSync, openSync, rmSync } from 'node:fs';
import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

const openFd = promisify(openCb);

export function mkfifo(path: string): void {
  rmSync(path, { force: true });
  const r = spawnSync('mkfifo', ['-m', '600', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`mkfifo ${path} failed: ${r.stderr || r.error?.message}`);
}

/**
 * Writes `data` into the FIFO once the agent opened its read end. Resolves false when the agent
 * exited (`gone()`) before opening it. With `pauseMs` (a fault), stops halfway for that long or until the agent is gone.
 */
export async function writeToFifo(path: string, data: Buffer, gone: () => boolean, pauseMs = 0): Promise<boolean> {
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = await openFd(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENXIO') throw e;
      if (gone()) return false;
      await sleep(5);
    }
  }
  const sock = new net.Socket({ fd, readable: false, writable: true });
  let failed = false;
  sock.on('error', () => (failed = true)); // the agent closed early: it reports the object as #ERROR
  let rest = data;
  if (pauseMs > 0 && data.length > 1) {
    const half = Math.floor(data.length / 2);
    sock.write(data.subarray(0, half));
    rest = data.subarray(half);
    for (const end = Date.now() + pauseMs; Date.now() < end && !gone() && !failed;) await sleep(10);
  }
  await new Promise<void>((resolve) => {
    if (failed || sock.destroyed) return resolve();
    sock.on('error', () => resolve());
    sock.end(rest, () => resolve());
  });
  sock.destroy();
  return true;
}

/** Reads the FIFO until the agent closes its write end. */
export class FifoReader {
  private readonly chunks: Buffer[] = [];
  private readonly sock: net.Socket;
  readonly done: Promise<Buffer>;
  constructor(private readonly path: string) {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
    this.sock = new net.Socket({ fd, readable: true, writable: false });
    this.done = new Promise<Buffer>((resolve) => {
      this.sock.on('data', (c: Buffer) => this.chunks.push(c));
      this.sock.on('end', () => resolve(Buffer.concat(this.chunks)));
      this.sock.on('error', () => resolve(Buffer.concat(this.chunks)));
      this.sock.on('close', () => resolve(Buffer.concat(this.chunks)));
    });
  }

  /**
   * After the agent exited: a FIFO that never had a writer would wait forever, so connect and
   * disconnect a writer ourselves; buffered data is still read, then EOF.
   */
  release(): void {
    try {
      closeSync(openSync(this.path, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      /* reader already gone */
    }
  }
}
