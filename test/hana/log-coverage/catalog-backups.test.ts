/**
 * Catalog freshness (pure): HANA plans `RECOVER … USING CATALOG BACKINT` from the newest catalog backup the target's
 * Backint tool shows, so a log backup already in the tool that this catalog does not list ends the recovery there.
 */
import { assess } from '../../../src/hana/log-coverage/assess.js';
import { catalogsAfter, parseCatalogBackupRows, type CatalogBackupCopy } from '../../../src/hana/log-coverage/catalog-backups.js';
import type { CatalogBackup } from '../../../src/hana/log-coverage/catalog.js';
import { planChain } from '../../../src/hana/log-coverage/chain.js';
import { DEFAULT_POLICY } from '../../../src/hana/log-coverage/check.js';
import type { Visibility } from '../../../src/hana/log-coverage/inquire.js';
import { verdictOf } from '../../../src/hana/log-coverage/plan.js';

const T = (hhmm: string) => Date.parse(`2024-03-01T${hhmm}:00Z`);
const file = (path: string, ebid: string, first: number, last: number | null, lastCommit: string) => ({
  sourceId: 3,
  sourceType: 'volume',
  serviceType: 'indexserver',
  destinationType: 'backint',
  path,
  ebid,
  redoLogPosition: BigInt(first),
  lastRedoLogPosition: last === null ? null : BigInt(last),
  lastCommitMs: T(lastCommit),
});
const data: CatalogBackup = {
  backupId: '1',
  entryType: 'complete data backup',
  startMs: T('10:00'),
  endMs: T('10:00'),
  files: [file('/b/DB_ERP/FULL_databackup_3_1', 'e-1', 1000, null, '10:00')],
};
const log = (id: string, at: string, first: number, last: number, lastCommit: string): CatalogBackup => ({
  backupId: id,
  entryType: 'log backup',
  startMs: T(at),
  endMs: T(at),
  files: [file(`/b/DB_ERP/log_backup_3_0_${first}_${last}`, `e-${id}`, first, last, lastCommit)],
});
const backups = [
  data,
  log('2', '10:15', 1000, 1100, '10:10'),
  log('3', '10:30', 1100, 1200, '10:20'),
  log('4', '10:45', 1200, 1300, '10:40'),
];
// HANA writes a catalog backup right after each data and log backup (1 ms later: backup ids are start times).
const catalogAt = (id: string, at: string): CatalogBackupCopy => ({
  backupId: id,
  startMs: T(at) + 1,
  path: '/b/DB_ERP/log_backup_0_0_0_0',
  ebid: `c-${id}`,
});
const catalogs = [catalogAt('11', '10:00'), catalogAt('12', '10:15'), catalogAt('13', '10:30'), catalogAt('14', '10:45')];

/** Every data and log backup is in the tool; of the catalog backups only `shownCatalogs`. */
function tool(shownCatalogs: string[]): Map<string, Visibility> {
  const m = new Map<string, Visibility>();
  for (const b of backups) for (const f of b.files) m.set(f.ebid!, { visible: true, createdMs: b.startMs });
  for (const c of catalogs) m.set(c.ebid, { visible: shownCatalogs.includes(c.backupId), createdMs: c.startMs });
  return m;
}
const plan = planChain(backups, { kind: 'timestamp', untilMs: T('10:35') });

test('log backups in the tool but the newest catalog there is older: not covered, the catalog is named as missing', () => {
  const a = assess(plan, tool(['11', '12', '13']), T('10:50'), catalogs);
  expect(a.covered).toBe(false);
  expect(a.blocking).toBe(false);
  expect(a.catalogBackup).toEqual({ backupId: '13', path: '/b/DB_ERP/log_backup_0_0_0_0', writtenAt: '2024-03-01T10:30:00Z' });
  // HANA would replay only what catalog 13 lists: up to log backup 3.
  expect(a.reachable).toMatchObject({ timestamp: '2024-03-01T10:20:00Z', logPosition: '1200' });
  expect(a.missing).toEqual([expect.objectContaining({ kind: 'catalog-behind', backupId: '4', waitable: true })]);
  expect(a.missing[0]!.message).toMatch(/the backup catalog is behind: log backup 4 .* is in the Backint tool/);
  expect(a.missing[0]!.message).toMatch(/catalog backup that lists it, .*backup id 14.*, is not in the Backint tool yet/);
  expect(verdictOf(a, DEFAULT_POLICY).verdict).toBe('wait');
  expect(verdictOf(a, { ...DEFAULT_POLICY, coveragePolicy: 'fail' }).verdict).toBe('fail');
  expect(verdictOf(a, { ...DEFAULT_POLICY, coveragePolicy: 'proceed' }).verdict).toBe('recover-short');
});

test('once a catalog listing every needed log backup is in the tool, the target is covered', () => {
  const a = assess(plan, tool(['11', '14']), T('10:50'), catalogs);
  expect(a.covered).toBe(true);
  expect(a.catalogBackup?.backupId).toBe('14');
  expect(a.missing).toEqual([]);
});

test('no catalog in the tool lists the data backup: nothing is reachable, and the source has not written one yet', () => {
  const a = assess(plan, tool([]), T('10:50'), catalogsAfter(catalogs.slice(0, 0), T('10:00')));
  expect(a.covered).toBe(false);
  expect(a.reachable).toEqual({ timestamp: null, logPosition: null, volume: null });
  expect(a.missing[0]).toMatchObject({ kind: 'catalog-behind', backupId: '1', waitable: true });
  expect(a.missing[0]!.message).toMatch(
    /no catalog backup in the Backint tool lists the complete data backup 1, .*has not written/,
  );
});

test('only catalog backups written after the data backup can plan it; the rows parse', () => {
  expect(catalogsAfter(catalogs, T('10:20')).map((c) => c.backupId)).toEqual(['13', '14']);
  expect(catalogsAfter(catalogs, null)).toEqual([]);
  const parsed = parseCatalogBackupRows({
    rows: [['1709287200001', '2024-03-01 10:00:00.001000000', '/b/DB_ERP/log_backup_0_0_0_0', 'c-11']],
    notices: [],
  });
  expect(parsed).toEqual([
    { backupId: '1709287200001', startMs: T('10:00') + 1, path: '/b/DB_ERP/log_backup_0_0_0_0', ebid: 'c-11' },
  ]);
  expect(() => parseCatalogBackupRows({ rows: [['x', null, null, null]], notices: [] })).toThrow(/could not be read/);
});
