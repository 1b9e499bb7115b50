/**
 * Faults of the Backint agent (hana-backint, filesystem store) as a user of the whole product notices them: the
 * simulated HANA streams its backups into the real agent, and the engine provisions VDBs over SSH with the real
 * plugin. A write beyond the agent's file size limit (EFBIG from a real `ulimit -f`, the unprivileged stand-in for a
 * full disk), the agent killed while HANA streams a log backup into it, and a stored object whose bytes changed.
 * Each: what HANA reports, what the store shows afterwards, the job's outcome and message, and that a retry works.
 * Requires a prior build (the simulator, the agent and the plugin run from dist/).
 */
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startDemo, type DemoEnv } from '../../tools/demo/env.js';
import { defaultLandscape } from '../../tools/hana-sim/spec.js';

jest.setTimeout(300_000);

const repoRoot = new URL('../..', import.meta.url).pathname;
const built =
  existsSync(join(repoRoot, 'dist/tools/hana-sim/server-main.js')) && existsSync(join(repoRoot, 'dist/plugin/index.js'));

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

(built ? describe : describe.skip)('Backint store faults, end to end', () => {
  let dir: string;
  let env: DemoEnv;
  const store = () => join(env.simRoot, 'backint-store');
  const partials = () => filesUnder(join(store(), '@partial'));
  const erpLog = () => readFileSync(join(env.source.paths.traceDir, 'DB_ERP', 'backup.log'), 'utf8');
  const recoverStarts = (tenant: string) => {
    const f = join(env.target.paths.traceDir, `DB_${tenant}`, 'backup.log');
    return existsSync(f) ? (readFileSync(f, 'utf8').match(/RECOVER DATA started/g) ?? []).length : 0;
  };
  /** hdbbackint of PRD, run as HANA runs it: one function, object lines in, answer lines out. */
  const agent = (fn: string, lines: string[]) => {
    const input = join(dir, 'agent.in');
    const output = join(dir, 'agent.out');
    writeFileSync(input, ['#SOFTWAREID "backint 1.04" "HANA HDB server 2.00.079"', ...lines].join('\n') + '\n');
    try {
      execFileSync(
        env.source.paths.hdbbackint,
        ['-f', fn, '-p', env.source.backintParameterFile, '-i', input, '-o', output, '-u', 'ERP@PRD'],
        {
          stdio: 'ignore',
        },
      );
    } catch {
      /* a #NOTFOUND answer may come with a non-zero exit: the answer lines are what counts */
    }
    return readFileSync(output, 'utf8').trim().split('\n').slice(1);
  };
  const linkParams = () => ({
    backupSource: 'S3_BACKINT',
    sourceTenant: 'ERP',
    rpoOffsetMinutes: 0,
    sourceUserStoreKey: 'PRD_RECOVERY',
    backintParameterFile: env.source.backintParameterFile,
    coveragePolicy: 'fail',
  });
  const vdbParams = (tenant: string) => ({
    targetTenant: tenant,
    targetUserStoreKey: 'QAS_RECOVERY',
    sourceCatalogUserStoreKey: 'PRD_RECOVERY',
    backintParameterFile: env.target.backintParameterFile,
    mountBase: `${env.simRoot}/mnt`,
  });
  /** A dSource snapshot at the source's now (rpoOffsetMinutes 0): links the dSource the first time. */
  const snapshotNow = () => (env.engine.store.dsource('erp') ? env.syncDSource('erp') : env.linkDSource('erp', linkParams()));
  const lastJob = (name: string) => env.engine.store.jobs({ objectName: name, limit: 1 })[0]!;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-backint-faults-'));
    const landscape = defaultLandscape();
    for (const s of landscape.systems) s.logBackupTimeoutS = 900;
    env = await startDemo(
      { workDir: dir, packageRoot: repoRoot, landscape, startAt: '2024-03-01T10:00:00Z', say: () => undefined },
      'PRD',
      'QAS',
    );
    await env.landscape.faults.tenantTransitions({ startMs: 0, stopMs: 0 });
    await env.landscape.workload.startMarkers({ sid: 'PRD', database: 'ERP', everySeconds: 60 });
    await env.advance(600);
    await env.hdbsql(env.source, 'PRD_SYSTEM', "BACKUP DATA FOR ERP USING BACKINT ('F1')");
    await env.advance(1800);
  });

  afterAll(async () => {
    await env?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a write beyond the file size limit: HANA reports the store path and the fix, nothing partial, retry works', async () => {
    const before = filesUnder(store()).map((f) => `${f} ${statSync(f).size}`);
    const bin = env.source.paths.hdbbackint;
    renameSync(bin, `${bin}.real`);
    // 8 KiB (sh's ulimit -f counts 512-byte blocks): the simulated log backups fit, the data backup's 12 KiB volume does not.
    writeFileSync(bin, `#!/bin/sh\nulimit -f 16\nexec ${bin}.real "$@"\n`);
    chmodSync(bin, 0o755);
    let err: Error | undefined;
    try {
      await env.hdbsql(env.source, 'PRD_SYSTEM', "BACKUP DATA FOR ERP USING BACKINT ('F2')");
    } catch (e) {
      err = e as Error;
    } finally {
      rmSync(bin);
      renameSync(`${bin}.real`, bin);
    }
    expect(err?.message).toMatch(/447.*backup could not be completed: \[110507\] Backint exited with exit code 1 instead of 0/s);
    expect(err?.message).toMatch(/failed with EFBIG \(file too large\); object \S+ of \S+F2_databackup_\S+ was not stored/);
    expect(err?.message).toContain(`writing under FilesystemRoot ${store()}`);
    expect(err?.message).toMatch(/Raise the file size limit \(ulimit -f\) of HANA's OS user/);
    // The object that hit the limit is neither stored nor half-stored (the backup's smaller objects were stored whole,
    // orphans of a backup HANA's catalog records as failed); what was stored before is byte for byte as it was.
    expect(partials()).toEqual([]);
    expect(filesUnder(store()).filter((f) => f.includes('F2_databackup_3_1'))).toEqual([]);
    expect(filesUnder(store()).map((f) => `${f} ${statSync(f).size}`)).toEqual(expect.arrayContaining(before));
    // Without the limit the same backup succeeds.
    await env.hdbsql(env.source, 'PRD_SYSTEM', "BACKUP DATA FOR ERP USING BACKINT ('F2')");
    expect(filesUnder(store()).filter((f) => f.includes('F2_databackup') && f.endsWith('.json')).length).toBeGreaterThan(0);
  });

  test('agent killed mid log backup: HANA fails it, nothing visible, provision refused until the next log backup', async () => {
    await env.landscape.faults.pauseBackupStreams(3000);
    let killed: number | undefined;
    try {
      const advancing = env.advance(900);
      const end = Date.now() + 60_000;
      while (killed === undefined) {
        if (Date.now() > end) throw new Error('no log backup reached the store');
        // The agent's partial file exists from before its first read of the pipe. It may still be empty while the
        // stream is paused: a log backup under 1 MiB is held in memory until its end, then written at once.
        const part = partials().find((f) => f.endsWith('.data.tmp'));
        if (part) {
          killed = Number(/\.(\d+)\.[^.]+\.data\.tmp$/.exec(part)![1]);
          process.kill(killed, 'SIGKILL');
        } else await new Promise((r) => setTimeout(r, 20));
      }
      await advancing;
    } finally {
      await env.landscape.faults.pauseBackupStreams(0);
    }
    // HANA's log backup failed with the agent's death; the partial object is not an object.
    expect(erpLog()).toMatch(/ERROR +LOGBCKUP +log backup failed: \[110507\] Backint exited with exit code -1 instead of 0/);
    const failedOp = /(\S+) +ERROR +LOGBCKUP +log backup failed/.exec(erpLog())![1]!;
    const failedPath = new RegExp(`${failedOp} +INFO +LOGBCKUP +to backint: (\\S+)`).exec(erpLog())![1]!;
    expect(agent('inquire', [`#NULL "${failedPath}"`])).toEqual([`#NOTFOUND "${failedPath}"`]);
    // The killed agent's partial file: removed by the agent HANA ran next (the same round's next log backup).
    expect(partials().filter((f) => f.includes(`.${killed}.`))).toEqual([]);

    // A snapshot at this point needs the log HANA could not back up: refused before the target is touched.
    const snap = await snapshotNow();
    const refused = await env.provision('v1', snap.id, vdbParams('VDB1')).catch((e: Error) => e);
    expect(refused).toBeInstanceOf(Error);
    expect(lastJob('v1')).toMatchObject({ outcome: 'failed' });
    expect(lastJob('v1').error).toMatch(/not (yet )?(been )?backed up|log backup/i);
    expect(recoverStarts('VDB1')).toBe(0);

    // The next log backup covers the interval; the same provision runs.
    await env.advance(900);
    const { vdb } = await env.provision('v1', snap.id, vdbParams('VDB1'));
    expect(vdb.status).toBe('active');
    expect(recoverStarts('VDB1')).toBe(1);
  });

  test('a corrupted object: #ERROR naming its EBID, the job says what the tenant was left in; a newer backup works', async () => {
    // The newest data backup (F2): flip bytes in the middle of its largest object.
    const victim = filesUnder(store())
      .filter((f) => f.includes('F2_databackup') && f.endsWith('.data'))
      .sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
    const ebid = victim
      .split('/')
      .at(-1)!
      .replace(/\.data$/, '');
    const bytes = readFileSync(victim);
    const mid = bytes.length >> 1;
    bytes[mid] = bytes[mid]! ^ 0xff;
    writeFileSync(victim, bytes);

    await env.advance(300);
    const snap = await snapshotNow(); // HANA's strategy for this point starts from F2
    await env.advance(900); // the logs up to the snapshot's point reach the store
    const failed = await env.provision('v2', snap.id, vdbParams('VDB2')).catch((e: Error) => e);
    expect(failed).toBeInstanceOf(Error);
    const job = lastJob('v2');
    expect(job.outcome).toBe('failed');
    expect(job.error).toContain(`object EBID ${ebid} of `);
    expect(job.error).toMatch(/is corrupted in the store \(CRC-32 mismatch: .* read back, .* at backup\): answered #ERROR/);
    expect(job.error).toMatch(/Recover from other backups/);
    expect(job.error).toMatch(/Tenant VDB2 is stopped \(ACTIVE_STATUS NO\); it is not usable until a recovery succeeds\./);

    // A new data backup after the corrupted one: a snapshot from it provisions.
    await env.hdbsql(env.source, 'PRD_SYSTEM', "BACKUP DATA FOR ERP USING BACKINT ('F3')");
    await env.advance(300);
    const next = await snapshotNow();
    await env.advance(900);
    const { vdb } = await env.provision('v2', next.id, vdbParams('VDB2'));
    expect(vdb.status).toBe('active');
  });
});
