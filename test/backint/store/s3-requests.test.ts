/**
 * The requests the S3 store builds, checked on the wire (s3rver ignores SSE, owner, storage class and
 * tags, and has no AbortMultipartUpload): a fake HTTP handler records every request and answers like S3.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { silentLogger } from '../../../src/backint/log.js';
import { validateParams } from '../../../src/backint/params.js';
import { s3ConfigFromParams, S3Store } from '../../../src/backint/store/s3.js';

interface Seen {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Buffer;
}
interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer | Readable;
}

async function bodyOf(b: unknown): Promise<Buffer> {
  if (b === undefined || b === null) return Buffer.alloc(0);
  if (typeof b === 'string' || b instanceof Uint8Array) return Buffer.from(b as Uint8Array);
  const chunks: Buffer[] = [];
  for await (const c of b as AsyncIterable<Buffer>) chunks.push(Buffer.from(c));
  return Buffer.concat(chunks);
}

function fakeS3(answer: (r: Seen, seen: Seen[]) => Answer | undefined) {
  const seen: Seen[] = [];
  const client = new S3Client({
    region: 'eu-central-1',
    endpoint: 'http://s3.test',
    forcePathStyle: true,
    credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' },
    maxAttempts: 3,
    retryMode: 'standard',
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      async handle(req: {
        method: string;
        path: string;
        query: Record<string, string>;
        headers: Record<string, string>;
        body: unknown;
      }) {
        const r: Seen = {
          method: req.method,
          path: req.path,
          query: { ...req.query },
          headers: { ...req.headers },
          body: await bodyOf(req.body),
        };
        seen.push(r);
        const a = answer(r, seen) ?? defaultAnswer(r);
        return {
          response: {
            statusCode: a.status,
            headers: a.headers ?? {},
            body: a.body instanceof Readable ? a.body : Readable.from([Buffer.from(a.body ?? '')]),
          },
        };
      },
    },
  });
  return { client, seen };
}

function defaultAnswer(r: Seen): Answer {
  if (r.method === 'POST' && 'uploads' in r.query)
    return {
      status: 200,
      body:
        '<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key>' +
        '<UploadId>up-1</UploadId></InitiateMultipartUploadResult>',
    };
  if (r.method === 'PUT' && r.query.partNumber) return { status: 200, headers: { etag: `"etag-${r.query.partNumber}"` } };
  if (r.method === 'POST' && r.query.uploadId)
    return {
      status: 200,
      body: '<CompleteMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><ETag>"x-2"</ETag></CompleteMultipartUploadResult>',
    };
  if (r.method === 'DELETE') return { status: 204 };
  return { status: 200, headers: { etag: '"e"' } };
}

const s3Error = (status: number, code: string): Answer => ({
  status,
  headers: { 'content-type': 'application/xml' },
  body: `<Error><Code>${code}</Code><Message>${code}</Message></Error>`,
});

const MiB = 1024 * 1024;
const params = (extra: Record<string, unknown> = {}) =>
  validateParams(
    {
      StoreType: 's3',
      S3BucketName: 'hana-backups',
      S3BucketOwnerAccountID: '123456789012',
      PartSizeMiB: 5,
      UploadConcurrency: 1,
      ...extra,
    },
    'test.yml',
  );

function store(client: S3Client, extra: Record<string, unknown> = {}) {
  return new S3Store(
    client,
    s3ConfigFromParams(params(extra), { hanaSoftwareId: 'HANA HDB server 2.00.071.00.1687900751' }),
    silentLogger,
  );
}

const info = {
  user: 'ERP@PRD',
  path: '/usr/sap/PRD/SYS/global/hdb/backint/DB_ERP/COMPLETE_databackup_0_1',
  ebid: '1707397841205-0a1b2c3d',
  createdAt: 1707397841205,
  kind: 'PIPE' as const,
  codec: 'none' as const,
};

/** A source that counts how often its bytes are read: a re-read would double the count. */
function countingSource(data: Buffer): { stream: Readable; read: () => number } {
  let read = 0;
  const stream = Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += 64 * 1024) {
        const c = data.subarray(i, i + 64 * 1024);
        read += c.length;
        yield c;
      }
    })(),
  );
  return { stream, read: () => read };
}

const digestOf = (data: Buffer) => () => ({
  size: data.length,
  crc32: crc32(data).toString(16).padStart(8, '0'),
  storedSize: data.length,
});

describe('S3 requests', () => {
  test('SSE-KMS, storage class, tags and the expected owner on every request of a multipart upload', async () => {
    const { client, seen } = fakeS3(() => undefined);
    const s = store(client, {
      S3SseEnabled: true,
      S3SseKmsArn: 'arn:aws:kms:eu-central-1:123456789012:key/k1',
      S3StorageClass: 'STANDARD_IA',
      BackupObjectTags: [{ Key: 'env', Value: 'prod' }],
    });
    const data = Buffer.alloc(11 * MiB, 7);
    await s.put(info, Readable.from([data]), digestOf(data));
    const create = seen.find((r) => r.method === 'POST' && 'uploads' in r.query)!;
    expect(create.path).toBe(
      '/hana-backups/ERP%2540PRD/usr/sap/PRD/SYS/global/hdb/backint/DB_ERP/COMPLETE_databackup_0_1/%40/1707397841205-0a1b2c3d',
    );
    expect(create.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(create.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBe('arn:aws:kms:eu-central-1:123456789012:key/k1');
    expect(create.headers['x-amz-storage-class']).toBe('STANDARD_IA');
    const tags = new URLSearchParams(create.headers['x-amz-tagging']);
    expect(tags.get('hana-version')).toBe('HANA HDB server 2.00.071.00.1687900751');
    expect(tags.get('backup-type')).toBe('PIPE');
    expect(tags.get('env')).toBe('prod');
    expect(tags.get('hana-backint-agent')).toMatch(/^hana-vdb hana-backint /);
    expect(create.headers['x-amz-meta-codec']).toBe('none');
    expect(seen.filter((r) => r.query.partNumber).map((r) => r.body.length)).toEqual([5 * MiB, 5 * MiB, MiB]);
    const manifest = seen[seen.length - 1]!;
    expect(manifest.path).toMatch(/1707397841205-0a1b2c3d\.json$/);
    expect(manifest.headers['x-amz-server-side-encryption']).toBe('aws:kms');
    expect(manifest.headers['x-amz-meta-crc32']).toBe(digestOf(data)().crc32);
    expect(JSON.parse(manifest.body.toString())).toMatchObject({ size: data.length, codec: 'none', ebid: info.ebid });
    for (const r of seen) expect(r.headers['x-amz-expected-bucket-owner']).toBe('123456789012');
  });

  test('SSE-S3 sends AES256 without a key id; no tags when EnableTagging is off', async () => {
    const { client, seen } = fakeS3(() => undefined);
    const data = Buffer.from('small object');
    await store(client, { S3SseEnabled: true, EnableTagging: false }).put(info, Readable.from([data]), digestOf(data));
    const put = seen[0]!;
    expect(put.method).toBe('PUT');
    expect(put.headers['x-amz-server-side-encryption']).toBe('AES256');
    expect(put.headers['x-amz-server-side-encryption-aws-kms-key-id']).toBeUndefined();
    expect(put.headers['x-amz-tagging']).toBeUndefined();
    expect(put.headers['x-amz-storage-class']).toBe('STANDARD');
  });

  test('too many tags are refused before anything is sent', async () => {
    const { client, seen } = fakeS3(() => undefined);
    const many = Array.from({ length: 9 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));
    await expect(
      store(client, { BackupObjectTags: many }).put(info, Readable.from([Buffer.from('x')]), digestOf(Buffer.from('x'))),
    ).rejects.toThrow(/S3 allows 10/);
    expect(seen).toHaveLength(0);
  });

  test('check() is a HeadBucket with the owner; 403 names the owner', async () => {
    const { client, seen } = fakeS3((r) => (r.method === 'HEAD' ? { status: 403 } : undefined));
    await expect(store(client).check()).rejects.toThrow(
      'store unreachable: access to bucket hana-backups denied or it is not owned by 123456789012',
    );
    expect(seen[0]!.method).toBe('HEAD');
    expect(seen[0]!.path).toBe('/hana-backups/');
    expect(seen[0]!.headers['x-amz-expected-bucket-owner']).toBe('123456789012');
  });

  test('a part that keeps failing aborts the multipart upload and writes no manifest', async () => {
    const { client, seen } = fakeS3((r) => (r.query.partNumber === '2' ? s3Error(500, 'InternalError') : undefined));
    const data = Buffer.alloc(12 * MiB, 1);
    await expect(store(client).put(info, Readable.from([data]), digestOf(data))).rejects.toThrow();
    const abort = seen.find((r) => r.method === 'DELETE');
    expect(abort?.query.uploadId).toBe('up-1');
    expect(abort?.headers['x-amz-expected-bucket-owner']).toBe('123456789012');
    expect(seen.filter((r) => r.query.partNumber === '2')).toHaveLength(3); // S3MaxAttempts in the client
    expect(seen.some((r) => r.path.endsWith('.json'))).toBe(false);
    expect(seen.some((r) => r.method === 'POST' && r.query.uploadId)).toBe(false);
  });

  test('throttling and 5xx are retried by re-sending the buffered part, never by re-reading the pipe', async () => {
    let failures = 0;
    const { client, seen } = fakeS3((r) => {
      if (r.query.partNumber === '1' && failures < 2) {
        failures++;
        return failures === 1 ? s3Error(503, 'SlowDown') : s3Error(500, 'InternalError');
      }
      return undefined;
    });
    const data = Buffer.from(Array.from({ length: 7 * MiB }, (_, i) => i % 251));
    const src = countingSource(data);
    const m = await store(client).put(info, src.stream, digestOf(data));
    expect(m.size).toBe(data.length);
    expect(src.read()).toBe(data.length);
    const part1 = seen.filter((r) => r.query.partNumber === '1');
    expect(part1).toHaveLength(3);
    expect(new Set(part1.map((r) => createHash('sha256').update(r.body).digest('hex'))).size).toBe(1);
    expect(part1[0]!.body.equals(data.subarray(0, 5 * MiB))).toBe(true);
  });

  test('a failed ranged GET is re-requested for the same range', async () => {
    const data = Buffer.from('0123456789'.repeat(1000));
    let failed = false;
    const { client, seen } = fakeS3((r) => {
      if (r.method !== 'GET') return undefined;
      if (!failed) {
        failed = true;
        return s3Error(500, 'InternalError');
      }
      const [, a, b] = /bytes=(\d+)-(\d+)/.exec(r.headers.range!)!;
      return { status: 206, body: data.subarray(Number(a), Number(b) + 1) };
    });
    const s = store(client);
    const rs = await s.open({ ...info, size: data.length, storedSize: data.length, crc32: '0'.repeat(8) });
    expect((await bodyOf(rs)).equals(data)).toBe(true);
    const gets = seen.filter((r) => r.method === 'GET');
    expect(gets.length).toBeGreaterThanOrEqual(2);
    for (const g of gets) expect(g.headers.range).toBe(`bytes=0-${data.length - 1}`);
  });

  test('a body that breaks off mid-range is resumed from the first byte not yet passed on, in order', async () => {
    const data = Buffer.from(Array.from({ length: 12 * MiB }, (_, i) => i % 251));
    let broken = false;
    const { client, seen } = fakeS3((r) => {
      if (r.method !== 'GET') return undefined;
      const [, a, b] = /bytes=(\d+)-(\d+)/.exec(r.headers.range!)!;
      const bytes = data.subarray(Number(a), Number(b) + 1);
      if (!broken && Number(a) === 5 * MiB) {
        broken = true;
        // Half the range, then the connection resets.
        const body = Readable.from(
          (async function* () {
            yield bytes.subarray(0, 1000);
            throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
          })(),
        );
        return { status: 206, body };
      }
      return { status: 206, body: bytes };
    });
    const s = store(client, { DownloadConcurrency: 2, DownloadRangeMiB: 5 });
    const rs = await s.open({ ...info, size: data.length, storedSize: data.length, crc32: '0'.repeat(8) });
    expect((await bodyOf(rs)).equals(data)).toBe(true);
    const ranges = seen.filter((r) => r.method === 'GET').map((r) => r.headers.range);
    expect(ranges).toEqual(
      expect.arrayContaining([
        `bytes=0-${5 * MiB - 1}`,
        `bytes=${5 * MiB}-${10 * MiB - 1}`,
        `bytes=${5 * MiB + 1000}-${10 * MiB - 1}`,
        `bytes=${10 * MiB}-${12 * MiB - 1}`,
      ]),
    );
    expect(ranges).toHaveLength(4);
  });

  test('delete of an object the store refuses (403) is NotDeleted', async () => {
    const { client } = fakeS3((r) => {
      if (r.method === 'GET')
        return { status: 200, body: JSON.stringify({ ...info, size: 1, storedSize: 1, crc32: 'a'.repeat(8) }) };
      if (r.method === 'DELETE') return s3Error(403, 'AccessDenied');
      return undefined;
    });
    await expect(store(client).remove(info.user, info.path, info.ebid)).rejects.toMatchObject({ name: 'NotDeletedError' });
  });
});
