/**
 * The S3 store through a proxy named by the environment (HTTPS_PROXY, NO_PROXY), through the real program and
 * FIFOs: s3rver over HTTPS behind a local CONNECT proxy (the `proxy` package) on 127.0.0.1.
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy, type ProxyServer } from 'proxy';
import { SW, startTlsS3, type TlsS3 } from './helpers/s3-tls.js';

let t: TlsS3;
let proxy: ProxyServer;
let proxyUrl: string;
/** Every request the proxy received: CONNECT targets and forwarded URLs. */
const seen: string[] = [];
/** Bytes the proxy sent back to clients, counted when each tunnel closes. */
let tunneled = 0;

beforeAll(async () => {
  t = await startTlsS3('hana-proxy');
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
  await t?.stop();
});

// The agent inherits this process's environment: only the upper-case names under test may name a proxy (undici
// reads the lower-case name first, even when empty).
for (const k of ['https_proxy', 'http_proxy', 'no_proxy']) delete process.env[k];
const none = { HTTPS_PROXY: '', HTTP_PROXY: '', NO_PROXY: '' };
const withProxy = (env: Record<string, string>) => ({ ...t.trusted, ...none, ...env });

const closed = () => new Promise((resolve) => setTimeout(resolve, 200)); // the proxy's side of the tunnels

/** Backup then restore; how many requests the proxy saw during each, and the bytes it returned in the restore. */
async function roundTrip(name: string, env: Record<string, string>) {
  const before = seen.length;
  const size = 6 * 1024 * 1024 + 7; // two parts up, four ranges down
  let afterBackup = 0;
  let tunneledBefore = 0;
  await t.roundTrip(name, size, withProxy(env), async () => {
    await closed();
    afterBackup = seen.length;
    tunneledBefore = tunneled;
  });
  await closed();
  return { backup: afterBackup - before, restore: seen.length - afterBackup, restoreBytes: tunneled - tunneledBefore, size };
}

describe('S3 store through a proxy', () => {
  test('HTTPS_PROXY: backup and restore go through the proxy (CONNECT to the endpoint)', async () => {
    seen.length = 0;
    const through = await roundTrip('COMPLETE_databackup_0_1', { HTTPS_PROXY: proxyUrl });
    const target = new URL(t.s3.endpoint).host;
    expect(through.backup).toBeGreaterThanOrEqual(1);
    expect(through.restore).toBeGreaterThanOrEqual(1);
    expect(through.restoreBytes).toBeGreaterThan(through.size); // the data itself came through the proxy
    expect(seen.every((s) => s === `CONNECT ${target}`)).toBe(true);
  });

  test('NO_PROXY naming the endpoint bypasses the proxy', async () => {
    seen.length = 0;
    await roundTrip('COMPLETE_databackup_0_2', { HTTPS_PROXY: proxyUrl, NO_PROXY: '127.0.0.1' });
    expect(seen).toEqual([]);
  });

  test('a proxy that is not there: the agent fails and does not go around it', async () => {
    const r = await t.run('inquire', [SW, '#NULL'], withProxy({ HTTPS_PROXY: 'http://127.0.0.1:9' }));
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/store unreachable/);
  });
});
