/** Streaming size + checksum of the original bytes, and the codec transforms. */
import { Transform, type TransformCallback } from 'node:stream';
import { constants as zc, createGunzip, createGzip } from 'node:zlib';
import { newChecksum, STORED_CHECKSUM } from './checksum.js';
import type { Codec } from './params.js';

export class Measure extends Transform {
  private readonly check = newChecksum(STORED_CHECKSUM);
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.check.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
  /** Valid once the stream has ended; call once. */
  digest(): string {
    return this.check.hex();
  }
}

/** Counts bytes only (stored size after the codec). */
export class Count extends Transform {
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    cb(null, chunk);
  }
}

export function encoder(codec: Codec): Transform | undefined {
  return codec === 'gzip' ? createGzip({ level: zc.Z_BEST_SPEED }) : undefined;
}

export function decoder(codec: Codec): Transform | undefined {
  return codec === 'gzip' ? createGunzip() : undefined;
}
