/** Streaming size + SHA-256 of the original bytes, and the codec transforms. */
import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { constants as zc, createGunzip, createGzip } from 'node:zlib';
import type { Codec } from './params.js';

export class Measure extends Transform {
  private readonly hash = createHash('sha256');
  bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }
  /** Valid once the stream has ended. */
  digest(): string {
    return this.hash.copy().digest('hex');
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
