/**
 * Engine level, over SSH, with the real plugin (the demo's world, tools/demo/env.ts): the lag scenario's two VDBs
 * from one snapshot, the pin the engine writes with the first VDB snapshot, and `hana-vdb plan` before and after
 * provisioning. Requires a prior build (the simulator and the plugin run from dist/).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { planVdb } from '../../src/engine/workflows/plan.js';
import { startDemo, type DemoEnv } from '../../tools/demo/env.js';
import { runLagScenario, type LagScenarioResult } from '../../tools/demo/scenarios/lag.js';
import { defaultLandscape } from '../../tools/hana-sim/spec.js';

jest.setTimeout(600_000);

const repoRoot = new URL('../..', import.meta.url).pathname;
const built =
  existsSync(join(repoRoot, 'dist/tools/hana-sim/server-main.js')) && existsSync(join(repoRoot, 'dist/plugin/index.js'));

(built ? describe : describe.skip)('recovery guarantees through the engine (lag scenario)', () => {
  let dir: string;
  let env: DemoEnv;
  let result: LagScenarioResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-engine-lag-'));
    const landscape = defaultLandscape();
    for (const s of landscape.systems) s.logBackupTimeoutS = 900;
    env = await startDemo(
      { workDir: dir, packageRoot: repoRoot, landscape, startAt: '2024-03-01T10:00:00Z', say: () => undefined },
      'PRD',
      'QAS',
    );
    await env.landscape.faults.tenantTransitions({ startMs: 0, stopMs: 0 }); // the subject is the pin, not STARTING/STOPPING
    result = await runLagScenario(env);
  });

  afterAll(async () => {
    await env?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('two VDBs from one snapshot, more logs in between: same achieved point, log position and data; none short', () => {
    const [a, b] = result.vdbs;
    expect(a!.achievedTimestamp).toBe(b!.achievedTimestamp);
    expect(a!.reachedLogPosition).toBe(b!.reachedLogPosition);
    expect(a!.dataChecksum).toBe(b!.dataChecksum);
    expect(a!.markerRows).toBeGreaterThan(100);
    expect(result.findings.identical).toBe(true);
    expect(result.findings.noneShort).toBe(true);
    // Under the default policy the first VDB waited for the lagging logs instead of recovering short.
    const first = result.findings.checks[0]!;
    expect(first).toMatchObject({ covered: true, short: false });
    expect(first.waitedSeconds!).toBeGreaterThan(0);
    expect(first.logShippingLagSeconds!).toBeGreaterThanOrEqual(600);
    // The second VDB found its logs already there: no lag was seen arriving, so none is recorded (not 0).
    expect(result.findings.checks[1]!.logShippingLagSeconds).toBeNull();
    expect(a!.achievedTimestamp).toBe(a!.recoveryTimestamp); // a marker every minute, on the minute: not short at all
  });

  test('the engine pinned the dSource snapshot with the first VDB snapshot', () => {
    const snapshots = env.engine.store.snapshots({ dsourceName: 'erp-lag' });
    const ds = snapshots.find((s) => s.kind === 'dsource')!;
    const vdbSnaps = snapshots.filter((s) => s.kind === 'vdb');
    expect(ds.metadata).toMatchObject({
      pinnedTimestamp: result.vdbs[0]!.achievedTimestamp,
      pinnedLogPosition: result.vdbs[0]!.reachedLogPosition,
    });
    expect(vdbSnaps.map((s) => (s.metadata.coverage as Record<string, unknown>).requestedLogPosition)).toEqual([
      undefined,
      ds.metadata.pinnedLogPosition,
    ]);
    expect(result.findings.pinnedLogPosition).toBe(ds.metadata.pinnedLogPosition);
  });

  test('hana-vdb plan: for an existing VDB, and before provisioning; nothing changes', async () => {
    const before = env.engine.store.snapshots({ dsourceName: 'erp-lag' }).map((s) => JSON.stringify(s.metadata));
    const existing = await planVdb(env.engine, { vdb: 'lag1' });
    expect(existing.plan).toMatchObject({
      verdict: 'recover',
      target: { kind: 'logPosition', pinned: true, logPosition: result.findings.pinnedLogPosition },
    });
    const ds = env.engine.store.snapshots({ dsourceName: 'erp-lag' }).find((s) => s.kind === 'dsource')!;
    const vdb = env.engine.store.vdb('lag1')!;
    const fresh = await planVdb(env.engine, {
      snapshotId: ds.id,
      environment: vdb.environmentName,
      repository: vdb.repositoryName,
      parameters: { ...vdb.parameters, targetTenant: 'VDB3', coveragePolicy: 'fail' },
    });
    expect(fresh.vdb).toBeNull();
    expect(fresh.plan.verdict).toBe('recover');
    expect(env.engine.store.snapshots({ dsourceName: 'erp-lag' }).map((s) => JSON.stringify(s.metadata))).toEqual(before);
    expect(env.engine.store.vdb('VDB3')).toBeUndefined();
  });
});
