/**
 * Tenants with several volumes: one per service, each with its own log and log backups; recovery needs every volume's
 * log, reports progress per volume and ends with one finish line; UNTIL LOG POSITION names a position in one volume's log.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startLandscape, type Landscape, type LandscapeSystem } from '../../tools/hana-sim/landscape.js';
import { planReplay } from '../../tools/hana-sim/volume-replay.js';
import { exec, lastRecovery, query, RECIPE, requireBuild } from './helpers.js';

jest.setTimeout(180_000);

let dir: string;
let l: Landscape;
let prd: LandscapeSystem;
let qas: LandscapeSystem;
const tenantLog = (db: string) => join(qas.paths.traceDir, `DB_${db}`, 'backup.log');

async function ok(sys: LandscapeSystem, key: string, sql: string): Promise<void> {
  const r = await exec(sys, key, sql);
  if (r.code !== 0) throw new Error(`${sql}: rc ${r.code} ${r.stderr}`);
}
async function recover(db: string, until: string): Promise<{ code: number | null; stderr: string }> {
  await ok(qas, 'QAS_RECOVERY', `ALTER SYSTEM STOP DATABASE ${db}`);
  return exec(qas, 'QAS_RECOVERY', `RECOVER DATABASE FOR ${db} ${until} CLEAR LOG USING SOURCE 'ERP@PRD' USING CATALOG BACKINT`);
}
const ids = async (db: string) => (await query(qas, `QAS_${db}`, 'SELECT ID FROM M ORDER BY ID')).map((r) => Number(r[0]));

beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'hana-sim-vol-'));
  l = await startLandscape({ root: join(dir, 'sim'), ssh: false, clock: { driven: true, startAt: '2024-03-01T10:00:00Z' } });
  await l.faults.tenantTransitions({ startMs: 0, stopMs: 0 }); // STARTING/STOPPING are faults.test.ts's subject
  [prd, qas] = l.systems as [LandscapeSystem, LandscapeSystem];
  // Rows 1 (in the full backup), 2 @10:05, 3 @10:10 (log backups @10:15), 4 @10:15, 5 @10:20 (log backups @10:30).
  await ok(prd, 'PRD_ERP', 'CREATE COLUMN TABLE M (ID INTEGER PRIMARY KEY)');
  await ok(prd, 'PRD_ERP', 'INSERT INTO M VALUES (1)');
  await ok(prd, 'PRD_RECOVERY', "BACKUP DATA FOR ERP USING BACKINT ('FULL')");
  for (const id of [2, 3, 4, 5]) {
    await l.clock.advance(300);
    await ok(prd, 'PRD_ERP', `INSERT INTO M VALUES (${id})`);
  }
  await l.clock.advance(900);
});

afterAll(async () => {
  await l?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('SYS.M_VOLUMES lists a tenant volume per service, the master indexserver not the lowest id', async () => {
  const sql = 'SELECT VOLUME_ID, SERVICE_NAME FROM SYS.M_VOLUMES ORDER BY VOLUME_ID';
  expect(await query(prd, 'PRD_ERP', sql)).toEqual([
    ['2', 'xsengine'],
    ['3', 'indexserver'],
    ['4', 'dpserver'],
  ]);
  expect(await query(prd, 'PRD_RECOVERY', sql)).toEqual([['1', 'nameserver']]);
  const all = await query(
    qas,
    'QAS_RECOVERY',
    "SELECT VOLUME_ID, SERVICE_NAME FROM SYS_DATABASES.M_VOLUMES WHERE DATABASE_NAME = 'VDB2' ORDER BY VOLUME_ID",
  );
  expect(all).toEqual([
    ['5', 'xsengine'],
    ['6', 'indexserver'],
    ['7', 'dpserver'],
  ]);
});

test('every volume has its own log backups and catalog rows (SOURCE_ID, SERVICE_TYPE_NAME)', async () => {
  const rows = await query(
    prd,
    'PRD_ERP',
    'SELECT F.SOURCE_ID, F.SERVICE_TYPE_NAME, F.DESTINATION_PATH, F.REDO_LOG_POSITION, F.LAST_REDO_LOG_POSITION FROM ' +
      'SYS.M_BACKUP_CATALOG_FILES F JOIN SYS.M_BACKUP_CATALOG C ON C.BACKUP_ID = F.BACKUP_ID WHERE C.ENTRY_TYPE_NAME = ' +
      "'log backup' AND F.SOURCE_TYPE_NAME = 'volume' ORDER BY F.SOURCE_ID, F.REDO_LOG_POSITION",
  );
  expect(rows.map((r) => `${r[0]} ${r[1]}`)).toEqual([
    '2 xsengine',
    '2 xsengine',
    '3 indexserver',
    '3 indexserver',
    '4 dpserver',
    '4 dpserver',
  ]);
  for (const r of rows) expect(r[2]).toMatch(new RegExp(`/DB_ERP/log_backup_${r[0]}_0_${r[3]}_${r[4]}$`));
  // Each volume's chain is unbroken, and the volumes' positions are their own.
  for (const v of [0, 2, 4]) expect(rows[v + 1]![3]).toBe(rows[v]![4]);
  expect(rows[0]![4]).not.toBe(rows[2]![4]);
  const data = await query(
    prd,
    'PRD_ERP',
    "SELECT SOURCE_ID, SERVICE_TYPE_NAME FROM SYS.M_BACKUP_CATALOG_FILES WHERE DESTINATION_PATH LIKE '%FULL_databackup_%' " +
      'ORDER BY SOURCE_ID',
  );
  expect(data.map((r) => r.join(' '))).toEqual(['0 indexserver', '2 xsengine', '3 indexserver', '4 dpserver']);
});

test('a recovery reports data restore in bytes and log replay in segments per volume, and one finish line', async () => {
  expect((await recover('VDB2', "UNTIL TIMESTAMP '2024-03-01 10:35:00'")).stderr).toBe('');
  expect(await ids('VDB2')).toEqual([1, 2, 3, 4, 5]);
  const rec = lastRecovery(tenantLog('VDB2'));
  const progress = rec.lines.map((x) => RECIPE.PROGRESS.exec(x.msg)?.groups).filter((g) => g !== undefined);
  const byVolume = (vol: string) => progress.filter((g) => g.vol === vol).map((g) => `${g.pct}% ${g.done}/${g.total}`);
  for (const vol of ['5', '6', '7']) {
    const lines = byVolume(vol);
    expect(lines[0]).toMatch(/^0% 0\/\d+$/);
    expect(lines[1]).toBe(`100% ${lines[0]!.split('/')[1]}/${lines[0]!.split('/')[1]}`); // bytes
    expect(lines.slice(2)).toEqual(['50% 1/2', '100% 2/2']); // log backups (segments)
  }
  expect(progress.find((g) => g.vol === '6')!.svc).toBe('indexserver');
  const finish = rec.lines.filter((x) => /^RECOVER DATA finished/.test(x.msg));
  expect(finish).toHaveLength(1);
  expect(finish[0]!.msg.match(/reached log position/g)).toHaveLength(1);
});

test('UNTIL LOG POSITION is in the named volume: same (position, volume) same state; another volume another', async () => {
  const master = (
    await query(
      prd,
      'PRD_ERP',
      'SELECT REDO_LOG_POSITION, LAST_REDO_LOG_POSITION FROM SYS.M_BACKUP_CATALOG_FILES WHERE SOURCE_ID = 3 AND ' +
        "DESTINATION_PATH LIKE '%log_backup_3_0_%' ORDER BY REDO_LOG_POSITION",
    )
  )[0]!;
  const pos = Number(master[1]); // the end of the first indexserver log backup: rows 1..3
  expect((await recover('VDB1', `UNTIL LOG POSITION ${pos} AT VOLUME 3`)).stderr).toBe('');
  expect(await ids('VDB1')).toEqual([1, 2, 3]);
  expect(lastRecovery(tenantLog('VDB1')).ok!.groups!.pos).toBe(String(pos));
  expect((await recover('VDB3', `UNTIL LOG POSITION ${pos} AT VOLUME 3`)).stderr).toBe('');
  expect(await ids('VDB3')).toEqual([1, 2, 3]);
  expect(lastRecovery(tenantLog('VDB3')).ok!.groups!.pos).toBe(String(pos));
  // The same number in the xsengine volume's log (which grows by less per commit) is a later commit.
  expect((await recover('VDB3', `UNTIL LOG POSITION ${pos} AT VOLUME 2`)).stderr).toBe('');
  expect(await ids('VDB3')).not.toEqual([1, 2, 3]);
  // The target's own volume ids mean nothing in the source's logs.
  const wrong = await recover('VDB3', `UNTIL LOG POSITION ${pos} AT VOLUME 8`);
  expect(wrong.stderr).toMatch(/^\* 449: .*volume 8 is not a volume of the database; its volumes are 2, 3, 4/);
  await ok(qas, 'QAS_RECOVERY', 'ALTER SYSTEM START DATABASE VDB3');
});

test('the replay stops at the newest commit every volume holds', () => {
  const commits = [1100, 1200, 1300].map((position, i) => ({ position, utc_ms: i, sql: '' }));
  const xs = { volume: 2, dataPosition: 500, entries: [{ position: 596, utc_ms: 0, seq: 1100 }] };
  const ds = {
    volume: 4,
    dataPosition: 700,
    entries: [796, 892, 988].map((p, i) => ({ position: p, utc_ms: i, seq: commits[i]!.position })),
  };
  const plan = planReplay({ volume: 3, dataPosition: 1000, commits }, [xs, ds], {});
  expect(plan.apply.map((c) => c.position)).toEqual([1100]);
  expect(plan.reached).toEqual(
    new Map([
      [2, 596],
      [4, 796],
    ]),
  );
  const atXs = planReplay(
    { volume: 3, dataPosition: 1000, commits },
    [{ ...xs, entries: [...xs.entries, { position: 692, utc_ms: 1, seq: 1200 }] }, ds],
    {
      untilPosition: { position: 1200, volume: 2 },
    },
  );
  expect(atXs.reachedSeq).toBe(1200); // position 1200 is past xsengine's entry 692 (commit 1200)
});
