/**
 * A response body read from its connection. As a stream (what the SDK does with error bodies; chunked and
 * close-delimited bodies) each socket read lands in scratch and is copied out. With `readInto`, for a body of
 * known length, the socket reads straight into the consumer's memory (the channel's ring): no allocation and
 * no copy per read, which is most of what receiving costs in Node.
 */
import { Readable } from 'node:stream';
import { ChunkedDecoder } from './chunked.js';
import type { Connection } from './connection.js';
import type { Framing } from './head.js';

/** Where readInto puts the bytes. */
export interface ReadTarget {
  /** Memory the next read may fill, or undefined while there is none (the read then lands in scratch and is put). */
  space(): Uint8Array | undefined;
  /** `n` bytes were read into the start of the last space(); a promise holds the socket until it settles. */
  commit(n: number): Promise<void> | undefined;
  /** Bytes read elsewhere, to be copied; a promise holds the socket until it settles. */
  put(chunk: Uint8Array): Promise<void> | undefined;
}

export class ConnectionClosed extends Error {
  readonly code = 'ECONNRESET';
  constructor(message: string) {
    super(message);
    this.name = 'ConnectionClosed';
  }
}

export class DirectBody extends Readable {
  private mode: 'idle' | 'stream' | 'direct' = 'idle';
  /** Set when the connection closed before anyone read: null for a clean close. */
  private closedEarly: Error | null | undefined;

  constructor(
    private readonly conn: Connection,
    private readonly framing: Framing,
    /** Body bytes that came in the same read as the head. */
    private leftover: Buffer,
  ) {
    super({ highWaterMark: 256 * 1024 });
    // A TLS socket may hand over more decrypted reads after being told to stop: kept for whoever reads.
    conn.reader = {
      buffer: (scratch) => scratch,
      got: (n, buf) => {
        this.leftover = Buffer.concat([this.leftover, buf.subarray(0, n)]);
        return false;
      },
      closed: (e) => (this.closedEarly = e ?? null),
    };
  }

  /** The body's length when readInto can take it: known, and not yet read otherwise. */
  get directLength(): number | undefined {
    return this.mode === 'idle' && this.framing.kind === 'length' ? this.framing.length : undefined;
  }

  /** A close seen while idle reaches the reader once it has taken the leftover bytes. */
  private replayClose(): void {
    if (this.closedEarly !== undefined) this.conn.reader.closed(this.closedEarly ?? undefined);
  }

  /** Reads the whole body into `target`; resolves after its last byte, rejects when the connection breaks. */
  readInto(target: ReadTarget): Promise<void> {
    const length = this.directLength;
    if (length === undefined) return Promise.reject(new Error('this body cannot be read directly'));
    this.mode = 'direct';
    const conn = this.conn;
    let remaining = length;
    let last: Uint8Array | undefined;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      /** Deliveries waiting for room, in order. */
      let chain: Promise<void> | undefined;
      const fail = (e: Error) => {
        if (settled) return;
        settled = true;
        conn.destroy(e);
        reject(e);
      };
      /** Whether the socket may read on. */
      const after = (held: Promise<void> | undefined): boolean => {
        if (remaining === 0) {
          settled = true;
          conn.destroy();
          (held ?? Promise.resolve()).then(resolve, reject);
          return false;
        }
        if (!held) return true;
        const mine: Promise<void> = held.then(() => {
          if (chain !== mine) return; // a later read is chained behind this one and resumes
          chain = undefined;
          if (!settled) conn.resume();
        });
        chain = mine;
        mine.catch(fail);
        return false;
      };
      conn.reader = {
        buffer(scratch) {
          const s = remaining > 0 && !chain ? target.space() : undefined;
          last = s && s.length > remaining ? s.subarray(0, remaining) : s;
          return last ?? scratch;
        },
        got(n, buf) {
          if (settled) return false;
          const k = Math.min(n, remaining); // anything past the body is not ours
          remaining -= k;
          if (buf === last && !chain) return after(target.commit(k));
          // Scratch (or a read that came while held, as TLS may deliver): copied, as the socket reuses its memory.
          const copy = Buffer.from(buf.subarray(0, k));
          const waiting = chain;
          return after(waiting ? waiting.then(() => target.put(copy)) : target.put(copy));
        },
        closed(e) {
          fail(e ?? new ConnectionClosed(`the connection closed ${length - remaining} bytes into a body of ${length}`));
        },
      };
      const first = this.leftover.subarray(0, remaining);
      this.leftover = Buffer.alloc(0);
      remaining -= first.length;
      if (after(first.length > 0 ? target.put(first) : undefined)) conn.resume();
      this.replayClose();
    });
  }

  override _read(): void {
    if (this.mode === 'idle') this.startStream();
    else this.conn.resume();
  }

  private startStream(): void {
    this.mode = 'stream';
    const conn = this.conn;
    const framing = this.framing;
    let remaining = framing.kind === 'length' ? framing.length : Infinity;
    const chunked = framing.kind === 'chunked' ? new ChunkedDecoder() : undefined;
    let ended = false;
    /** Pushes a read's body bytes (copied: scratch is reused); false when the consumer is full. */
    const take = (bytes: Uint8Array): boolean => {
      let more = true;
      const pieces = chunked ? chunked.write(bytes) : [bytes.subarray(0, Math.min(bytes.length, remaining))];
      for (const p of pieces) {
        remaining -= p.length;
        if (p.length > 0) more = this.push(Buffer.from(p));
      }
      if (remaining === 0 || chunked?.done) {
        ended = true;
        this.push(null);
        conn.destroy();
        return false;
      }
      return more;
    };
    conn.reader = {
      buffer: (scratch) => scratch,
      got: (n, buf) => {
        if (ended) return false;
        try {
          return take(buf.subarray(0, n));
        } catch (e) {
          this.destroy(e as Error);
          return false;
        }
      },
      closed: (e) => {
        if (ended) return;
        if (!e && framing.kind === 'close') {
          ended = true;
          this.push(null);
        } else this.destroy(e ?? new ConnectionClosed('the connection closed before the end of the body'));
      },
    };
    const first = this.leftover;
    this.leftover = Buffer.alloc(0);
    try {
      if ((first.length === 0 && remaining > 0) || take(first)) conn.resume();
    } catch (e) {
      this.destroy(e as Error);
    }
    this.replayClose();
  }

  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.conn.destroy();
    cb(err);
  }
}
