/**
 * Coverage on a tenant with several volumes (one per persistence service, each with its own log): every volume needs
 * an unbroken chain, and a pinned log position belongs to the master indexserver volume, which is not the lowest id.
 */
import { assess } from '../../../src/hana/log-coverage/assess.js';
import { parseCatalogRows, type CatalogBackup, type CatalogFile } from '../../../src/hana/log-coverage/catalog.js';
import { planChain } from '../../../src/hana/log-coverage/chain.js';
import type { Visibility } from '../../../src/hana/log-coverage/inquire.js';

const T = (hhmm: string) => Date.parse(`2024-03-01T${hhmm}:00Z`);
const SERVICES: Record<number, string> = { 2: 'xsengine', 3: 'indexserver', 4: 'dpserver' };

function file(volume: number, path: string, first: number, last: number | null, commit: string | null): CatalogFile {
  return {
    sourceId: volume,
    sourceType: 'volume',
    serviceType: SERVICES[volume]!,
    destinationType: 'backint',
    path,
    ebid: `e-${path}`,
    redoLogPosition: BigInt(first),
    lastRedoLogPosition: last === null ? null : BigInt(last),
    lastCommitMs: commit ? T(commit) : null,
  };
}

/** Data backup at 10:00: the volumes' log positions are unrelated numbers (xsengine 500, indexserver 1000, dpserver 9000). */
const full: CatalogBackup = {
  backupId: '1',
  entryType: 'complete data backup',
  startMs: T('10:00'),
  endMs: T('10:00'),
  files: [2, 3, 4].map((v) => file(v, `/b/FULL_databackup_${v}_1`, { 2: 500, 3: 1000, 4: 9000 }[v]!, null, '10:00')),
};
function log(id: string, at: string, volume: number, first: number, last: number, commit: string): CatalogBackup {
  return {
    backupId: id,
    entryType: 'log backup',
    startMs: T(at),
    endMs: T(at),
    files: [file(volume, `/b/log_backup_${volume}_0_${first}_${last}`, first, last, commit)],
  };
}
const catalog = [
  full,
  log('11', '10:15', 3, 1000, 1100, '10:10'),
  log('12', '10:15', 2, 500, 520, '10:09'),
  log('13', '10:15', 4, 9000, 9400, '10:12'),
  log('21', '10:30', 3, 1100, 1200, '10:20'),
  log('22', '10:30', 2, 520, 530, '10:25'),
  log('23', '10:30', 4, 9400, 9900, '10:28'),
];
const visible = (backups: CatalogBackup[], hidden: string[] = []) => {
  const m = new Map<string, Visibility>();
  for (const b of backups) for (const f of b.files) m.set(f.ebid!, { visible: !hidden.includes(b.backupId), createdMs: null });
  return m;
};

test('the master indexserver volume is found by its service, not as the lowest volume id', () => {
  expect(planChain(catalog, { kind: 'timestamp', untilMs: T('10:15') }).masterVolume).toBe(3);
  const rows = [
    ['1', 'complete data backup', '2024-03-01 10:00:00', null, '3', 'volume', 'backint', '/p', 'e', '1000', null, null],
  ];
  expect(parseCatalogRows({ rows: [[...rows[0]!, 'indexserver']], notices: [] })[0]!.files[0]!.serviceType).toBe('indexserver');
});

test('a timestamp is covered only when every volume has a chain holding it', () => {
  const plan = planChain(catalog, { kind: 'timestamp', untilMs: T('10:22') });
  expect(plan.volumes.map((v) => [v.volume, v.coversTarget, v.logs.map((l) => l.backupId)])).toEqual([
    [2, true, ['12', '22']],
    [3, true, ['11', '21']],
    [4, true, ['13', '23']],
  ]);
  expect(assess(plan, visible(catalog), T('11:00')).covered).toBe(true);
  // dpserver's second log backup has not reached the Backint tool: the whole recovery is short, and says which volume.
  const lagging = assess(plan, visible(catalog, ['23']), T('11:00'));
  expect(lagging.covered).toBe(false);
  expect(lagging.missing.map((m) => m.message).join('\n')).toContain('/b/log_backup_4_0_9400_9900');
});

test('a gap in one volume breaks the chain of that volume only, and is named with its volume', () => {
  const withGap = catalog.filter((b) => b.backupId !== '12');
  const a = assess(planChain(withGap, { kind: 'timestamp', untilMs: T('10:22') }), visible(withGap), T('11:00'));
  expect(a.covered).toBe(false);
  expect(a.missing.find((m) => m.kind === 'gap')!.message).toContain('log positions 500..520 of volume 2');
});

test('a pinned position is the master volume position; the other volumes need an unbroken chain', () => {
  // Position 1150 lies in indexserver's 1100..1200 (10:20); dpserver's positions are all above it, xsengine's below.
  const target = { kind: 'logPosition' as const, position: 1150n, timestampMs: T('10:18') };
  const plan = planChain(catalog, target);
  expect(plan.problems).toEqual([]);
  expect(plan.data.map((d) => d.backupId)).toEqual(['1']);
  expect(plan.volumes.map((v) => [v.volume, v.coversTarget, v.logs.map((l) => l.backupId)])).toEqual([
    [2, true, ['12', '22']],
    [3, true, ['11', '21']],
    [4, true, ['13', '23']],
  ]);
  const a = assess(plan, visible(catalog), T('11:00'));
  expect(a.covered).toBe(true);
  expect(a.masterVolume).toBe(3);
  expect(a.reachable).toEqual({ timestamp: '2024-03-01T10:18:00Z', logPosition: '1150', volume: 3 });
  // A pin is a point an earlier recovery reached. HANA backs up a volume's log only when it grew, so a quiet xsengine
  // may have no log backup after 10:18 ever: its unbroken chain is enough (waiting for one would never end). Should
  // the volume have log that is not backed up, the recovery's reached position differs from the pin and the
  // recovery fails there (the pin check), with the tenant stopped.
  const early = catalog.filter((b) => b.backupId !== '22');
  const quiet = assess(planChain(early, target), visible(early), T('11:00'));
  expect(quiet.covered).toBe(true);
  // A gap in the other volume's chain is still refused before anything is touched.
  const gap = catalog.filter((b) => b.backupId !== '12');
  expect(assess(planChain(gap, target), visible(gap), T('11:00')).covered).toBe(false);
});

test('short of the target: the recovery ends where the first volume ends; on a tie that is the master volume', () => {
  const plan = planChain(catalog, { kind: 'timestamp', untilMs: T('10:40') });
  // Every volume's second round is not in the tool yet. xsengine's first ends at 10:09, before indexserver's 10:10.
  const firstRound = assess(plan, visible(catalog, ['21', '22', '23']), T('11:00'));
  expect(firstRound.reachable).toEqual({ timestamp: '2024-03-01T10:09:00Z', logPosition: '520', volume: 2 });
  // The volumes' log backups of one round end at the same last commit (every commit writes to every volume's log):
  // the reachable point is then named on the master volume, the one whose position HANA reports.
  const tied = catalog.map((b) =>
    b.backupId === '12'
      ? log('12', '10:15', 2, 500, 520, '10:10')
      : b.backupId === '13'
        ? log('13', '10:15', 4, 9000, 9400, '10:10')
        : b,
  );
  const a = assess(planChain(tied, { kind: 'timestamp', untilMs: T('10:40') }), visible(tied, ['21', '22', '23']), T('11:00'));
  expect(a.reachable).toEqual({ timestamp: '2024-03-01T10:10:00Z', logPosition: '1100', volume: 3 });
});

test('a volume whose first log backup after the data backup is missing: even a short recovery would need it', () => {
  const plan = planChain(catalog, { kind: 'timestamp', untilMs: T('10:40') });
  // HANA's strategy names each volume's first log backup even to stop at the data backup: the short recovery needs it.
  const gone = assess(plan, visible(catalog, ['12']), T('11:00'));
  expect(gone.reachable).toMatchObject({ timestamp: '2024-03-01T10:00:00Z', volume: 2 });
  expect(gone.shortNeeds).toMatchObject({ backupId: '12', volume: 2, path: '/b/log_backup_2_0_500_520' });
  // A later one missing is not needed to stop before it.
  expect(assess(plan, visible(catalog, ['22']), T('11:00')).shortNeeds).toBeNull();
});
