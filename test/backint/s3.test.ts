/** The S3 store against s3rver (real S3 protocol on 127.0.0.1), through the real program and FIFOs. */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encodePath, encodeSegment } from '../../src/backint/objects.js';
import { drainFifo, feedFifo, mkfifo, runAgent, tempDir, writeParams } from './helpers/agent.js';
import { ebidOf } from './helpers/harness.js';
import { startS3rver, type S3rverHandle } from './helpers/s3rver.js';

const SW = '#SOFTWAREID "backint 1.50" "HANA HDB server 2.00.071.00.1687900751"';
let s3: S3rverHandle;
let dir: string;
let remove: () => Promise<void>;
let params: string;
let client: S3Client;
const FOLDER = 'hana/prd';

beforeAll(async () => {
  s3 = await startS3rver();
  ({ dir, remove } = await tempDir('backint-s3-'));
  params = await writeParams(path.join(dir, 'p.yml'), {
    StoreType: 's3',
    S3BucketName: s3.bucket,
    S3Endpoint: s3.endpoint,
    S3ForcePathStyle: true,
    S3BucketFolder: FOLDER,
    PartSizeMiB: 5,
    UploadConcurrency: 2,
    DownloadConcurrency: 3,
    DownloadRangeMiB: 5, // a 12 MiB object restores as three ranges
    RestorePipeOpenTimeoutSeconds: 10,
  });
  client = new S3Client({
    endpoint: s3.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
});
afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  await remove?.();
});

const run = (fn: string, lines: string[], p = params) => runAgent(dir, { fn, paramFile: p, user: 'ERP@PRD', lines, env: s3.env });
const dataKey = (p: string, ebid: string) => `${FOLDER}/${encodeSegment('ERP@PRD')}/${encodePath(p).join('/')}/@/${ebid}`;

async function backupFifo(name: string, data: Buffer, p = params): Promise<{ pipe: string; ebid: string }> {
  const pipe = path.join(dir, name);
  await mkfifo(pipe);
  await writeFile(`${pipe}.src`, data);
  const [r] = await Promise.all([run('backup', [SW, `#PIPE "${pipe}"`], p), feedFifo(pipe, `${pipe}.src`)]);
  expect(r.stderr).toBe('');
  expect(r.output[1]).toMatch(new RegExp(`^#SAVED "[^"]+" "${pipe}" ${data.length}$`));
  return { pipe, ebid: ebidOf(r.output[1]!) };
}

async function restoreFifo(
  pipe: string,
  line: string,
): Promise<{ output: string[]; exitCode: number; stderr: string; bytes: Buffer }> {
  const [r] = await Promise.all([run('restore', [SW, line]), drainFifo(pipe, `${pipe}.out`)]);
  return { ...r, bytes: await readFile(`${pipe}.out`) };
}

describe('S3 store on s3rver', () => {
  test('multipart backup, inquire, restore through FIFOs, delete', async () => {
    const data = randomBytes(12 * 1024 * 1024 + 3);
    const { pipe, ebid } = await backupFifo('COMPLETE_databackup_0_1', data);
    const inq = await run('inquire', [SW, `#NULL "${pipe}"`, '#NULL']);
    expect(inq.exitCode).toBe(0);
    expect(inq.output[1]).toMatch(
      new RegExp(`^#BACKUP "${ebid}" "${pipe}" "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"$`),
    );
    expect(inq.output.slice(2).some((l) => l.startsWith(`#BACKUP "${ebid}" "${pipe}" "`))).toBe(true);
    const r = await restoreFifo(pipe, `#EBID "${ebid}" "${pipe}"`);
    expect(r.output[1]).toBe(`#RESTORED "${ebid}" "${pipe}"`);
    expect(r.bytes.equals(data)).toBe(true);
    const del = await run('delete', [SW, `#EBID "${ebid}" "${pipe}"`]);
    expect(del.output[1]).toBe(`#DELETED "${ebid}" "${pipe}"`);
    expect((await run('delete', [SW, `#EBID "${ebid}" "${pipe}"`])).output[1]).toBe(`#NOTFOUND "${ebid}" "${pipe}"`);
    expect((await run('inquire', [SW, `#NULL "${pipe}"`])).output[1]).toBe(`#NOTFOUND "${pipe}"`);
  });

  test('catalog versions are all kept; #NULL restores the newest; gzip objects round-trip', async () => {
    const gz = await writeParams(path.join(dir, 'gz.yml'), {
      StoreType: 's3',
      S3BucketName: s3.bucket,
      S3Endpoint: s3.endpoint,
      S3ForcePathStyle: true,
      S3BucketFolder: FOLDER,
      Compression: 'gzip',
    });
    const v1 = await backupFifo('log_backup_0_0_0_0', Buffer.from('catalog 1 '.repeat(1000)));
    const pipe = v1.pipe;
    const v2data = Buffer.from('catalog 2 '.repeat(1000));
    await writeFile(`${pipe}.src`, v2data);
    const [b] = await Promise.all([run('backup', [SW, `#PIPE "${pipe}"`], gz), feedFifo(pipe, `${pipe}.src`)]);
    const v2 = ebidOf(b.output[1]!);
    const inq = await run('inquire', [SW, `#NULL "${pipe}"`]);
    expect(inq.output.slice(1).map(ebidOf)).toEqual([v2, v1.ebid]);
    const r = await restoreFifo(pipe, `#NULL "${pipe}"`);
    expect(r.output[1]).toBe(`#RESTORED "${v2}" "${pipe}"`);
    expect(r.bytes.equals(v2data)).toBe(true);
  });

  test('a corrupted object is #ERROR', async () => {
    const data = randomBytes(100_000);
    const { pipe, ebid } = await backupFifo('COMPLETE_databackup_1_1', data);
    const bad = Buffer.from(data);
    bad[5000]! ^= 0xff;
    await client.send(new PutObjectCommand({ Bucket: s3.bucket, Key: dataKey(pipe, ebid), Body: bad }));
    const r = await restoreFifo(pipe, `#EBID "${ebid}" "${pipe}"`);
    expect(r.output[1]).toBe(`#ERROR "${pipe}"`);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('CRC-32 mismatch');
  });

  test('an object whose manifest an earlier version wrote with SHA-256 restores, checked with SHA-256', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 11);
    const { pipe, ebid } = await backupFifo('COMPLETE_databackup_9_1', data);
    const put = async (bytes: Buffer) => {
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      const { Body } = await client.send(new GetObjectCommand({ Bucket: s3.bucket, Key: `${dataKey(pipe, ebid)}.json` }));
      const { crc32: _, ...manifest } = JSON.parse(await Body!.transformToString()) as Record<string, unknown>;
      await client.send(
        new PutObjectCommand({
          Bucket: s3.bucket,
          Key: `${dataKey(pipe, ebid)}.json`,
          Body: JSON.stringify({ ...manifest, sha256 }),
        }),
      );
    };
    await put(data);
    const ok = await restoreFifo(pipe, `#EBID "${ebid}" "${pipe}"`);
    expect(ok.output[1]).toBe(`#RESTORED "${ebid}" "${pipe}"`);
    expect(ok.bytes.equals(data)).toBe(true);
    const other = Buffer.from(data);
    other[7]! ^= 1;
    await put(other); // the manifest now records other bytes than the stored ones
    const bad = await restoreFifo(pipe, `#EBID "${ebid}" "${pipe}"`);
    expect(bad.output[1]).toBe(`#ERROR "${pipe}"`);
    expect(bad.stderr).toContain('SHA-256 mismatch');
  });

  test('HANA stops reading mid-restore: #ERROR naming the broken pipe, exit 1, and the agent ends', async () => {
    const data = randomBytes(11 * 1024 * 1024);
    const { pipe, ebid } = await backupFifo('COMPLETE_databackup_3_1', data);
    const quitter = execa('sh', ['-c', 'head -c 1000 "$1" > /dev/null', 'sh', pipe]);
    const [r] = await Promise.all([run('restore', [SW, `#EBID "${ebid}" "${pipe}"`]), quitter]);
    expect(r.exitCode).toBe(1);
    expect(r.output[1]).toBe(`#ERROR "${pipe}"`);
    expect(r.stderr).toContain('EPIPE');
  });

  test('an object whose data was deleted is #ERROR without touching the pipe', async () => {
    const { pipe, ebid } = await backupFifo('COMPLETE_databackup_2_1', randomBytes(1000));
    await client.send(new DeleteObjectCommand({ Bucket: s3.bucket, Key: dataKey(pipe, ebid) }));
    const r = await run('restore', [SW, `#EBID "${ebid}" "${pipe}"`]);
    expect(r.output[1]).toBe(`#ERROR "${pipe}"`);
    expect(r.exitCode).toBe(1);
  });

  test('a missing bucket: every line #ERROR, exit 1, the reason names the bucket', async () => {
    const p = await writeParams(path.join(dir, 'nobucket.yml'), {
      StoreType: 's3',
      S3BucketName: 'no-such-bucket',
      S3Endpoint: s3.endpoint,
      S3ForcePathStyle: true,
    });
    const r = await run('inquire', [SW, '#NULL'], p);
    expect(r.exitCode).toBe(1);
    expect(r.output.slice(1)).toEqual(['#ERROR']);
    expect(r.stderr.trim()).toBe(
      'hana-backint: store unreachable: bucket no-such-bucket does not exist (s3://no-such-bucket at ' + s3.endpoint + ')',
    );
  });

  test('an unreachable endpoint: exit 1 with "store unreachable"', async () => {
    const p = await writeParams(path.join(dir, 'down.yml'), {
      StoreType: 's3',
      S3BucketName: s3.bucket,
      S3Endpoint: 'http://127.0.0.1:9',
      S3ForcePathStyle: true,
      S3MaxAttempts: 1,
    });
    const r = await run('backup', [SW, '#PIPE /usr/sap/PRD/SYS/global/hdb/backint/DB_ERP/x'], p);
    expect(r.exitCode).toBe(1);
    expect(r.output.slice(1)).toEqual(['#ERROR /usr/sap/PRD/SYS/global/hdb/backint/DB_ERP/x']);
    expect(r.stderr).toMatch(/^hana-backint: store unreachable: s3:\/\/hana-backups at http:\/\/127\.0\.0\.1:9: .*ECONNREFUSED/);
  });
});
