/**
 * hana-vdb-meta on a store written by the real thing: the engine running the HANA plugin over SSH against the
 * simulated landscape (the demo's basic scenario: provision, then sync and refresh). What the tool shows must be
 * exactly what the recoveries recorded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoReport } from '../../tools/demo/report.js';
import { loadDist, packageRoot } from '../e2e/support.js';
import { meta } from './support/main-store.js';

let workDir: string;
let report: DemoReport;

beforeAll(async () => {
  const { demo, spec } = await loadDist();
  const { BASIC, runBasicScenario } = (await import(
    new URL('dist/tools/demo/scenarios/basic.js', `file://${packageRoot}/`).href
  )) as typeof import('../../tools/demo/scenarios/basic.js');
  workDir = mkdtempSync(join(tmpdir(), 'hana-vdb-meta-sim-'));
  const landscape = spec.defaultLandscape();
  landscape.backint = { ...landscape.backint, logShippingLagSeconds: BASIC.logShippingLagSeconds };
  for (const s of landscape.systems) s.logBackupTimeoutS = BASIC.logBackupTimeoutSeconds;
  const env = await demo.startDemo(
    { workDir, packageRoot, landscape, startAt: '2026-05-04T06:00:00Z', say: () => undefined },
    'PRD',
    'QAS',
  );
  try {
    report = await runBasicScenario(env);
  } finally {
    await env.close();
  }
}, 240_000);

afterAll(() => rmSync(workDir, { recursive: true, force: true }));

test('list shows each VDB snapshot under the dSource snapshot it was recovered from, with the recorded timestamps', async () => {
  const r = await meta(['list', '--json', '--data-dir', report.dataDir]);
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.formatVersion).toBe(1);
  const [erp] = doc.dsources;
  expect(erp.name).toBe('erp');
  for (const v of report.vdbs) {
    const parent = erp.snapshots.find((s: { id: number }) => s.id === v.dsourceSnapshotId);
    expect(parent).toMatchObject({ sourceSid: 'PRD', sourceTenant: 'ERP', rpoOffsetMinutes: 30 });
    const shown = parent.vdbSnapshots.find((s: { id: number }) => s.id === v.snapshotId);
    expect(shown).toMatchObject({
      vdb: 'vdb1',
      executionTimestamp: v.executionTimestamp,
      recoveryTimestamp: v.recoveryTimestamp,
      achievedTimestamp: v.achievedTimestamp,
      recoveryInfo: v.recoveryInfo,
      reachedLogPosition: v.reachedLogPosition,
      driftSeconds: (Date.parse(v.recoveryTimestamp!) - Date.parse(v.achievedTimestamp!)) / 1000,
    });
  }
  const table = await meta(['list', '--data-dir', report.dataDir]);
  expect(table.stdout).toContain(report.vdbs[0]!.reachedLogPosition!);
  for (const line of table.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
}, 60_000);

test('show gives the VDB its whole recovery history, and check finds nothing wrong', async () => {
  const show = await meta(['show', 'vdb1', '--json', '--data-dir', report.dataDir]);
  expect(show.code).toBe(0);
  const history = JSON.parse(show.stdout).recoveryHistory as Array<{ operation: string; outcome: string }>;
  expect(history.map((h) => [h.operation, h.outcome])).toEqual([
    ['provision', 'succeeded'],
    ['refresh', 'succeeded'],
  ]);
  const check = await meta(['check', '--json', '--data-dir', report.dataDir]);
  expect(JSON.parse(check.stdout).findings).toEqual([]);
  expect(check.code).toBe(0);
}, 60_000);
