/**
 * The S3 store over HTTPS for tests of the real program: s3rver with the test certificate, a parameter file
 * whose small parts and ranges make a few MiB travel as several requests, and a backup → restore round trip
 * through FIFOs, compared byte for byte.
 */
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { drainFifo, feedFifo, mkfifo, runAgent, tempDir, writeParams, type AgentResult } from './agent.js';
import { ebidOf } from './harness.js';
import { startS3rver, TLS_CERT, type S3rverHandle } from './s3rver.js';

export const SW = '#SOFTWAREID "backint 1.50" "HANA HDB server 2.00.071.00.1687900751"';

export interface TlsS3 {
  readonly s3: S3rverHandle;
  readonly dir: string;
  /** s3rver's credentials and NODE_EXTRA_CA_CERTS naming the test certificate (the endpoint trusted). */
  readonly trusted: Record<string, string>;
  /** One agent call as ERP@PRD with the parameter file; `env` is the whole environment of the agent. */
  run(fn: string, lines: string[], env: Record<string, string>): Promise<AgentResult>;
  /**
   * Backs up `bytes` random bytes through the FIFO `name`, calls `afterBackup`, restores them and checks every
   * byte; `env` as for run.
   */
  roundTrip(name: string, bytes: number, env: Record<string, string>, afterBackup?: () => Promise<void>): Promise<void>;
  stop(): Promise<void>;
}

export async function startTlsS3(bucket: string): Promise<TlsS3> {
  const s3 = await startS3rver(bucket, { tls: true });
  const { dir, remove } = await tempDir(`backint-${bucket}-`);
  const params = await writeParams(path.join(dir, 'p.yml'), {
    StoreType: 's3',
    S3BucketName: s3.bucket,
    S3Endpoint: s3.endpoint,
    S3ForcePathStyle: true,
    PartSizeMiB: 5, // 6-7 MiB go up as two parts
    DownloadRangeMiB: 2, // and come down as four ranges, two requested ahead
    DownloadConcurrency: 2,
    RestorePipeOpenTimeoutSeconds: 10,
  });
  const run = (fn: string, lines: string[], env: Record<string, string>) =>
    runAgent(dir, { fn, paramFile: params, user: 'ERP@PRD', lines, env });
  return {
    s3,
    dir,
    trusted: { ...s3.env, NODE_EXTRA_CA_CERTS: TLS_CERT },
    run,
    async roundTrip(name, bytes, env, afterBackup) {
      const data = randomBytes(bytes);
      const pipe = path.join(dir, name);
      await mkfifo(pipe);
      await writeFile(`${pipe}.src`, data);
      const [b] = await Promise.all([run('backup', [SW, `#PIPE "${pipe}"`], env), feedFifo(pipe, `${pipe}.src`)]);
      expect(b.stderr).toBe('');
      const ebid = ebidOf(b.output[1]!);
      await afterBackup?.();
      const [r] = await Promise.all([run('restore', [SW, `#EBID "${ebid}" "${pipe}"`], env), drainFifo(pipe, `${pipe}.out`)]);
      expect(r.stderr).toBe('');
      expect(r.output[1]).toBe(`#RESTORED "${ebid}" "${pipe}"`);
      expect((await readFile(`${pipe}.out`)).equals(data)).toBe(true);
    },
    async stop() {
      await s3.stop();
      await remove();
    },
  };
}
