/**
 * The S3 store through a proxy named by the environment (HTTPS_PROXY, NO_PROXY), through the real program and
 * FIFOs: s3rver over HTTPS behind a local CONNECT proxy (the `proxy` package) on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { createProxy, type ProxyServer } from 'proxy';
import { drainFifo, feedFifo, mkfifo, runAgent, tempDir, writeParams } from './helpers/agent.js';
import { ebidOf } from './helpers/harness.js';
import { startS3rver, TLS_CERT, type S3rverHandle } from './helpers/s3rver.js';

const SW = '#SOFTWAREID "backint 1.50" "HANA HDB server 2.00.071.00.1687900751"';
let s3: S3rverHandle;
let proxy: ProxyServer;
let proxyUrl: string;
/** Every request the proxy received: CONNECT targets and forwarded URLs. */
const seen: string[] = [];
/** Bytes the proxy sent back to clients, counted when each tunnel closes. */
let tunneled = 0;
let dir: string;
let remove: () => Promise<void>;
let params: string;

beforeAll(async () => {
  s3 = await startS3rver('hana-proxy', { tls: true });
  ({ dir, remove } = await tempDir('backint-s3-proxy-'));
  params = await writeParams(path.join(dir, 'p.yml'), {
    StoreType: 's3',
    S3BucketName: s3.bucket,
    S3Endpoint: s3.endpoint,
    S3ForcePathStyle: true,
    PartSizeMiB: 5,
    DownloadRangeMiB: 2,
    DownloadConcurrency: 2,
    RestorePipeOpenTimeoutSeconds: 10,
  });
  proxy = createProxy(http.createServer());
  proxy.on('connect', (req: http.IncomingMessage, socket: Socket) => {
    seen.push(`CONNECT ${req.url}`);
    socket.on('close', () => (tunneled += socket.bytesWritten));
  });
  proxy.on('request', (req: http.IncomingMessage) => seen.push(`${req.method} ${req.url}`));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => proxy?.close(resolve));
  await s3?.stop();
  await remove?.();
});

const run = (fn: string, lines: string[], env: Record<string, string>) =>
  runAgent(dir, { fn, paramFile: params, user: 'ERP@PRD', lines, env: { ...s3.env, NODE_EXTRA_CA_CERTS: TLS_CERT, ...env } });
// The agent inherits this process's environment: only the upper-case names under test may name a proxy (undici
// reads the lower-case name first, even when empty).
for (const k of ['https_proxy', 'http_proxy', 'no_proxy']) delete process.env[k];
const none = { HTTPS_PROXY: '', HTTP_PROXY: '', NO_PROXY: '' };

const closed = () => new Promise((resolve) => setTimeout(resolve, 200)); // the proxy's side of the tunnels

/** Backup then restore; how many requests the proxy saw during each, and the bytes it returned in the restore. */
async function roundTrip(name: string, env: Record<string, string>) {
  const before = seen.length;
  const data = randomBytes(6 * 1024 * 1024 + 7); // two parts up, four ranges down
  const pipe = path.join(dir, name);
  await mkfifo(pipe);
  await writeFile(`${pipe}.src`, data);
  const [b] = await Promise.all([run('backup', [SW, `#PIPE "${pipe}"`], env), feedFifo(pipe, `${pipe}.src`)]);
  expect(b.stderr).toBe('');
  const ebid = ebidOf(b.output[1]!);
  await closed();
  const afterBackup = seen.length;
  const tunneledBefore = tunneled;
  const [r] = await Promise.all([run('restore', [SW, `#EBID "${ebid}" "${pipe}"`], env), drainFifo(pipe, `${pipe}.out`)]);
  expect(r.stderr).toBe('');
  expect(r.output[1]).toBe(`#RESTORED "${ebid}" "${pipe}"`);
  expect((await readFile(`${pipe}.out`)).equals(data)).toBe(true);
  await closed();
  return {
    backup: afterBackup - before,
    restore: seen.length - afterBackup,
    restoreBytes: tunneled - tunneledBefore,
    size: data.length,
  };
}

describe('S3 store through a proxy', () => {
  test('HTTPS_PROXY: backup and restore go through the proxy (CONNECT to the endpoint)', async () => {
    seen.length = 0;
    const through = await roundTrip('COMPLETE_databackup_0_1', { ...none, HTTPS_PROXY: proxyUrl });
    const target = new URL(s3.endpoint).host;
    expect(through.backup).toBeGreaterThanOrEqual(1);
    expect(through.restore).toBeGreaterThanOrEqual(1);
    expect(through.restoreBytes).toBeGreaterThan(through.size); // the data itself came through the proxy
    expect(seen.every((s) => s === `CONNECT ${target}`)).toBe(true);
  });

  test('NO_PROXY naming the endpoint bypasses the proxy', async () => {
    seen.length = 0;
    await roundTrip('COMPLETE_databackup_0_2', { ...none, HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' });
    expect(seen).toEqual([]);
  });

  test('a proxy that is not there: the agent fails and does not go around it', async () => {
    const r = await run('inquire', [SW, '#NULL'], { ...none, HTTPS_PROXY: 'http://127.0.0.1:9' });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/store unreachable/);
  });
});
