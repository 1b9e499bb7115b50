import { renderReport, type DemoReport, type DemoVdb } from '../../tools/demo/report.js';

const vdb = (over: Partial<DemoVdb>): DemoVdb => ({
  name: 'vdb1',
  snapshotId: 2,
  dsourceSnapshotId: 1,
  executionTimestamp: '2026-11-21T23:05:00Z',
  recoveryTimestamp: '2026-11-21T22:35:00Z',
  achievedTimestamp: '2026-11-21T22:33:20Z',
  recoveryInfo: 'RECOVER DATA finished successfully, reached timestamp 2026-11-21T17:33:20-05:00, reached log position 1019392',
  reachedLogPosition: '1019392',
  operationId: '19cae06b0c0',
  dataChecksum: 'a85b0d976471ffff',
  markerRows: 100,
  ...over,
});
const report = (vdbs: DemoVdb[]): DemoReport => ({
  scenario: 'basic',
  dataDir: '/d',
  dsource: { name: 'erp', sourceSid: 'PRD', sourceTenant: 'ERP', rpoOffsetMinutes: 30 },
  snapshots: [],
  vdbs,
});

test('one row per recovery with requested, achieved and the drift between them; the date once when all fall on one day', () => {
  const out = renderReport(report([vdb({})]));
  expect(out).toContain('times are UTC on 2026-11-21');
  const row = out.split('\n').find((l) => l.startsWith('vdb1#2'))!;
  expect(row.split(/\s+/)).toEqual(['vdb1#2', '1', '23:05:00', '22:35:00', '22:33:20', '100', '1019392', '100', 'a85b0d976471']);
  expect(out).toContain('hana-vdb-meta list --data-dir /d');
});

test('a run that crosses midnight shows the month and day on every time', () => {
  const out = renderReport(
    report([
      vdb({}),
      vdb({
        snapshotId: 4,
        executionTimestamp: '2026-11-22T00:05:00Z',
        recoveryTimestamp: '2026-11-21T23:35:00Z',
        achievedTimestamp: '2026-11-21T23:35:00Z',
      }),
    ]),
  );
  expect(out).not.toContain('times are UTC on');
  expect(out).toContain('11-22 00:05:00');
  expect(out).toContain('11-21 23:35:00');
});
