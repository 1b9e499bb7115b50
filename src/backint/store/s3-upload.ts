/**
 * A backup stream of unknown length uploaded to S3 as a multipart upload whose parts grow as the stream gets
 * long, so one pipe of any size S3 can hold (5 TiB) fits in its 10,000 parts: PartSizeMiB at first, doubled
 * every twelfth of the part limit, at most 5 GiB (4 GiB, Node's largest Buffer). Each part is buffered before it
 * is sent, so a retry re-sends the buffer and never re-reads the pipe; fewer parts are in flight as they grow,
 * so memory stays about PartSizeMiB x UploadConcurrency plus the part being filled.
 */
import { constants } from 'node:buffer';
import type { Readable } from 'node:stream';

export const S3_MAX_PARTS = 10_000;
const GiB = 1024 ** 3;
const MAX_PART = Math.min(5 * GiB, constants.MAX_LENGTH);

export interface PartPlan {
  /** The first parts' size (PartSizeMiB). */
  readonly base: number;
  /** S3's 10,000, or fewer (tests). */
  readonly maxParts: number;
  /** Parts of the first size in flight at once (UploadConcurrency). */
  readonly concurrency: number;
}

/** The size of part `n` (1-based). */
export function partSize(plan: PartPlan, n: number): number {
  const step = Math.max(1, Math.floor(plan.maxParts / 12));
  return Math.min(MAX_PART, plan.base * 2 ** Math.floor((n - 1) / step));
}

/** The most bytes one stream can hold under `plan`. */
export function capacity(plan: PartPlan): number {
  let total = 0;
  for (let n = 1; n <= plan.maxParts; n++) total += partSize(plan, n);
  return total;
}

/** The S3 requests an upload makes; each is retried by the client as it sees fit. */
export interface MultipartTarget {
  /** The whole stream fitted in one part: a plain PutObject. */
  single(body: Buffer): Promise<void>;
  create(): Promise<string>;
  part(uploadId: string, n: number, body: Buffer): Promise<string>;
  complete(uploadId: string, parts: { PartNumber: number; ETag: string }[]): Promise<void>;
  abort(uploadId: string): Promise<void>;
}

export class TooLargeError extends Error {}

/**
 * Part buffers handed back once their upload is done, for the next parts of the same size: a new buffer per part
 * left the freed ones to the garbage collector, and with 4 channels of 512 MiB the agent's RSS peaked at 294 MiB.
 */
class PartBuffers {
  private readonly free = new Map<number, Buffer[]>();
  take(size: number): Buffer {
    return this.free.get(size)?.pop() ?? Buffer.allocUnsafeSlow(size);
  }
  give(part: Buffer): void {
    if (part.byteOffset !== 0 || part.length !== part.buffer.byteLength) return; // a last, shorter part's view
    const list = this.free.get(part.length) ?? [];
    list.push(part);
    this.free.set(part.length, list);
  }
}

/** Yields the stream cut into parts of partSize(n), the last one shorter. */
async function* parts(body: Readable, plan: PartPlan, buffers: PartBuffers): AsyncGenerator<Buffer> {
  let n = 1;
  let part: Buffer | undefined;
  let filled = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    let at = 0;
    while (at < chunk.length) {
      if (n > plan.maxParts) throw new TooLargeError(`more than ${capacity(plan)} bytes`);
      part ??= buffers.take(partSize(plan, n));
      const take = Math.min(chunk.length - at, part.length - filled);
      chunk.copy(part, filled, at, at + take);
      filled += take;
      at += take;
      if (filled === part.length) {
        yield part;
        part = undefined;
        filled = 0;
        n++;
      }
    }
  }
  if (part || n === 1) yield (part ?? Buffer.alloc(0)).subarray(0, filled);
}

/** Uploads `body`; on any failure the multipart upload is aborted (S3 keeps no parts) and the error thrown. */
export async function uploadGrowing(body: Readable, target: MultipartTarget, plan: PartPlan): Promise<void> {
  const buffers = new PartBuffers();
  const source = parts(body, plan, buffers);
  let uploadId: string | undefined;
  const etags: string[] = [];
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const send = (id: string, n: number, bytes: Buffer) => {
    const p: Promise<void> = target.part(id, n, bytes).then(
      (etag) => {
        etags[n - 1] = etag;
        buffers.give(bytes); // the request is over: nothing reads these bytes any more
      },
      (e: unknown) => void (failure ??= e),
    );
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };
  try {
    const first = await source.next();
    const second = first.done ? first : await source.next();
    if (second.done) return await target.single(first.value ?? Buffer.alloc(0));
    uploadId = await target.create();
    send(uploadId, 1, first.value!);
    let n = 2;
    for (let next: IteratorResult<Buffer> = second; !next.done && failure === undefined; next = await source.next(), n++) {
      // Bytes in flight stay about base x concurrency whatever the part size.
      const allowed = Math.max(1, Math.floor((plan.base * plan.concurrency) / next.value.length));
      while (inFlight.size >= allowed && failure === undefined) await Promise.race(inFlight);
      send(uploadId, n, next.value);
    }
    await Promise.all(inFlight);
    if (failure !== undefined) throw failure;
    await target.complete(
      uploadId,
      etags.map((ETag, i) => ({ PartNumber: i + 1, ETag })),
    );
  } catch (e) {
    await Promise.allSettled(inFlight);
    body.destroy();
    if (uploadId !== undefined) await target.abort(uploadId).catch(() => undefined);
    throw e;
  }
}
