/** Long streams on S3 (s3rver): parts grow, so a stream longer than the part limit x PartSizeMiB still fits. */
import { S3Client } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { silentLogger } from '../../../src/backint/log.js';
import { validateParams } from '../../../src/backint/params.js';
import { s3ConfigFromParams, S3Store } from '../../../src/backint/store/s3.js';
import { capacity, partSize, S3_MAX_PARTS } from '../../../src/backint/store/s3-upload.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';

const MiB = 1024 * 1024;
const TiB = 1024 ** 4;
let s3: S3rverHandle;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3?.stop();
});

function storeWith(maxParts: number) {
  const p = validateParams(
    {
      StoreType: 's3',
      S3BucketName: s3.bucket,
      S3Endpoint: s3.endpoint,
      S3ForcePathStyle: true,
      PartSizeMiB: 5,
      UploadConcurrency: 2,
    },
    'test.yml',
  );
  const client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  const partLengths: number[] = [];
  client.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as { PartNumber?: number; ContentLength?: number };
      if (context.commandName === 'UploadPartCommand') partLengths[input.PartNumber! - 1] = input.ContentLength!;
      return next(args);
    },
    { step: 'initialize', name: 'recordParts' },
  );
  return { store: new S3Store(client, { ...s3ConfigFromParams(p, {}), maxParts }, silentLogger), partLengths };
}

const info = (ebid: string) => ({
  user: 'ERP@PRD',
  path: '/usr/sap/PRD/SYS/global/hdb/backint/DB_ERP/COMPLETE_databackup_0_1',
  ebid,
  createdAt: 1707397841205,
  kind: 'PIPE' as const,
  codec: 'none' as const,
});

/** The bytes in chunks of 64 KiB, as a pipe delivers them. */
const pipeOf = (data: Buffer) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < data.length; i += 64 * 1024) yield data.subarray(i, i + 64 * 1024);
    })(),
  );

async function readAll(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('S3 parts grow on a long stream', () => {
  test('part buffers are reused once their upload is done: every byte of every same-size part restores', async () => {
    const { store, partLengths } = storeWith(100);
    const data = randomBytes(26 * MiB + 7); // five parts of 5 MiB and a short one, from at most 3 buffers
    const m = await store.put(info('1707397841205-00000003'), pipeOf(data), () => ({
      size: data.length,
      crc32: '00000000',
      storedSize: data.length,
    }));
    expect(partLengths).toEqual([...Array<number>(5).fill(5 * MiB), MiB + 7]);
    expect((await readAll(await store.open(m))).equals(data)).toBe(true);
    store.close();
  });

  test('a stream longer than parts limit x PartSizeMiB is stored whole, in growing parts, and restores', async () => {
    const { store, partLengths } = storeWith(3);
    const data = randomBytes(18 * MiB + 5); // 3 parts of 5 MiB would hold 15 MiB
    const digest = () => ({ size: data.length, crc32: '00000000', storedSize: data.length });
    const m = await store.put(info('1707397841205-00000001'), pipeOf(data), digest);
    expect(partLengths).toEqual([5 * MiB, 10 * MiB, 3 * MiB + 5]);
    expect((await readAll(await store.open(m))).equals(data)).toBe(true);
    store.close();
  });

  test('beyond what the parts can hold, the error names the limit and no object is left', async () => {
    const { store } = storeWith(2); // 5 + 10 MiB
    const data = randomBytes(16 * MiB);
    const i = info('1707397841205-00000002');
    const digest = () => ({ size: data.length, crc32: '00000000', storedSize: data.length });
    await expect(store.put(i, pipeOf(data), digest)).rejects.toThrow(/larger than one S3 object can hold in 2 parts/);
    expect((await store.versions(i.user, i.path)).map((v) => v.ebid)).not.toContain(i.ebid);
    store.close();
  });

  test("with S3's 10,000 parts, any PartSizeMiB holds S3's largest object (5 TiB) in parts of at most 5 GiB", () => {
    for (const base of [5 * MiB, 8 * MiB, 64 * MiB]) {
      const plan = { base, maxParts: S3_MAX_PARTS, concurrency: 2 };
      expect(capacity(plan)).toBeGreaterThanOrEqual(5 * TiB);
      expect(partSize(plan, S3_MAX_PARTS)).toBeLessThanOrEqual(5 * 1024 * MiB);
      expect(partSize(plan, 1)).toBe(base);
    }
  });
});
