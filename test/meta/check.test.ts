/**
 * hana-vdb-meta check: one store per finding kind, each built by real engine runs, so each kind's exit
 * code and message are seen alone; a superseded failure is not a finding.
 */
import { join } from 'node:path';
import { Lab, type EngineStore, type RecoverScenario } from './support/engine-runs.js';
import { meta, parseCsv } from './support/main-store.js';

let lab: Lab;
beforeAll(async () => {
  lab = await Lab.start();
}, 60000);
afterAll(async () => {
  await lab?.stop();
});

const ok = (over: Partial<RecoverScenario> = {}): { recover: RecoverScenario } => ({
  recover: {
    executionTimestamp: '2021-03-01T10:05:00Z',
    recoveryInfo: 'RECOVERY finished',
    reachedLogPosition: '100',
    operationId: 'f00',
    ...over,
  },
});
const linked = (maxDriftSeconds = 0) => ({
  op: 'link' as const,
  name: 'ds',
  tenant: 'ERP',
  rpoOffsetMinutes: 10,
  maxDriftSeconds,
  scenario: { takenAt: '2021-03-01T10:00:00Z' },
});

async function check(store: EngineStore, ...args: string[]) {
  const r = await meta(['check', '--json', '--data-dir', store.dataDir, ...args]);
  return {
    code: r.code,
    doc: JSON.parse(r.stdout) as {
      findings: Array<{ kind: string; objects: Array<{ type: string; id: string | number }>; message: string }>;
    },
  };
}
const kinds = (doc: { findings: Array<{ kind: string }> }) => doc.findings.map((f) => f.kind);

it('a clean store: exit 0 and "No findings"', async () => {
  const s = await lab.newStore('clean');
  await s.run([
    linked(),
    { op: 'provision', name: 'v1', snapshotId: 1, tenant: 'VDB1', scenario: ok() },
    { op: 'provision', name: 'v2', snapshotId: 1, tenant: 'VDB2', scenario: ok() },
  ]);
  const r = await check(s);
  expect(r.code).toBe(0);
  expect(r.doc.findings).toEqual([]);
  const table = await meta(['check', '--data-dir', s.dataDir]);
  expect(table.code).toBe(0);
  expect(table.stdout).toMatch(/^No findings \(1 dSources, 2 VDBs, 3 snapshots/);
});

it('achieved-point-mismatch: two VDBs of one snapshot at different log positions → exit 1', async () => {
  const s = await lab.newStore('mismatch');
  await s.run([
    linked(),
    { op: 'provision', name: 'v1', snapshotId: 1, tenant: 'VDB1', scenario: ok({ reachedLogPosition: '100' }) },
    { op: 'provision', name: 'v2', snapshotId: 1, tenant: 'VDB2', scenario: ok({ reachedLogPosition: '250' }) },
  ]);
  const r = await check(s);
  expect(r.code).toBe(1);
  expect(kinds(r.doc)).toEqual(['achieved-point-mismatch']);
  expect(r.doc.findings[0]!.objects).toEqual(
    expect.arrayContaining([
      { type: 'snapshot', id: 1 },
      { type: 'vdb', id: 'v1' },
      { type: 'vdb', id: 'v2' },
    ]),
  );
  expect(r.doc.findings[0]!.message).toContain('different log positions');
  expect(r.doc.findings[0]!.message).not.toContain('achieved timestamps');
});

it("drift: beyond the VDB's maxDriftSeconds → exit 1; --max-drift overrides the configuration", async () => {
  const s = await lab.newStore('drift');
  await s.run([
    linked(0),
    { op: 'provision', name: 'v1', snapshotId: 1, tenant: 'VDB1', maxDriftSeconds: 600, scenario: ok({ shortBySeconds: 700 }) },
  ]);
  const r = await check(s);
  expect(r.code).toBe(1);
  expect(kinds(r.doc)).toEqual(['drift']);
  expect(r.doc.findings[0]!.message).toContain('700 s (11m 40s) from the requested 2021-03-01T09:50:00Z; the limit is 600 s');
  expect((await check(s, '--max-drift', '1000')).code).toBe(0);
  const strict = await check(s, '--max-drift', '60');
  expect(strict.code).toBe(1);
  expect(strict.doc.findings[0]!.message).toContain('the limit is 60 s (--max-drift)');
  const bad = await meta(['check', '--data-dir', s.dataDir, '--max-drift', 'ten']);
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain("--max-drift 'ten' is not a whole number of seconds");
});

it('failed-recovery: the latest attempt failed → exit 1; a later success clears it', async () => {
  const s = await lab.newStore('failed');
  await s.run([
    linked(),
    {
      op: 'provision',
      name: 'v1',
      snapshotId: 1,
      tenant: 'VDB1',
      mayFail: true,
      scenario: ok({ fail: '* 258: insufficient privilege SQLSTATE: HY000' }),
    },
  ]);
  const r = await check(s);
  expect(r.code).toBe(1);
  expect(kinds(r.doc)).toEqual(['failed-recovery']);
  expect(r.doc.findings[0]!.message).toContain('The last provision of VDB v1');
  expect(r.doc.findings[0]!.message).toContain('* 258: insufficient privilege');
  await s.run([{ op: 'provision', name: 'v1', snapshotId: 1, tenant: 'VDB1', scenario: ok() }]);
  expect((await check(s)).code).toBe(0);
});

it('interrupted-recovery: the engine process died mid-provision → exit 1, before and after the engine records it', async () => {
  const s = await lab.newStore('interrupted');
  await s.run([linked()]);
  await s.runAndKill(
    { op: 'provision', name: 'v1', snapshotId: 1, tenant: 'VDB1', scenario: ok({ hangMarker: join(s.root, 'provision-started') }) },
    join(s.root, 'provision-started'),
  );
  const before = await check(s);
  expect(before.code).toBe(1);
  expect(kinds(before.doc)).toEqual(['interrupted-recovery']);
  expect(before.doc.findings[0]!.message).toContain('ended while this job was running');
  const shown = JSON.parse((await meta(['show', 'v1', '--json', '--data-dir', s.dataDir])).stdout);
  expect(shown.recoveryHistory[0]).toMatchObject({ outcome: 'interrupted', recordedOutcome: 'running' });
  // Any engine run marks it interrupted in the store (here: a sync of the dSource).
  await s.run([{ op: 'sync', name: 'ds', scenario: { takenAt: '2021-03-01T11:00:00Z' } }]);
  const after = await check(s);
  expect(kinds(after.doc)).toEqual(['interrupted-recovery']);
  const shownAfter = JSON.parse((await meta(['show', 'v1', '--json', '--data-dir', s.dataDir])).stdout);
  expect(shownAfter.recoveryHistory[0]).toMatchObject({ outcome: 'interrupted', recordedOutcome: 'interrupted' });
});

it('failed-job and interrupted-job: the latest job on a dSource → exit 1, with csv output', async () => {
  const failed = await lab.newStore('failed-job');
  await failed.run([linked(), { op: 'sync', name: 'ds', mayFail: true, scenario: { syncFail: 'Backint catalog unreachable' } }]);
  const f = await check(failed);
  expect(f.code).toBe(1);
  expect(kinds(f.doc)).toEqual(['failed-job']);
  expect(f.doc.findings[0]!.objects[0]).toEqual({ type: 'dsource', id: 'ds' });
  expect(f.doc.findings[0]!.message).toContain('Backint catalog unreachable');

  const killed = await lab.newStore('interrupted-job');
  await killed.run([linked()]);
  await killed.runAndKill(
    { op: 'sync', name: 'ds', scenario: { syncHangMarker: join(killed.root, 'sync-started') } },
    join(killed.root, 'sync-started'),
  );
  const k = await check(killed);
  expect(k.code).toBe(1);
  expect(kinds(k.doc)).toEqual(['interrupted-job']);
  const csv = await meta(['check', '--csv', '--data-dir', killed.dataDir]);
  expect(csv.code).toBe(1);
  const rows = parseCsv(csv.stdout);
  expect(rows[0]).toEqual(['kind', 'objects', 'message']);
  expect(rows[1]![0]).toBe('interrupted-job');
  expect(rows[1]![1]).toMatch(/^dsource:ds job:\d+$/);
});

it('the table lists every finding of the main kinds within 80 columns', async () => {
  const s = await lab.newStore('table');
  await s.run([
    linked(60),
    { op: 'provision', name: 'v1', snapshotId: 1, tenant: 'VDB1', scenario: ok({ reachedLogPosition: '1' }) },
    { op: 'provision', name: 'v2', snapshotId: 1, tenant: 'VDB2', scenario: ok({ reachedLogPosition: '2', shortBySeconds: 120 }) },
  ]);
  const r = await meta(['check', '--data-dir', s.dataDir]);
  expect(r.code).toBe(1);
  expect(r.stdout).toMatch(/^2 findings/);
  expect(r.stdout).toMatch(/^achieved-point-mismatch$/m);
  expect(r.stdout).toMatch(/^drift$/m);
  for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
});
