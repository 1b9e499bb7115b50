/** show vdb / list snapshots as people read them: columns, not JSON; UTC unless --tz; 100 columns. */
import { recoveryTable, snapshotTable, vdbText, wrap, zoneOf } from '../../src/engine/cli/recovery-view.js';
import type { RecoveryHistoryRow, SnapshotRow, VdbRow } from '../../src/engine/store/types.js';

const vdbMeta = {
  sourceSid: 'PRD',
  sourceTenant: 'ERP',
  originTimestamp: '2026-12-05T11:27:00Z',
  recoveryTimestamp: '2026-12-05T11:27:00Z',
  executionTimestamp: '2026-12-05T11:57:00Z',
  achievedTimestamp: '2026-12-05T11:26:41Z',
  recoveryInfo:
    'RECOVER DATA finished successfully, reached timestamp 2026-12-05T06:26:41-05:00, reached log position 1019392 ' +
    'and this message is long enough to need wrapping at one hundred columns',
  reachedLogPosition: '1019392',
  pinnedTimestamp: '2026-12-05T11:26:41Z',
  driftSeconds: 19,
  recoveryWarnings: ['drift of 19 s is above maxDriftSeconds 0'],
};

const history: RecoveryHistoryRow[] = [
  {
    id: 1,
    vdbId: 1,
    vdbName: 'qa1',
    jobId: 3,
    operation: 'provision',
    dsourceSnapshotId: 1,
    targetSnapshotId: null,
    vdbSnapshotId: 2,
    outcome: 'succeeded',
    error: null,
    metadata: vdbMeta,
    startedAt: '2026-12-05T11:57:00Z',
    endedAt: '2026-12-05T11:58:00Z',
  },
  {
    id: 2,
    vdbId: 1,
    vdbName: 'qa1',
    jobId: 5,
    operation: 'refresh',
    dsourceSnapshotId: 3,
    targetSnapshotId: null,
    vdbSnapshotId: null,
    outcome: 'failed',
    error: 'HANA failed while recovering tenant VDB1 of QAS: [448] recovery could not be completed',
    metadata: null,
    startedAt: '2026-12-05T12:57:00Z',
    endedAt: '2026-12-05T12:58:00Z',
  },
];

const snapshots: SnapshotRow[] = [
  {
    id: 1,
    kind: 'dsource',
    dsourceId: 1,
    dsourceName: 'erp',
    vdbId: null,
    vdbName: null,
    parentSnapshotId: null,
    metadata: { originTimestamp: '2026-12-05T11:27:00Z', pinnedTimestamp: '2026-12-05T11:26:41Z', pinnedLogPosition: '1019392' },
    migrationId: null,
    jobId: 2,
    createdAt: '2026-12-05T11:57:00Z',
  },
  {
    id: 2,
    kind: 'vdb',
    dsourceId: 1,
    dsourceName: 'erp',
    vdbId: 1,
    vdbName: 'qa1',
    parentSnapshotId: 1,
    metadata: vdbMeta,
    migrationId: null,
    jobId: 3,
    createdAt: '2026-12-05T11:58:00Z',
  },
];

const vdb = {
  id: 1,
  name: 'qa1',
  status: 'active',
  environmentName: 'qas',
  repositoryName: 'QAS HDB10 2.00.070',
  dsourceName: 'erp',
  sourceConfig: { name: 'VDB1@QAS' },
  parameters: { targetTenant: 'VDB1', targetUserStoreKey: 'QAS_RECOVERY', policyOverride: { maxDriftSeconds: 0 } },
  currentSnapshotId: 2,
  provisionedFromSnapshotId: 1,
  createdAt: '2026-12-05T11:57:00Z',
} as unknown as VdbRow;

const fits = (text: string) => {
  for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
};

test('show vdb leads with the state, then one row per recovery, then parameters as key = value', () => {
  const text = vdbText(vdb, history, [snapshots[1]!], zoneOf(undefined));
  expect(text.split('\n')[0]).toBe('VDB qa1: active');
  const header = text.split('\n').find((l) => l.startsWith('#  '))!;
  expect(header.split(/\s+/)).toEqual([
    '#',
    'OPERATION',
    'SNAPSHOT',
    'EXECUTED',
    'REQUESTED',
    'ACHIEVED',
    'DRIFT',
    'POSITION',
    'OUTCOME',
  ]);
  expect(text).toMatch(/^1 +provision +1 +12-05 11:57:00 +12-05 11:27:00 +12-05 11:26:41 +19 s +1019392 +succeeded$/m);
  expect(text).toMatch(/^2 +refresh +3 +12-05 12:57:00 +- +- +- +- +failed$/m);
  expect(text).toContain('Recoveries (times UTC, 2026):');
  expect(text).toContain('  #2 error: HANA failed while recovering tenant VDB1 of QAS: [448]');
  expect(text).toContain('  #1 warning: drift of 19 s is above maxDriftSeconds 0');
  expect(text).toContain('  targetTenant = VDB1\n');
  expect(text).toContain('  policyOverride.maxDriftSeconds = 0\n');
  expect(text).not.toContain('{');
  fits(text);
});

test('--tz converts every time and names the zone', () => {
  const text = recoveryTable(history, zoneOf('Asia/Kolkata'));
  expect(text).toContain('times Asia/Kolkata (UTC+05:30)');
  expect(text).toMatch(/^1 +provision +1 +12-05 17:27:00 +12-05 16:57:00 +12-05 16:56:41 /m);
  expect(() => zoneOf('Mars/Base')).toThrow("Unknown time zone 'Mars/Base'.");
});

test('list snapshots: origin, requested, achieved, drift and pinned as columns', () => {
  const text = snapshotTable(snapshots, zoneOf(undefined));
  const lines = text.split('\n');
  expect(lines[1]!.split(/\s+/)).toEqual(['ID', 'KIND', 'OF', 'ORIGIN', 'REQUESTED', 'ACHIEVED', 'DRIFT', 'PINNED']);
  expect(lines[2]).toMatch(/^1 +dsource +erp +12-05 11:27:00 +- +- +- +12-05 11:26:41$/);
  expect(lines[3]).toMatch(/^2 +vdb +qa1 +12-05 11:27:00 +12-05 11:27:00 +12-05 11:26:41 +19 s +12-05 11:26:41$/);
  expect(text).not.toContain('{');
  fits(text);
});

test('long notes wrap at 100 columns under their text', () => {
  const lines = wrap('  #1 HANA: ', 'word '.repeat(60));
  expect(lines.length).toBeGreaterThan(2);
  for (const l of lines) expect(l.length).toBeLessThanOrEqual(100);
  expect(lines[1]!.startsWith(' '.repeat(11) + 'word')).toBe(true);
});
