/**
 * S3 store: <S3BucketFolder>/<user>/<path segments>/@/<ebid> (data) and <ebid>.json (manifest, written
 * last: the commit). Multipart with parts that grow on a long stream (s3-upload.ts: buffered, so an SDK retry
 * re-sends a buffer and never re-reads the pipe), aborted on failure; restore downloads ranges requested ahead
 * (s3-download.ts).
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
  UploadPartCommand,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { type Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../log.js';
import {
  decodePath,
  ebidCreatedAt,
  encodePath,
  encodeSegment,
  recordedChecksum,
  VERSIONS,
  type ObjectManifest,
  type ObjectVersion,
} from '../objects.js';
import type { Params, Tag } from '../params.js';
import { AGENT_ID } from '../version.js';
import { openSinkChannel, type SinkChannel } from '../channel/sink.js';
import { SLOT_BYTES, type ChannelDigest } from '../channel/ring.js';
import { parseManifest } from './manifest.js';
import { errnoCode } from '../errno.js';

/** `Name: ` of an error class other than plain Error, for messages. */
const errorName = (e: unknown): string => ((e as Error).name === 'Error' ? '' : `${(e as Error).name}: `);
import { UndiciHandler } from './http/undici-handler.js';
import { downloadStream, startDownload, type Download, type RangeSource } from './s3-download.js';
import { capacity, S3_MAX_PARTS, TooLargeError, uploadGrowing, type MultipartTarget } from './s3-upload.js';
import { NotDeletedError, type Digest, type ObjectStore, type PutInfo } from './store.js';

export interface S3StoreConfig {
  readonly bucket: string;
  readonly folder: string;
  readonly ownerAccountId?: string;
  readonly sse?: { readonly kmsKeyArn?: string };
  readonly storageClass: Params['S3StorageClass'];
  /** Tags for every object; per-object tags (backup type) are added at put. */
  readonly tags: readonly Tag[];
  readonly enableTagging: boolean;
  /** The first parts' size; later parts grow (s3-upload.ts). */
  readonly partSize: number;
  /** S3's 10,000 unless given (tests use a few). */
  readonly maxParts?: number;
  readonly uploadConcurrency: number;
  readonly downloadConcurrency: number;
  readonly downloadRange: number;
  readonly maxAttempts: number;
  readonly describe: string;
}

const MAX_TAGS = 10;
const MiB = 1024 * 1024;

function httpStatus(e: unknown): number | undefined {
  return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}

/** Throttling, 5xx and network errors are worth another try; a 404 or 403 is not. */
function retriable(e: unknown): boolean {
  if (isNotFound(e)) return false;
  return !(e instanceof S3ServiceException) || (httpStatus(e) ?? 500) >= 500 || (e as Error).name === 'SlowDown';
}

function backoff(attempt: number): Promise<void> {
  return sleep(Math.min(100 * 2 ** attempt, 5000) * (0.5 + Math.random() / 2));
}

function isNotFound(e: unknown): boolean {
  const name = (e as Error).name;
  return name === 'NoSuchKey' || name === 'NotFound' || httpStatus(e) === 404;
}

/** S3 tag values allow letters, digits, spaces and + - = . _ : / @. */
function tagValue(s: string): string {
  return s.replace(/[^\p{L}\p{N} +\-=._:/@]/gu, '_').slice(0, 256);
}

export function tagging(tags: readonly Tag[]): string {
  return tags.map((t) => `${encodeURIComponent(t.Key)}=${encodeURIComponent(t.Value)}`).join('&');
}

/** Every request goes through undici, through the proxy the environment names (http/undici-handler.ts). */
export function s3ClientFromParams(p: Params): S3Client {
  // stderr is HANA's "console output" for the DBA: keep the SDK's Node-version notice out of it.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const checksums = p.S3ChecksumMode === 'when_supported' ? 'WHEN_SUPPORTED' : 'WHEN_REQUIRED';
  return new S3Client({
    region: p.S3BucketAwsRegion,
    ...(p.S3Endpoint ? { endpoint: p.S3Endpoint } : {}),
    forcePathStyle: p.S3ForcePathStyle,
    maxAttempts: p.S3MaxAttempts,
    retryMode: 'standard',
    requestChecksumCalculation: checksums,
    responseChecksumValidation: checksums,
    requestHandler: new UndiciHandler(),
  });
}

export function s3ConfigFromParams(p: Params, context: { hanaSoftwareId?: string }): S3StoreConfig {
  const tags: Tag[] = [];
  if (p.EnableTagging) {
    tags.push({ Key: 'hana-backint-agent', Value: tagValue(AGENT_ID) });
    if (context.hanaSoftwareId) tags.push({ Key: 'hana-version', Value: tagValue(context.hanaSoftwareId) });
  }
  tags.push(...p.BackupObjectTags.map((t) => ({ Key: t.Key, Value: tagValue(t.Value) })));
  return {
    bucket: p.S3BucketName!,
    folder: p.S3BucketFolder,
    ownerAccountId: p.S3BucketOwnerAccountID,
    sse: p.S3SseEnabled ? { kmsKeyArn: p.S3SseKmsArn } : undefined,
    storageClass: p.S3StorageClass,
    tags,
    enableTagging: p.EnableTagging,
    partSize: p.PartSizeMiB * 1024 * 1024,
    uploadConcurrency: p.UploadConcurrency,
    downloadConcurrency: p.DownloadConcurrency,
    downloadRange: p.DownloadRangeMiB * MiB,
    maxAttempts: p.S3MaxAttempts,
    describe: `s3://${p.S3BucketName}${p.S3Endpoint ? ` at ${p.S3Endpoint}` : ''}`,
  };
}

export class S3Store implements ObjectStore {
  constructor(
    private readonly client: S3Client,
    private readonly cfg: S3StoreConfig,
    private readonly log: Logger,
    /** For the ranged GETs of a restore (the same client unless given). */
    private readonly dataClient: S3Client = client,
  ) {
    if (cfg.ownerAccountId) {
      const owner = cfg.ownerAccountId;
      // Every request carries the expected owner, so S3 refuses to act on someone else's bucket.
      for (const c of new Set([client, dataClient])) {
        c.middlewareStack.add(
          (next) => async (args) => {
            const req = args.request as { headers?: Record<string, string> };
            if (req.headers) req.headers['x-amz-expected-bucket-owner'] = owner;
            return next(args);
          },
          { step: 'build', name: 'expectedBucketOwner' },
        );
      }
    }
  }

  static fromParams(p: Params, log: Logger, context: { hanaSoftwareId?: string }): S3Store {
    return new S3Store(s3ClientFromParams(p), s3ConfigFromParams(p, context), log, s3ClientFromParams(p));
  }

  private userPrefix(user: string): string {
    return `${this.cfg.folder ? `${this.cfg.folder}/` : ''}${encodeSegment(user)}/`;
  }

  private versionsPrefix(user: string, p: string): string {
    return `${this.userPrefix(user)}${encodePath(p).join('/')}/${VERSIONS}/`;
  }

  /** Headers common to every object we write: encryption and storage class. */
  private writeParams(): Pick<PutObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId' | 'StorageClass'> {
    const sse = this.cfg.sse;
    return {
      StorageClass: this.cfg.storageClass,
      ...(sse
        ? sse.kmsKeyArn
          ? { ServerSideEncryption: 'aws:kms' as const, SSEKMSKeyId: sse.kmsKeyArn }
          : { ServerSideEncryption: 'AES256' as const }
        : {}),
    };
  }

  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.cfg.bucket, ExpectedBucketOwner: this.cfg.ownerAccountId }));
    } catch (e) {
      const status = httpStatus(e);
      if (status === 404)
        throw new Error(`store unreachable: bucket ${this.cfg.bucket} does not exist (${this.cfg.describe})`, { cause: e });
      if (status === 403)
        throw new Error(
          `store unreachable: access to bucket ${this.cfg.bucket} ` +
            `denied${this.cfg.ownerAccountId ? ` or it is not owned by ${this.cfg.ownerAccountId}` : ''}`,
          { cause: e },
        );
      throw new Error(`store unreachable: ${this.cfg.describe}: ${errorName(e)}${(e as Error).message || errnoCode(e)}`, {
        cause: e,
      });
    }
  }

  async put(info: PutInfo, body: Readable, digest: () => Digest): Promise<ObjectManifest> {
    const key = this.versionsPrefix(info.user, info.path) + info.ebid;
    const tags = [...this.cfg.tags];
    if (this.cfg.enableTagging) tags.push({ Key: 'backup-type', Value: info.kind });
    if (tags.length > MAX_TAGS) throw new Error(`${tags.length} object tags; S3 allows ${MAX_TAGS} (reduce BackupObjectTags)`);
    const plan = { base: this.cfg.partSize, maxParts: this.cfg.maxParts ?? S3_MAX_PARTS, concurrency: this.cfg.uploadConcurrency };
    try {
      await uploadGrowing(body, this.multipart(key, info, tags), plan);
    } catch (e) {
      body.destroy();
      if (e instanceof TooLargeError) {
        throw new Error(
          `${info.path} is larger than one S3 object can hold in ${plan.maxParts} parts starting at PartSizeMiB ` +
            `${plan.base / MiB} (${(capacity(plan) / 2 ** 40).toFixed(2)} TiB); raise HANA's ` +
            `parallel_data_backup_backint_channels`,
          { cause: e },
        );
      }
      throw e;
    }
    const manifest: ObjectManifest = {
      user: info.user,
      path: info.path,
      ebid: info.ebid,
      createdAt: info.createdAt,
      kind: info.kind,
      codec: info.codec,
      ...digest(),
      ...(info.softwareId ? { softwareId: info.softwareId } : {}),
    };
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.cfg.bucket,
        Key: `${key}.json`,
        Body: JSON.stringify(manifest),
        ContentType: 'application/json',
        ...this.writeParams(),
        Metadata: { size: String(manifest.size), crc32: manifest.crc32!, codec: manifest.codec },
      }),
    );
    return manifest;
  }

  /** The requests of one object's upload, each with the object's encryption, class, tags and metadata. */
  private multipart(key: string, info: PutInfo, tags: readonly Tag[]): MultipartTarget {
    const Bucket = this.cfg.bucket;
    const head = {
      Bucket,
      Key: key,
      ...this.writeParams(),
      ...(tags.length ? { Tagging: tagging(tags) } : {}),
      Metadata: { ebid: info.ebid, kind: info.kind, codec: info.codec, 'created-at': new Date(info.createdAt).toISOString() },
    };
    const c = this.client;
    return {
      single: async (Body) => void (await c.send(new PutObjectCommand({ ...head, Body, ContentLength: Body.length }))),
      create: async () => (await c.send(new CreateMultipartUploadCommand(head))).UploadId!,
      part: async (UploadId, PartNumber, Body) =>
        (await c.send(new UploadPartCommand({ Bucket, Key: key, UploadId, PartNumber, Body, ContentLength: Body.length }))).ETag!,
      complete: async (UploadId, Parts) =>
        void (await c.send(new CompleteMultipartUploadCommand({ Bucket, Key: key, UploadId, MultipartUpload: { Parts } }))),
      abort: async (UploadId) => void (await c.send(new AbortMultipartUploadCommand({ Bucket, Key: key, UploadId }))),
    };
  }

  private async *keys(prefix: string): AsyncGenerator<string> {
    let token: string | undefined;
    do {
      const r = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.cfg.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      for (const o of r.Contents ?? []) if (o.Key) yield o.Key;
      token = r.IsTruncated ? r.NextContinuationToken : undefined;
    } while (token);
  }

  private async version(user: string, p: string, ebid: string): Promise<ObjectVersion | undefined> {
    const createdAt = ebidCreatedAt(ebid) ?? (await this.stat(user, p, ebid))?.createdAt;
    return createdAt === undefined ? undefined : { user, path: p, ebid, createdAt };
  }

  async versions(user: string, p: string): Promise<ObjectVersion[]> {
    const prefix = this.versionsPrefix(user, p);
    const out: ObjectVersion[] = [];
    for await (const key of this.keys(prefix)) {
      const rest = key.slice(prefix.length);
      if (rest.includes('/') || !rest.endsWith('.json')) continue;
      const v = await this.version(user, p, rest.slice(0, -5));
      if (v) out.push(v);
    }
    return out;
  }

  async list(user: string): Promise<ObjectVersion[]> {
    const prefix = this.userPrefix(user);
    const out: ObjectVersion[] = [];
    for await (const key of this.keys(prefix)) {
      const segs = key.slice(prefix.length).split('/');
      const name = segs.pop()!;
      if (segs.pop() !== VERSIONS || !name.endsWith('.json')) continue;
      const v = await this.version(user, decodePath(segs), name.slice(0, -5));
      if (v) out.push(v);
    }
    return out;
  }

  async stat(user: string, p: string, ebid: string): Promise<ObjectManifest | undefined> {
    if (!/^[\w.-]+$/.test(ebid) || ebid.startsWith('.')) return undefined;
    try {
      const r = await this.client.send(
        new GetObjectCommand({ Bucket: this.cfg.bucket, Key: `${this.versionsPrefix(user, p)}${ebid}.json` }),
      );
      return parseManifest(await r.Body!.transformToString(), `${user}:${p}:${ebid}`);
    } catch (e) {
      if (isNotFound(e)) return undefined;
      throw e;
    }
  }

  /** The body of one byte range as a stream, the request retried with backoff (the SDK also retries it). */
  private async rangeBody(key: string, start: number, end: number): Promise<Readable> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await this.dataClient.send(
          new GetObjectCommand({ Bucket: this.cfg.bucket, Key: key, Range: `bytes=${start}-${end}` }),
        );
        return r.Body as Readable;
      } catch (e) {
        if (!retriable(e) || attempt >= this.cfg.maxAttempts) throw e;
        this.log.warn(`range ${start}-${end} of ${key} failed (${(e as Error).message}); attempt ${attempt + 1}`);
        await backoff(attempt);
      }
    }
  }

  /** The object's stored bytes as ranges of DownloadRangeMiB, DownloadConcurrency of them requested ahead. */
  private download(m: ObjectManifest): Download {
    const key = this.versionsPrefix(m.user, m.path) + m.ebid;
    const source: RangeSource = {
      get: (start, end) => this.rangeBody(key, start, end),
      maxAttempts: this.cfg.maxAttempts,
      backoff,
      warn: (message) => this.log.warn(message),
    };
    return startDownload(source, key, m.storedSize, this.cfg.downloadRange, this.cfg.downloadConcurrency);
  }

  async open(m: ObjectManifest): Promise<Readable> {
    const d = this.download(m);
    await d.ready.catch((e: unknown) => {
      d.cancel();
      throw e;
    });
    return downloadStream(d, SLOT_BYTES);
  }

  /** Uncompressed objects go from each body chunk straight into the channel's ring, without a stream between. */
  async restoreTo(m: ObjectManifest, destination: string, pipeOpenTimeoutMs: number): Promise<ChannelDigest> {
    const d = this.download(m);
    let sink: SinkChannel | undefined;
    try {
      await d.ready; // a missing object fails before HANA's pipe is opened
      sink = await openSinkChannel(destination, pipeOpenTimeoutMs, recordedChecksum(m).algorithm);
      await d.run(sink);
      return await sink.finish();
    } catch (e) {
      d.cancel();
      sink?.abort();
      throw e;
    }
  }

  async remove(user: string, p: string, ebid: string): Promise<'deleted' | 'notfound'> {
    // Delete is idempotent in S3: look first, so a missing object is reported as such.
    if (!(await this.stat(user, p, ebid))) return 'notfound';
    const key = this.versionsPrefix(user, p) + ebid;
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.cfg.bucket, Key: `${key}.json` }));
      await this.client.send(new DeleteObjectCommand({ Bucket: this.cfg.bucket, Key: key }));
    } catch (e) {
      if (httpStatus(e) === 403) throw new NotDeletedError(`delete refused: ${(e as Error).name}`);
      throw e;
    }
    return 'deleted';
  }

  close(): void {
    this.client.destroy();
    if (this.dataClient !== this.client) this.dataClient.destroy();
  }
}
