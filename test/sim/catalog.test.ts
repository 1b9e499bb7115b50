/**
 * USING CATALOG BACKINT plans from the newest catalog backup (log_backup_0_0_0_0) the target's Backint tool shows, which
 * arrives as late as the log backups; with catalog_backup_using_backint = false the catalog never reaches Backint.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startLandscape, type Landscape, type LandscapeSystem } from '../../tools/hana-sim/landscape.js';
import { exec, lastRecovery, query, requireBuild } from './helpers.js';

jest.setTimeout(180_000);

let dir: string;
let l: Landscape;
let prd: LandscapeSystem;
let qas: LandscapeSystem;

async function ok(sys: LandscapeSystem, key: string, sql: string): Promise<void> {
  const r = await exec(sys, key, sql);
  if (r.code !== 0) throw new Error(`${sql}: rc ${r.code} ${r.stderr}`);
}
async function recover(src: string): Promise<string> {
  const active = await query(qas, 'QAS_RECOVERY', "SELECT ACTIVE_STATUS FROM M_DATABASES WHERE DATABASE_NAME = 'VDB1'");
  if (active[0]![0] === 'YES') await ok(qas, 'QAS_RECOVERY', 'ALTER SYSTEM STOP DATABASE VDB1');
  const sql =
    `RECOVER DATABASE FOR VDB1 UNTIL TIMESTAMP '2024-03-01 12:00:00' CLEAR LOG USING SOURCE '${src}@PRD' ` +
    'USING CATALOG BACKINT';
  return (await exec(qas, 'QAS_RECOVERY', sql)).stderr;
}
/** A database's catalog backups in the source's SQL catalog, oldest first. */
async function catalogIds(db: string): Promise<{ id: number; type: string; path: string }[]> {
  const rows = await query(
    prd,
    'PRD_RECOVERY',
    'SELECT BACKUP_ID, DESTINATION_TYPE_NAME, DESTINATION_PATH FROM SYS_DATABASES.M_BACKUP_CATALOG_FILES WHERE ' +
      `DATABASE_NAME = '${db}' AND SOURCE_TYPE_NAME = 'catalog' ORDER BY BACKUP_ID`,
  );
  return rows.map((r) => ({ id: Number(r[0]), type: r[1]!, path: r[2]! }));
}

beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'hana-sim-cat-'));
  l = await startLandscape({
    root: join(dir, 'sim'),
    ssh: false,
    clock: { driven: true, startAt: '2024-03-01T10:00:00Z' },
    landscape: {
      systems: [
        { sid: 'PRD', instance: '00', host: 'hanaprd', utcOffset: '+01:00', tenants: ['ERP', 'OTHER'] },
        { sid: 'QAS', instance: '10', host: 'hanaqas', utcOffset: '-05:00', tenants: ['VDB1'] },
      ],
      backint: { logShippingLagSeconds: 1200 },
    },
  });
  await l.faults.tenantTransitions({ startMs: 0, stopMs: 0 }); // STARTING/STOPPING are faults.test.ts's subject
  [prd, qas] = l.systems as [LandscapeSystem, LandscapeSystem];
  // ERP rows: 1 (full backup @10:00), 2 @10:05 (log + catalog backups @10:15), 3 @10:20 (log + catalog backups @10:30).
  await ok(prd, 'PRD_ERP', 'CREATE COLUMN TABLE M (ID INTEGER PRIMARY KEY)');
  await ok(prd, 'PRD_ERP', 'INSERT INTO M VALUES (1)');
  await ok(prd, 'PRD_RECOVERY', "BACKUP DATA FOR ERP USING BACKINT ('FULL')");
  await l.clock.advance(300);
  await ok(prd, 'PRD_ERP', 'INSERT INTO M VALUES (2)');
  await l.clock.advance(900);
  await ok(prd, 'PRD_ERP', 'INSERT INTO M VALUES (3)');
  await l.clock.advance(1200); // 10:40: what was written by 10:20 is visible in Backint
});

afterAll(async () => {
  await l?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('recovery plans from the newest catalog backup visible in Backint, short of what the SQL catalog lists', async () => {
  const catalogs = await catalogIds('ERP');
  const visible = catalogs.filter((c) => c.id <= Date.parse('2024-03-01T10:20:00Z')).pop()!;
  const newest = catalogs[catalogs.length - 1]!;
  expect(newest.id).toBeGreaterThanOrEqual(Date.parse('2024-03-01T10:30:00Z')); // the source's SQL views know it
  expect(await recover('ERP')).toBe('');
  const rec = lastRecovery(join(qas.paths.traceDir, 'DB_VDB1', 'backup.log'));
  expect(rec.lines.some((x) => x.msg === `using backup catalog ${visible.id} from ${newest.path}`)).toBe(true);
  expect(rec.lines.some((x) => /log_backup_3_0_/.test(x.msg) && /10:30|1709289/.test(x.msg))).toBe(false);
  expect((await query(qas, 'QAS_VDB1', 'SELECT ID FROM M ORDER BY ID')).map((r) => r[0])).toEqual(['1', '2']);
  // Once the 10:30 catalog backup arrives, the same recovery reaches row 3.
  await l.clock.advance(900);
  expect(await recover('ERP')).toBe('');
  expect((await query(qas, 'QAS_VDB1', 'SELECT ID FROM M ORDER BY ID')).map((r) => r[0])).toEqual(['1', '2', '3']);
});

test('with catalog_backup_using_backint = false the catalog goes to the file system and USING CATALOG BACKINT fails', async () => {
  await ok(
    prd,
    'PRD_SYSTEM',
    "ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', 'catalog_backup_using_backint') = 'false' " +
      'WITH RECONFIGURE',
  );
  await ok(prd, 'PRD_OTHER', 'CREATE COLUMN TABLE M (ID INTEGER PRIMARY KEY)');
  await ok(prd, 'PRD_RECOVERY', "BACKUP DATA FOR OTHER USING BACKINT ('FULL')");
  const [cat] = await catalogIds('OTHER');
  expect(cat!.type).toBe('file');
  expect(cat!.path).toMatch(new RegExp(`/HDB00/backup/log/DB_OTHER/log_backup_0_0_0_0\\.${cat!.id}$`));
  expect(existsSync(cat!.path)).toBe(true);
  await l.clock.advance(1800);
  expect(await recover('OTHER')).toMatch(/^\* 449: .*no backup catalog found in Backint: .*DB_OTHER\/log_backup_0_0_0_0/);
});
