/**
 * The S3 store over HTTPS (s3rver with a test certificate), through the real program and FIFOs: the SDK's
 * handler for backup, the direct handler (TLS socket reading into the channel's ring) for restore.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { drainFifo, feedFifo, mkfifo, runAgent, tempDir, writeParams } from './helpers/agent.js';
import { ebidOf } from './helpers/harness.js';
import { startS3rver, TLS_CERT, type S3rverHandle } from './helpers/s3rver.js';

const SW = '#SOFTWAREID "backint 1.50" "HANA HDB server 2.00.071.00.1687900751"';
let s3: S3rverHandle;
let dir: string;
let remove: () => Promise<void>;
let params: string;

beforeAll(async () => {
  s3 = await startS3rver('hana-tls', { tls: true });
  ({ dir, remove } = await tempDir('backint-s3-tls-'));
  params = await writeParams(path.join(dir, 'p.yml'), {
    StoreType: 's3',
    S3BucketName: s3.bucket,
    S3Endpoint: s3.endpoint,
    S3ForcePathStyle: true,
    PartSizeMiB: 5,
    DownloadRangeMiB: 2, // a 7 MiB object restores as four ranges, two requested ahead
    DownloadConcurrency: 2,
    RestorePipeOpenTimeoutSeconds: 10,
  });
});
afterAll(async () => {
  await s3?.stop();
  await remove?.();
});

const trusted = () => ({ ...s3.env, NODE_EXTRA_CA_CERTS: TLS_CERT });
const run = (fn: string, lines: string[], env: Record<string, string>) =>
  runAgent(dir, { fn, paramFile: params, user: 'ERP@PRD', lines, env });

describe('S3 store over HTTPS', () => {
  test('backup and restore through FIFOs, byte for byte, the endpoint trusted through NODE_EXTRA_CA_CERTS', async () => {
    expect(s3.endpoint).toMatch(/^https:/);
    const data = randomBytes(7 * 1024 * 1024 + 5);
    const pipe = path.join(dir, 'COMPLETE_databackup_0_1');
    await mkfifo(pipe);
    await writeFile(`${pipe}.src`, data);
    const [b] = await Promise.all([run('backup', [SW, `#PIPE "${pipe}"`], trusted()), feedFifo(pipe, `${pipe}.src`)]);
    expect(b.stderr).toBe('');
    const ebid = ebidOf(b.output[1]!);
    const [r] = await Promise.all([run('restore', [SW, `#EBID "${ebid}" "${pipe}"`], trusted()), drainFifo(pipe, `${pipe}.out`)]);
    expect(r.stderr).toBe('');
    expect(r.output[1]).toBe(`#RESTORED "${ebid}" "${pipe}"`);
    expect((await readFile(`${pipe}.out`)).equals(data)).toBe(true);
  });

  test('an endpoint whose certificate is not trusted: the agent refuses it and says why', async () => {
    const r = await run('inquire', [SW, '#NULL'], s3.env);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/certificate/i);
  });
});
