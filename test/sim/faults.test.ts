/**
 * Real-landscape behaviours switched on per system: backup encryption with root keys the target lacks (and their
 * export/import), a system replication primary whose secondary is down, and tenant start/stop transitions.
 * hdbsql/hdbnsutil run as real processes; tests run in order on one landscape with a driven clock.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { startLandscape, type Landscape, type LandscapeSystem } from '../../tools/hana-sim/landscape.js';
import { exec, lastRecovery, query, requireBuild, run } from './helpers.js';

jest.setTimeout(300_000); // two recoveries and a dozen hdbsql processes per test; slow on a busy machine

let dir: string;
let l: Landscape;
let prd: LandscapeSystem;
let qas: LandscapeSystem;
const UNTIL = '2024-03-01 10:20:00';
const tenantLog = (sys: LandscapeSystem, db: string) => join(sys.paths.traceDir, `DB_${db}`, 'backup.log');
const recoverSql = (db: string) =>
  `RECOVER DATABASE FOR ${db} UNTIL TIMESTAMP '${UNTIL}' CLEAR LOG USING SOURCE 'ERP@PRD' USING CATALOG BACKINT`;

async function ok(sys: LandscapeSystem, key: string, sql: string): Promise<string> {
  const r = await exec(sys, key, sql);
  if (r.code !== 0) throw new Error(`${sql}: rc ${r.code} ${r.stderr}`);
  return r.stdout;
}
async function active(sys: LandscapeSystem, db: string): Promise<string> {
  return (await query(sys, `${sys.sid}_RECOVERY`, `SELECT ACTIVE_STATUS FROM M_DATABASES WHERE DATABASE_NAME = '${db}'`))[0]![0]!;
}
async function waitForStatus(sys: LandscapeSystem, db: string, status: string): Promise<void> {
  const until = Date.now() + 60_000;
  while ((await active(sys, db)) !== status) {
    if (Date.now() > until) throw new Error(`${db} never reached ACTIVE_STATUS ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
async function stop(sys: LandscapeSystem, db: string): Promise<void> {
  await waitForStatus(sys, db, 'YES');
  await ok(sys, `${sys.sid}_RECOVERY`, `ALTER SYSTEM STOP DATABASE ${db}`);
  await waitForStatus(sys, db, 'NO');
}
/** The BACKUP root key hashes of a database as its SYSTEMDB lists them. */
async function backupKeyHashes(sys: LandscapeSystem, tenant: string): Promise<string[]> {
  const rows = await query(
    sys,
    `${sys.sid}_SYSTEM`,
    `SELECT ROOT_KEY_HASH FROM SYS.ENCRYPTION_ROOT_KEYS WHERE ROOT_KEY_TYPE = 'BACKUP' AND TENANT_NAME = '${tenant}'`,
  );
  return rows.map((r) => r[0]!);
}

beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'hana-sim-faults-'));
  l = await startLandscape({
    root: join(dir, 'sim'),
    ssh: false,
    clock: { driven: true, startAt: '2024-03-01T10:00:00Z' },
    landscape: {
      systems: [
        { sid: 'PRD', instance: '00', host: 'hanaprd', utcOffset: '+01:00', tenants: ['ERP'] },
        { sid: 'QAS', instance: '10', host: 'hanaqas', utcOffset: '-05:00', tenants: ['VDB1', 'VDB2'] },
      ],
    },
  });
  [prd, qas] = l.systems as [LandscapeSystem, LandscapeSystem];
  await ok(prd, 'PRD_ERP', 'CREATE COLUMN TABLE MARKERS (ID INTEGER PRIMARY KEY, WRITTEN_AT TIMESTAMP)');
  await ok(prd, 'PRD_ERP', 'INSERT INTO MARKERS VALUES (1, CURRENT_UTCTIMESTAMP)');
  await ok(prd, 'PRD_RECOVERY', "BACKUP DATA FOR ERP USING BACKINT ('FULL')");
  await l.clock.advance(600);
  await ok(prd, 'PRD_ERP', 'INSERT INTO MARKERS VALUES (2, CURRENT_UTCTIMESTAMP)');
  await l.clock.advance(1800);
});

afterAll(async () => {
  await l?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('backup encryption is visible before anything is stopped: M_ENCRYPTION_OVERVIEW and ENCRYPTION_ROOT_KEYS', async () => {
  const overview = 'SELECT SCOPE, IS_ENCRYPTION_ACTIVE FROM SYS.M_ENCRYPTION_OVERVIEW ORDER BY SCOPE';
  expect(await query(prd, 'PRD_RECOVERY', overview)).toEqual([
    ['BACKUP', 'FALSE'],
    ['LOG', 'FALSE'],
    ['PERSISTENCE', 'FALSE'],
  ]);
  await l.faults.backupEncryption('PRD');
  expect(await query(prd, 'PRD_ERP', overview)).toContainEqual(['BACKUP', 'TRUE']);
  expect(await query(qas, 'QAS_RECOVERY', overview)).toContainEqual(['BACKUP', 'FALSE']);
  const source = await query(
    prd,
    'PRD_ERP',
    "SELECT ROOT_KEY_HASH, ROOT_KEY_STATUS, IS_USED FROM ENCRYPTION_ROOT_KEYS WHERE ROOT_KEY_TYPE = 'BACKUP'",
  );
  expect(source).toHaveLength(1);
  expect(source[0]!.slice(1)).toEqual(['ACTIVE', 'TRUE']);
  expect(await backupKeyHashes(prd, 'ERP')).toEqual([source[0]![0]]);
  expect(await backupKeyHashes(qas, 'VDB1')).not.toContain(source[0]![0]);
});

test('a copy of encrypted backups fails on a target without the root keys, leaving the tenant needing recovery', async () => {
  await stop(qas, 'VDB1');
  const r = await exec(qas, 'QAS_RECOVERY', recoverSql('VDB1'));
  expect(r.code).not.toBe(0);
  expect(r.stderr).toMatch(
    /^\* 448: recovery could not be completed: \[301103\] missing backup root key: .* ERP@PRD .*\n? SQLSTATE: HY000\n$/,
  );
  expect(lastRecovery(tenantLog(qas, 'VDB1')).fail?.groups?.code).toBe('448');
  expect(await active(qas, 'VDB1')).toBe('NO');
  const start = await exec(qas, 'QAS_RECOVERY', 'ALTER SYSTEM START DATABASE VDB1');
  expect(start.stderr).toMatch(/cannot be started: its last recovery did not complete/);
});

test('the keys exported on the source (SQL) and imported on the target (hdbnsutil -recoverRootKeys) make it succeed', async () => {
  const export_ = await exec(prd, 'PRD_SYSTEM', "BACKUP ENCRYPTION ROOT KEYS FOR ERP USING FILE ('copy1')");
  expect(export_.stderr).toMatch(/no root key backup password is set for ERP/);
  await ok(prd, 'PRD_SYSTEM', "ALTER DATABASE ERP SET ENCRYPTION ROOT KEYS BACKUP PASSWORD 'Root-Key-Pw1'");
  await ok(prd, 'PRD_SYSTEM', "BACKUP ENCRYPTION ROOT KEYS FOR ERP USING FILE ('copy1')");
  const file = join(prd.paths.instanceDir, 'backup', 'sec', 'DB_ERP', 'copy1_rootkeys');
  expect(existsSync(file)).toBe(true);
  const hdbnsutil = join(qas.paths.exeDir, 'hdbnsutil');
  const wrong = await run(hdbnsutil, ['-recoverRootKeys', file, '--database_name=VDB1', '--type=ALL'], 'not-it\n');
  expect(wrong.code).toBe(1);
  expect(wrong.stderr).toMatch(/wrong password/);
  const imported = await run(hdbnsutil, ['-recoverRootKeys', file, '--database_name=VDB1', '--type=ALL'], 'Root-Key-Pw1\n');
  expect(imported).toMatchObject({ code: 0 });
  expect(imported.stdout).toMatch(/done\.\n$/);
  const sourceHash = (await backupKeyHashes(prd, 'ERP'))[0]!;
  expect(await backupKeyHashes(qas, 'VDB1')).toContain(sourceHash);
  expect(await backupKeyHashes(qas, 'VDB2')).not.toContain(sourceHash);
  await ok(qas, 'QAS_RECOVERY', recoverSql('VDB1'));
  await waitForStatus(qas, 'VDB1', 'YES');
  expect(await query(qas, 'QAS_VDB1', 'SELECT ID FROM MARKERS ORDER BY ID')).toEqual([['1'], ['2']]);
  // The keys were imported for VDB1 only.
  await stop(qas, 'VDB2');
  expect((await exec(qas, 'QAS_RECOVERY', recoverSql('VDB2'))).stderr).toMatch(/\[301103\] missing backup root key/);
  await l.faults.backupEncryption('PRD', false);
  await ok(qas, 'QAS_RECOVERY', recoverSql('VDB2'));
  await waitForStatus(qas, 'VDB2', 'YES');
});

test('an SR primary with its secondary down shows it in M_SYSTEM_REPLICATION, and RECOVER fails with the AWS text', async () => {
  const sr = 'SELECT SITE_NAME, SECONDARY_SITE_NAME, REPLICATION_STATUS FROM SYS.M_SYSTEM_REPLICATION';
  expect(await query(qas, 'QAS_RECOVERY', sr)).toEqual([]);
  await l.faults.srSecondaryDown('QAS');
  try {
    expect(await query(qas, 'QAS_RECOVERY', sr)).toEqual([['hanaqas-site1', 'hanaqas-site2', 'ERROR']]);
    expect(await query(prd, 'PRD_RECOVERY', sr)).toEqual([]);
    const services = await query(qas, 'QAS_VDB1', 'SELECT SECONDARY_ACTIVE_STATUS, REPLICATION_STATUS FROM M_SERVICE_REPLICATION');
    expect(services).toEqual([['NO', 'ERROR']]);
    await stop(qas, 'VDB1');
    const r = await exec(qas, 'QAS_RECOVERY', recoverSql('VDB1'));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toBe(
      '* 448: recovery could not be completed: [301102] exception 301153: Sending root key to secondary failed: connection ' +
        'refused. This may be caused by a stopped system replication secondary. Please keep the secondary online to receive ' +
        'the restored root key. Alternatively you could unregister the secondary site in case of an urgent recovery.\n' +
        ' SQLSTATE: HY000\n',
    );
    expect(lastRecovery(tenantLog(qas, 'VDB1')).fail?.groups?.text).toMatch(/\[301102\] exception 301153: Sending root key/);
  } finally {
    await l.faults.srSecondaryDown('QAS', false); // a failure here must not leave the fault for the next test
  }
  expect(await query(qas, 'QAS_RECOVERY', sr)).toEqual([]);
  await ok(qas, 'QAS_RECOVERY', recoverSql('VDB1'));
  await waitForStatus(qas, 'VDB1', 'YES');
});

test('the pinned `sim fault backup-encryption|sr-secondary-down SID [--clear]` switch the faults by SID', async () => {
  const { run: sim } = await import('../../tools/hana-sim/cli.js');
  let out = '';
  const ctx = {
    json: true,
    debug: false,
    dataDir: dir,
    packageRoot: '.',
    stdout: (t: string) => void (out += t),
    stderr: () => undefined,
    interactive: false,
  };
  const fault = async (...words: string[]) => {
    out = '';
    expect(await sim(['sim', 'fault', ...words, '--root', l.root, '--json'], ctx)).toBe(0);
    return JSON.parse(out) as unknown;
  };
  const backup = "SELECT IS_ENCRYPTION_ACTIVE FROM M_ENCRYPTION_OVERVIEW WHERE SCOPE = 'BACKUP'";
  expect(await fault('backup-encryption', 'PRD')).toEqual({
    ok: true,
    result: { sid: 'PRD', fault: 'backup-encryption', on: true },
  });
  expect(await query(prd, 'PRD_RECOVERY', backup)).toEqual([['TRUE']]);
  await fault('backup-encryption', 'PRD', '--clear');
  expect(await query(prd, 'PRD_RECOVERY', backup)).toEqual([['FALSE']]);
  await fault('sr-secondary-down', 'PRD');
  expect(await query(prd, 'PRD_RECOVERY', 'SELECT REPLICATION_STATUS FROM M_SYSTEM_REPLICATION')).toEqual([['ERROR']]);
  await fault('sr-secondary-down', 'PRD', '--clear');
  expect(await query(prd, 'PRD_RECOVERY', 'SELECT REPLICATION_STATUS FROM M_SYSTEM_REPLICATION')).toEqual([]);
  await expect(sim(['fault', 'sr-secondary-down', 'XYZ', '--root', l.root], ctx)).rejects.toMatchObject({
    name: 'UserError',
    message: 'no system XYZ in the simulated landscape',
    action: 'use one of: PRD, QAS',
  });
});

test('STOP and START return at once; the tenant is STOPPING or STARTING for the configured while', async () => {
  // Long windows hold each state while the assertions run (each hdbsql process can take seconds on a busy machine);
  // setting a kind's while to 0 ends the transitions under way, so the test waits on no window it does not test.
  await l.faults.tenantTransitions({ startMs: 60_000, stopMs: 60_000 });
  await ok(qas, 'QAS_RECOVERY', 'ALTER SYSTEM STOP DATABASE VDB2');
  expect(await active(qas, 'VDB2')).toBe('STOPPING');
  const early = await exec(qas, 'QAS_RECOVERY', recoverSql('VDB2'));
  expect(early.stderr).toMatch(
    /^\* 448: recovery could not be completed: database VDB2 is not stopped yet \(ACTIVE_STATUS STOPPING\)/,
  );
  expect((await exec(qas, 'QAS_RECOVERY', 'ALTER SYSTEM START DATABASE VDB2')).stderr).toMatch(/VDB2 is STOPPING/);
  await l.faults.tenantTransitions({ stopMs: 0 });
  expect(await active(qas, 'VDB2')).toBe('NO');
  await ok(qas, 'QAS_RECOVERY', 'ALTER SYSTEM START DATABASE VDB2');
  expect(await active(qas, 'VDB2')).toBe('STARTING');
  expect((await exec(qas, 'QAS_VDB2', 'SELECT 1 FROM DUMMY')).stderr).toMatch(/^\* -10709: /);
  await l.faults.tenantTransitions({ startMs: 0 });
  expect((await exec(qas, 'QAS_VDB2', 'SELECT 1 FROM DUMMY')).code).toBe(0);
  // A successful recovery starts the tenant, which passes through STARTING too; this window ends by itself.
  await stop(qas, 'VDB2');
  await l.faults.tenantTransitions({ startMs: 8_000 });
  await ok(qas, 'QAS_RECOVERY', recoverSql('VDB2'));
  expect(await active(qas, 'VDB2')).toBe('STARTING');
  await waitForStatus(qas, 'VDB2', 'YES');
  await l.faults.tenantTransitions({ startMs: 0, stopMs: 0 });
  await ok(qas, 'QAS_RECOVERY', 'ALTER SYSTEM STOP DATABASE VDB2');
  expect(await active(qas, 'VDB2')).toBe('NO');
});
