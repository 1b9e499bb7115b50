/**
 * kill -9 of the engine (the hana-vdb CLI) while HANA runs the RECOVER of a provision, with the real plugin over
 * SSH against the simulated landscape: `hana-vdb jobs` shows the job interrupted, and the same `vdb provision`
 * follows HANA's recovery to its end through backup.log and records it, without a second RECOVER.
 * Requires a prior build (the simulator server and the plugin run from dist/).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startDemo, type DemoEnv } from '../../tools/demo/env.js';
import { defaultLandscape } from '../../tools/hana-sim/spec.js';
import { cliRunner, type CliRunner } from '../support/engine-harness.js';

jest.setTimeout(300_000);

const repoRoot = new URL('../..', import.meta.url).pathname;

describe('kill -9 of the engine during RECOVER (real plugin, simulated HANA)', () => {
  let dir: string;
  let env: DemoEnv;
  let snapshotId: number;
  let paramsFile: string;
  const backupLog = () => join(env.target.paths.traceDir, 'DB_VDB1', 'backup.log');
  const recoverStarts = () =>
    existsSync(backupLog()) ? (readFileSync(backupLog(), 'utf8').match(/RECOVER DATA started/g) ?? []).length : 0;
  let runner: CliRunner;
  const spawnCli = (args: string[]) => runner.spawnCli(args);
  const cli = (args: string[]) => runner.cli(args);
  const provisionArgs = () => [
    'vdb',
    'provision',
    'v1',
    '--snapshot',
    String(snapshotId),
    '--env',
    'hana-hosts',
    '--repository',
    env.engine.store.repositories('hana-hosts').find((r) => r.object.sid === 'QAS')!.name,
    '--params',
    paramsFile,
  ];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-kill-recover-'));
    const landscape = defaultLandscape();
    env = await startDemo(
      { workDir: dir, packageRoot: repoRoot, landscape, startAt: '2024-03-01T10:00:00Z', say: () => undefined },
      'PRD',
      'QAS',
    );
    await env.landscape.workload.startMarkers({ sid: 'PRD', database: 'ERP', everySeconds: 60 });
    await env.advance(600);
    await env.hdbsql(env.source, 'PRD_SYSTEM', "BACKUP DATA FOR ERP USING BACKINT ('KILL_FULL')");
    await env.advance(3600);
    const snap = await env.linkDSource('erp', {
      backupSource: 'S3_BACKINT',
      sourceTenant: 'ERP',
      rpoOffsetMinutes: 30,
      sourceUserStoreKey: 'PRD_RECOVERY',
      backintParameterFile: env.source.backintParameterFile,
    });
    snapshotId = snap.id;
    runner = cliRunner({ dataDir: env.engineDataDir, pluginDir: repoRoot, tailArgs: ['--json'] });
    paramsFile = join(dir, 'v1.json');
    writeFileSync(
      paramsFile,
      JSON.stringify({
        targetTenant: 'VDB1',
        targetUserStoreKey: 'QAS_RECOVERY',
        backintParameterFile: env.target.backintParameterFile,
        mountBase: `${env.simRoot}/mnt`,
      }),
    );
  });

  afterAll(async () => {
    runner?.killAll();
    await env?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('jobs shows the job interrupted; the same provision follows the running RECOVER and completes the VDB', async () => {
    await env.landscape.faults.slowRecovery(1500);
    const child = spawnCli(provisionArgs());
    const end = Date.now() + 120_000;
    while (recoverStarts() === 0) {
      if (Date.now() > end) throw new Error('RECOVER never started');
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const jobs = await cli(['jobs', '--limit', '1']);
    expect(jobs.json.jobs[0]).toMatchObject({ objectName: 'v1', outcome: 'interrupted' });
    expect(jobs.json.jobs[0].error).toMatch(/ended during virtual\.configure/);
    // HANA is still recovering: no finish line yet.
    expect(readFileSync(backupLog(), 'utf8')).not.toMatch(/RECOVER DATA finished/);

    const again = await cli(provisionArgs());
    expect({ code: again.code, stderr: again.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
    expect(recoverStarts()).toBe(1);
    const vdb = env.engine.store.vdb('v1')!;
    expect(vdb.status).toBe('active');
    const history = env.engine.store.recoveryHistory('v1');
    expect(history.map((h) => h.outcome)).toEqual(['interrupted', 'succeeded']);
    const snap = env.engine.store.snapshots({ kind: 'vdb' }).find((s) => s.vdbName === 'v1')!;
    expect(String(snap.metadata.recoveryInfo)).toMatch(/^RECOVER DATA finished successfully, reached timestamp/);
    expect(snap.metadata.operationId).toBeTruthy();
  });
});
