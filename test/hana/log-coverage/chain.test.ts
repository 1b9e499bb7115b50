/** The catalog → strategy → coverage computation (pure): chains, gaps, overlaps, visibility, policies' verdicts. */
import { assess } from '../../../src/hana/log-coverage/assess.js';
import { parseCatalogRows, type CatalogBackup } from '../../../src/hana/log-coverage/catalog.js';
import { planChain } from '../../../src/hana/log-coverage/chain.js';
import { verdictOf } from '../../../src/hana/log-coverage/plan.js';
import { DEFAULT_POLICY } from '../../../src/hana/log-coverage/check.js';
import type { Visibility } from '../../../src/hana/log-coverage/inquire.js';

const T = (hhmm: string) => Date.parse(`2024-03-01T${hhmm}:00Z`);
const ts = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace('Z', '000000');

function data(id: string, at: string, pos: number, lastCommit: string | null): CatalogBackup {
  return {
    backupId: id,
    entryType: 'complete data backup',
    startMs: T(at),
    endMs: T(at),
    files: [
      {
        sourceId: 0,
        sourceType: 'topology',
        serviceType: 'nameserver',
        destinationType: 'backint',
        path: `/b/DB_ERP/FULL_databackup_0_1`,
        ebid: `e-${id}-0`,
        redoLogPosition: BigInt(pos),
        lastRedoLogPosition: null,
        lastCommitMs: lastCommit ? T(lastCommit) : null,
      },
      {
        sourceId: 3,
        sourceType: 'volume',
        serviceType: 'indexserver',
        destinationType: 'backint',
        path: `/b/DB_ERP/FULL_databackup_3_1`,
        ebid: `e-${id}-3`,
        redoLogPosition: BigInt(pos),
        lastRedoLogPosition: null,
        lastCommitMs: lastCommit ? T(lastCommit) : null,
      },
    ],
  };
}
function log(id: string, at: string, first: number, last: number, lastCommit: string): CatalogBackup {
  return {
    backupId: id,
    entryType: 'log backup',
    startMs: T(at),
    endMs: T(at),
    files: [
      {
        sourceId: 3,
        sourceType: 'volume',
        serviceType: 'indexserver',
        destinationType: 'backint',
        path: `/b/DB_ERP/log_backup_3_0_${first}_${last}`,
        ebid: `e-${id}`,
        redoLogPosition: BigInt(first),
        lastRedoLogPosition: BigInt(last),
        lastCommitMs: T(lastCommit),
      },
    ],
  };
}
const all = (backups: CatalogBackup[], hidden: string[] = []) => {
  const m = new Map<string, Visibility>();
  for (const b of backups)
    for (const f of b.files) if (f.ebid) m.set(f.ebid, { visible: !hidden.includes(b.backupId), createdMs: b.startMs });
  return m;
};

// Full backup 10:00 (pos 1000), logs 10:15 (1000..1100, last commit 10:10), 10:30 (1100..1200, 10:20), 10:45 (1200..1300, 10:40).
const catalog = [
  data('1', '10:00', 1000, '10:00'),
  log('2', '10:15', 1000, 1100, '10:10'),
  log('3', '10:30', 1100, 1200, '10:20'),
  log('4', '10:45', 1200, 1300, '10:40'),
];

test('the catalog query result parses into backups with their files (hdbsql values, NULL as null)', () => {
  const rows = [
    [
      '1709287200000',
      'complete data backup',
      ts(T('10:00')),
      ts(T('10:00')),
      '3',
      'volume',
      'backint',
      '/b/FULL_databackup_3_1',
      'e1',
      '1000',
      null,
      ts(T('10:00')),
    ],
    [
      '1709288100000',
      'log backup',
      ts(T('10:15')),
      ts(T('10:15')),
      '3',
      'volume',
      'backint',
      '/b/log_backup_3_0_1000_1100',
      'e2',
      '1000',
      '1100',
      ts(T('10:10')),
    ],
  ];
  const parsed = parseCatalogRows({ rows, notices: [] });
  expect(parsed.map((b) => [b.backupId, b.entryType, b.files[0]!.lastRedoLogPosition])).toEqual([
    ['1709287200000', 'complete data backup', null],
    ['1709288100000', 'log backup', 1100n],
  ]);
  expect(parsed[1]!.files[0]!.lastCommitMs).toBe(T('10:10'));
  expect(() => parseCatalogRows({ rows: [['x', 'log backup']], notices: [] })).toThrow(/could not be read/);
});

test('covered: the chain reaches a log backup holding a commit after the target; expected point bounded', () => {
  const plan = planChain(catalog, { kind: 'timestamp', untilMs: T('10:25') });
  expect(plan.data.map((d) => d.backupId)).toEqual(['1']);
  expect(plan.volumes[0]!.logs.map((l) => l.backupId)).toEqual(['2', '3', '4']);
  const a = assess(plan, all(catalog), T('10:50'));
  expect(a.covered).toBe(true);
  expect(a.expected).toMatchObject({ exact: false, notBefore: '2024-03-01T10:20:00Z' });
  expect(verdictOf(a, DEFAULT_POLICY).verdict).toBe('recover');
});

test('not backed up yet: commits after the newest log backup are only in the log area → short, waitable', () => {
  const a = assess(planChain(catalog, { kind: 'timestamp', untilMs: T('10:50') }), all(catalog), T('10:55'));
  expect(a.covered).toBe(false);
  expect(a.blocking).toBe(false);
  expect(a.reachable).toMatchObject({ timestamp: '2024-03-01T10:40:00Z', logPosition: '1300' });
  expect(a.shortfallSeconds).toBe(600);
  expect(a.missing.map((m) => m.kind)).toEqual(['not-backed-up-yet']);
  expect(verdictOf(a, DEFAULT_POLICY).verdict).toBe('wait');
  expect(verdictOf(a, { ...DEFAULT_POLICY, coveragePolicy: 'fail' }).verdict).toBe('fail');
  expect(verdictOf(a, { ...DEFAULT_POLICY, coveragePolicy: 'proceed' }).verdict).toBe('recover-short');
  expect(verdictOf(a, { ...DEFAULT_POLICY, coveragePolicy: 'proceed', maxDriftSeconds: 300, driftAction: 'fail' }).verdict).toBe(
    'fail',
  );
});

test('log-shipping lag: a log backup in the catalog but not in the Backint tool ends what is reachable', () => {
  const a = assess(planChain(catalog, { kind: 'timestamp', untilMs: T('10:35') }), all(catalog, ['4']), T('10:50'));
  expect(a.catalogCovers).toBe(true);
  expect(a.covered).toBe(false);
  expect(a.reachable).toMatchObject({ timestamp: '2024-03-01T10:20:00Z', logPosition: '1200' });
  expect(a.missing).toEqual([expect.objectContaining({ kind: 'not-in-backint', backupId: '4', waitable: true })]);
  expect(a.missing[0]!.message).toMatch(/not in the Backint tool \(not arrived yet: log-shipping lag; or deleted\)/);
});

test('a gap in the redo positions ends the chain and cannot be waited away', () => {
  const gappy = [catalog[0]!, catalog[1]!, log('4', '10:45', 1150, 1300, '10:40')];
  const a = assess(planChain(gappy, { kind: 'timestamp', untilMs: T('10:35') }), all(gappy), T('10:50'));
  expect(a.covered).toBe(false);
  expect(a.blocking).toBe(true);
  expect(a.missing[0]).toMatchObject({ kind: 'gap', waitable: false });
  expect(a.missing[0]!.message).toMatch(/log positions 1100\.\.1150 of volume 3 are in no log backup/);
  expect(a.reachable.logPosition).toBe('1100');
  expect(verdictOf(a, DEFAULT_POLICY).verdict).toBe('fail');
  expect(verdictOf(a, { ...DEFAULT_POLICY, coveragePolicy: 'proceed' }).verdict).toBe('recover-short');
});

test('overlapping log backups (a new log sequence after an in-place recovery) are refused under every policy', () => {
  const overlapping = [...catalog, log('5', '11:00', 1250, 1400, '10:55')];
  const a = assess(planChain(overlapping, { kind: 'timestamp', untilMs: T('10:35') }), all(overlapping), T('11:05'));
  expect(a.missing.some((m) => m.kind === 'overlap' && /overlap in volume 3/.test(m.message))).toBe(true);
  expect(a.covered).toBe(false);
  expect(verdictOf(a, { ...DEFAULT_POLICY, coveragePolicy: 'proceed' }).verdict).toBe('fail');
});

test('no data backup at or before the target', () => {
  const a = assess(planChain(catalog, { kind: 'timestamp', untilMs: T('09:00') }), all(catalog), T('11:00'));
  expect(a.missing).toEqual([expect.objectContaining({ kind: 'no-data-backup', waitable: false })]);
  expect(a.covered).toBe(false);
});

test('a pinned log position: covered exactly when a visible chain reaches it; the data backup holding it needs no logs', () => {
  const pinned = assess(
    planChain(catalog, { kind: 'logPosition', position: 1150n, timestampMs: T('10:15') }),
    all(catalog),
    T('11:00'),
  );
  expect(pinned.covered).toBe(true);
  expect(pinned.logBackups.map((l) => l.backupId)).toEqual(['2', '3']);
  expect(pinned.expected).toEqual({
    exact: true,
    timestamp: '2024-03-01T10:15:00Z',
    notBefore: '2024-03-01T10:15:00Z',
    logPosition: '1150',
  });
  expect(
    assess(planChain(catalog, { kind: 'logPosition', position: 1000n, timestampMs: null }), all(catalog), T('11:00')).logBackups,
  ).toEqual([]);
  // The backup holding the pinned point was deleted from the tool: not reachable, said so.
  const gone = assess(
    planChain(catalog, { kind: 'logPosition', position: 1150n, timestampMs: T('10:15') }),
    all(catalog, ['3']),
    T('11:00'),
  );
  expect(gone.covered).toBe(false);
  expect(gone.reachable.logPosition).toBe('1100');
  // proceed never applies to a pinned point: it would give this VDB different data.
  expect(verdictOf(gone, { ...DEFAULT_POLICY, coveragePolicy: 'proceed' }).verdict).toBe('fail');
});
