/** Starts s3rver (the real S3 protocol server) as a child process on 127.0.0.1; stopped by its handle. */
import { execa, type ResultPromise } from 'execa';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url)).replace(/dist\/$/, '');

export interface S3rverHandle {
  readonly endpoint: string;
  readonly bucket: string;
  readonly pid: number;
  readonly dir: string;
  /** Environment that gives the SDK s3rver's fixed credentials. */
  readonly env: Record<string, string>;
  stop(): Promise<void>;
}

/** The test certificate for 127.0.0.1 (test/fixtures/backint/tls): trusted by a process given NODE_EXTRA_CA_CERTS=TLS_CERT. */
export const TLS_CERT = path.join(REPO_ROOT, 'test/fixtures/backint/tls/cert.pem');
const TLS_KEY = path.join(REPO_ROOT, 'test/fixtures/backint/tls/key.pem');

/** `tls`: serve HTTPS with the test certificate. */
export async function startS3rver(bucket = 'hana-backups', opts: { tls?: boolean } = {}): Promise<S3rverHandle> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'backint-s3rver-'));
  const bin = path.join(REPO_ROOT, 'node_modules/s3rver/bin/s3rver.js');
  const tlsArgs = opts.tls ? ['--key', TLS_KEY, '--cert', TLS_CERT] : [];
  const child: ResultPromise = execa(
    process.execPath,
    [bin, '-d', dir, '-a', '127.0.0.1', '-p', '0', '-s', ...tlsArgs, '--configure-bucket', bucket],
    { reject: false, buffer: false },
  );
  const port = await new Promise<number>((resolve, reject) => {
    let seen = '';
    child.stdout!.on('data', (b: Buffer) => {
      seen += b.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(seen);
      if (m) resolve(Number(m[1]));
    });
    child.stderr!.resume();
    void child.then((r) => reject(new Error(`s3rver exited early (${r.exitCode})`)));
  });
  child.stdout!.resume();
  const pid = child.pid!;
  return {
    endpoint: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    bucket,
    pid,
    dir,
    env: { AWS_ACCESS_KEY_ID: 'S3RVER', AWS_SECRET_ACCESS_KEY: 'S3RVER', AWS_REGION: 'us-east-1' },
    async stop() {
      process.kill(pid, 'SIGTERM');
      await child;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
