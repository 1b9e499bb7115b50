/**
 * The simulator end to end: hdbsql/hdbuserstore as real processes, hana-backint through real FIFOs, a driven
 * clock. One landscape for the file; steps that need ERP untouched run first through memoized fixtures, so the tests
 * pass in any order.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { jest } from '@jest/globals';
import ssh2 from 'ssh2';
import { startLandscape, type Landscape, type LandscapeSystem } from '../../tools/hana-sim/landscape.js';
import { exec, lastRecovery, lines, query, RECIPE, requireBuild, run } from './helpers.js';

jest.setTimeout(120_000);

let dir: string;
let l: Landscape;
let prd: LandscapeSystem;
let qas: LandscapeSystem;
let fullBackupId: number;
const tenantLog = (sys: LandscapeSystem, db: string) => join(sys.paths.traceDir, `DB_${db}`, 'backup.log');

async function ok(sys: LandscapeSystem, key: string, sql: string): Promise<string> {
  const r = await exec(sys, key, sql);
  if (r.code !== 0) throw new Error(`${sql}: rc ${r.code} ${r.stderr}`);
  return r.stdout;
}
async function marker(id: number): Promise<void> {
  await ok(prd, 'PRD_ERP', `INSERT INTO MARKERS VALUES (${id}, CURRENT_UTCTIMESTAMP)`);
}
async function ids(sys: LandscapeSystem, key: string, table = 'MARKERS'): Promise<number[]> {
  return (await query(sys, key, `SELECT ID FROM ${table} ORDER BY ID`)).map((r) => Number(r[0]));
}
async function active(sys: LandscapeSystem, db: string): Promise<string> {
  return (await query(sys, `${sys.sid}_RECOVERY`, `SELECT ACTIVE_STATUS FROM M_DATABASES WHERE DATABASE_NAME = '${db}'`))[0]![0]!;
}
async function stop(sys: LandscapeSystem, db: string): Promise<void> {
  if ((await active(sys, db)) === 'YES') await ok(sys, `${sys.sid}_RECOVERY`, `ALTER SYSTEM STOP DATABASE ${db}`);
}
const recoverSql = (db: string, until: string, extra = '') =>
  `RECOVER DATABASE FOR ${db} UNTIL TIMESTAMP '${until}' CLEAR LOG USING SOURCE 'ERP@PRD' USING CATALOG BACKINT${extra}`;

beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'hana-sim-'));
  l = await startLandscape({
    root: join(dir, 'sim'),
    clock: { driven: true, startAt: '2024-03-01T10:00:00Z' },
    landscape: {
      systems: [
        { sid: 'PRD', instance: '00', host: 'hanaprd', utcOffset: '+01:00', tenants: ['ERP', 'SRC2'] },
        { sid: 'QAS', instance: '10', host: 'hanaqas', utcOffset: '-05:00', tenants: ['VDB1', 'VDB2', 'VDB3', 'VDB4'] },
      ],
    },
  });
  [prd, qas] = l.systems as [LandscapeSystem, LandscapeSystem];
  await l.faults.tenantTransitions({ startMs: 0, stopMs: 0 }); // STARTING/STOPPING are faults.test.ts's subject
  // ERP: rows 1 @10:00 (in the full backup), 2 @10:05, 3 @10:10 (log backup @10:15), 4 @10:20 (log backup @10:30), 5 @10:35
  // (log area).
  await ok(prd, 'PRD_ERP', 'CREATE COLUMN TABLE MARKERS (ID INTEGER PRIMARY KEY, WRITTEN_AT TIMESTAMP)');
  await marker(1);
  await ok(prd, 'PRD_RECOVERY', "BACKUP DATA FOR ERP USING BACKINT ('FULL')");
  fullBackupId = Date.parse('2024-03-01T10:00:00Z');
  await l.clock.advance(300);
  await marker(2);
  await l.clock.advance(300);
  await marker(3);
  await l.clock.advance(600);
  await marker(4);
  await l.clock.advance(900);
  await marker(5);
});

afterAll(async () => {
  await l?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('catalog views answer HANA queries: SYS_DATABASES join, TOP 1, per-database views', async () => {
  const logs = await query(
    prd,
    'PRD_RECOVERY',
    `SELECT C.BACKUP_ID, F.DESTINATION_PATH, F.REDO_LOG_POSITION, F.LAST_REDO_LOG_POSITION, F.UTC_LAST_COMMIT_TIME,
      F.DESTINATION_TYPE_NAME
       FROM SYS_DATABASES.M_BACKUP_CATALOG C JOIN SYS_DATABASES.M_BACKUP_CATALOG_FILES F ON F.BACKUP_ID = C.BACKUP_ID AND
         F.DATABASE_NAME = C.DATABASE_NAME
      WHERE C.DATABASE_NAME = 'ERP' AND C.ENTRY_TYPE_NAME = 'log backup' AND C.STATE_NAME = 'successful' AND F.SOURCE_TYPE_NAME
        = 'volume' AND F.SOURCE_ID = 3
      ORDER BY C.UTC_END_TIME`,
  );
  // Each volume's log backup has its own backup id: xsengine (2) first, then the indexserver (3) 1 ms later. Later tests
  // move the clock; the first two are those of 10:15 and 10:30 in any order of tests.
  expect(logs.slice(0, 2).map((r) => Number(r[0]))).toEqual([
    Date.parse('2024-03-01T10:15:00Z') + 1,
    Date.parse('2024-03-01T10:30:00Z') + 1,
  ]);
  expect(logs[0]![1]).toMatch(
    new RegExp(`/usr/sap/PRD/SYS/global/hdb/backint/DB_ERP/log_backup_3_0_${logs[0]![2]}_${logs[0]![3]}$`),
  );
  expect(logs[1]![2]).toBe(logs[0]![3]); // an unbroken chain of redo log positions
  expect(logs[1]![4]).toBe('2024-03-01 10:20:00.000000000');
  expect(logs.every((r) => r[5] === 'backint')).toBe(true);
  const top = await query(
    prd,
    'PRD_RECOVERY',
    'SELECT TOP 1 BACKUP_ID, SYS_START_TIME FROM SYS_DATABASES.M_BACKUP_CATALOG WHERE ' +
      "DATABASE_NAME = 'ERP' AND ENTRY_TYPE_NAME = 'complete data backup' AND STATE_NAME = 'successful' ORDER BY " +
      'UTC_START_TIME DESC',
  );
  expect(top).toEqual([[String(fullBackupId), '2024-03-01 11:00:00.000000000']]); // SYS_* in the host's local time (+01:00)
  const catalogs = await query(
    prd,
    'PRD_RECOVERY',
    "SELECT BACKUP_ID FROM SYS_DATABASES.M_BACKUP_CATALOG_FILES WHERE DATABASE_NAME = 'ERP' AND SOURCE_TYPE_NAME = 'catalog'",
  );
  // After the data backup and after each log backup (those up to 10:35, the clock when the file's setup ends).
  expect(catalogs.filter((r) => Number(r[0]) <= Date.parse('2024-03-01T10:35:00Z')).length).toBe(3);
  expect(await query(prd, 'PRD_RECOVERY', 'SELECT DATABASE_NAME, ACTIVE_STATUS FROM M_DATABASES ORDER BY DATABASE_NAME')).toEqual([
    ['ERP', 'YES'],
    ['SRC2', 'YES'],
    ['SYSTEMDB', 'YES'],
  ]);
  expect(await query(prd, 'PRD_ERP', 'SELECT DATABASE_NAME FROM M_DATABASES')).toEqual([['ERP']]);
  expect(
    (await query(prd, 'PRD_ERP', "SELECT COUNT(*) FROM M_BACKUP_CATALOG WHERE ENTRY_TYPE_NAME = 'complete data backup'"))[0]![0],
  ).toBe('1');
});

/** A step several tests build on, run once by whichever test needs it first, so no test depends on the order. */
const once = <T>(step: () => Promise<T>): (() => Promise<T>) => {
  let result: Promise<T> | undefined;
  return () => (result ??= step());
};

/**
 * The recoveries that need ERP as beforeAll left it (clock at 10:35, every backup in place), run before any test moves
 * the clock or deletes a backup; each test asserts on what they saw.
 */
const pristine = once(async () => {
  const pitSql = recoverSql('VDB1', '2024-03-01 10:07:00', ' CHECK ACCESS USING BACKINT');
  await stop(qas, 'VDB1');
  const pit = await exec(qas, 'QAS_RECOVERY', pitSql);
  const pointInTime = { r: pit, sql: pitSql, ids: await ids(qas, 'QAS_VDB1'), rec: lastRecovery(tenantLog(qas, 'VDB1')) };
  const pitActive = await active(qas, 'VDB1');

  await stop(qas, 'VDB2');
  const beyond = await exec(qas, 'QAS_RECOVERY', recoverSql('VDB2', '2024-03-01 10:40:00'));
  const shortOfTarget = { r: beyond, ids: await ids(qas, 'QAS_VDB2'), rec: lastRecovery(tenantLog(qas, 'VDB2')) };
  return { pointInTime: { ...pointInTime, active: pitActive }, shortOfTarget, lag: await lagStory() };
});

/** Log backups reach the store 10 simulated minutes after HANA wrote them; moves the clock to 10:56:40. */
async function lagStory() {
  await l.faults.logShippingLag(600);
  try {
    await marker(6); // 10:35
    await l.clock.advance(600); // 10:45: log backup of rows 5 and 6, invisible to the agent until 10:55
    await stop(qas, 'VDB3');
    const short = await exec(qas, 'QAS_RECOVERY', recoverSql('VDB3', '2024-03-01 10:50:00'));
    const shortSeen = { r: short, ids: await ids(qas, 'QAS_VDB3'), rec: lastRecovery(tenantLog(qas, 'VDB3')) };
    await stop(qas, 'VDB3');
    const checked = await exec(qas, 'QAS_RECOVERY', recoverSql('VDB3', '2024-03-01 10:50:00', ' CHECK ACCESS USING BACKINT'));
    const checkedSeen = { r: checked, ids: await ids(qas, 'QAS_VDB3') };
    await l.clock.advance(700); // 10:56:40: the lagging log backup has reached the store
    await stop(qas, 'VDB3');
    const later = await exec(qas, 'QAS_RECOVERY', recoverSql('VDB3', '2024-03-01 10:50:00'));
    return {
      short: shortSeen,
      checked: checkedSeen,
      later: { r: later, ids: await ids(qas, 'QAS_VDB3'), rec: lastRecovery(tenantLog(qas, 'VDB3')) },
    };
  } finally {
    await l.faults.logShippingLag(0);
  }
}

// Its cost belongs to the setup, not to whichever test happens to run first.
beforeAll(() => pristine(), 300_000);

/** The xsengine volume's (2) log backup of 10:15 deleted from the store, after the recoveries that need it. */
const withoutLogBackup1015 = once(async () => {
  await pristine();
  return l.faults.deleteBackup('PRD', 'ERP', Date.parse('2024-03-01T10:15:00Z'));
});

test('point-in-time recovery holds exactly the rows committed at or before the target', async () => {
  const { r, sql, rec, active: status, ...seen } = (await pristine()).pointInTime;
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  expect(seen.ids).toEqual([1, 2]);
  expect(rec.ok?.groups?.reached).toBe('2024-03-01T05:05:00-05:00'); // row 2's commit, in QAS local time
  expect(parseInt(rec.op, 16)).toBe(Number(RECIPE.STARTED.exec(rec.lines[0]!.msg)!.groups!.id));
  expect(rec.lines[1]!.msg).toBe(`command: ${sql}`);
  expect(rec.lines.some((x) => /^using backup catalog \d+ from .*DB_ERP\/log_backup_0_0_0_0$/.test(x.msg))).toBe(true);
  expect(status).toBe('YES');
});

test('when the backed-up logs end before the target the recovery still succeeds, short of it', async () => {
  const { r, ids: rows, rec } = (await pristine()).shortOfTarget;
  expect(r.code).toBe(0);
  expect(rows).toEqual([1, 2, 3, 4]); // row 5 (10:35) is still only in PRD's log area
  expect(rec.ok?.groups?.reached).toBe('2024-03-01T05:20:00-05:00');
});

test(
  'log-shipping lag: logs not yet at the Backint tool give a short but successful recovery; ' +
    'CHECK ACCESS cannot tell (the catalog arrives as late); later both arrive',
  async () => {
    const { short, checked, later } = (await pristine()).lag;
    expect(short.r.code).toBe(0);
    expect(short.ids).toEqual([1, 2, 3, 4]);
    expect(short.rec.ok?.groups?.reached).toBe('2024-03-01T05:20:00-05:00'); // 30 min short
    // The catalog backup that lists the lagging log backups lags too: the strategy does not name them, so CHECK ACCESS
    // finds everything it checks and the recovery is as short.
    expect(checked.r.code).toBe(0);
    expect(checked.ids).toEqual([1, 2, 3, 4]);
    expect(later.r.code).toBe(0);
    expect(later.ids).toEqual([1, 2, 3, 4, 5, 6]);
    expect(later.rec.ok?.groups?.reached).toBe('2024-03-01T05:35:00-05:00');
  },
);

test('a Backint failure during recovery is [448] quoting the agent console; the tenant stays stopped', async () => {
  await l.faults.backintFailure('restore', 'media server unreachable');
  try {
    await stop(qas, 'VDB4');
    const r = await exec(qas, 'QAS_RECOVERY', recoverSql('VDB4', '2024-03-01 10:07:00'));
    expect(r.code).toBe(1);
    // The client's form (`<code>: <text>: [<inner>] …`), SQLSTATE on its own line after a 448.
    expect(r.stderr).toMatch(/^\* 448: recovery could not be completed: \[110507\] Backint exited with exit code 1 instead of 0\./);
    expect(r.stderr).toMatch(/ console output: media server unreachable\n SQLSTATE: HY000\n$/);
    expect(lastRecovery(tenantLog(qas, 'VDB4')).fail?.groups?.code).toBe('448');
    expect(await active(qas, 'VDB4')).toBe('NO');
    expect(readFileSync(join(qas.paths.traceDir, 'DB_VDB4', 'backint.log'), 'utf8')).toContain('exception  1: no.110507');
  } finally {
    await l.faults.backintFailure('restore', null);
  }
});

test("users without the privileges get HANA's insufficient-privilege error", async () => {
  const stopIt = await exec(qas, 'QAS_NOPRIV', 'ALTER SYSTEM STOP DATABASE VDB2');
  expect(stopIt.code).toBe(1);
  expect(stopIt.stderr).toMatch(/^\* 258: insufficient privilege: .* SQLSTATE: 42000\n$/);
  await l.faults.setPrivileges('QAS', 'HANAVDB', ['DATABASE START', 'DATABASE STOP', 'CATALOG READ']);
  const started = () => lines(tenantLog(qas, 'VDB4')).filter((x) => x.includes('RECOVER DATA started')).length;
  try {
    const before = started();
    const r = await exec(qas, 'QAS_RECOVERY', recoverSql('VDB4', '2024-03-01 10:07:00'));
    expect(r.stderr).toMatch(/^\* 258: insufficient privilege/);
    expect(started()).toBe(before); // never started
  } finally {
    await l.faults.setPrivileges('QAS', 'HANAVDB', [
      'DATABASE RECOVERY OPERATOR',
      'DATABASE START',
      'DATABASE STOP',
      'DATABASE BACKUP OPERATOR',
      'CATALOG READ',
    ]);
  }
});

test('CHECK ACCESS fails before touching data when a listed log backup is missing from the store', async () => {
  const deleted = await withoutLogBackup1015();
  expect(deleted[0]).toMatch(/^#DELETED /);
  await stop(qas, 'VDB1');
  const r = await exec(qas, 'QAS_RECOVERY', recoverSql('VDB1', '2024-03-01 10:30:00', ' CHECK ACCESS USING BACKINT'));
  expect(r.code).toBe(1);
  // The deleted backup is the xsengine volume's (2) log backup of 10:15; the indexserver's is still there.
  expect(r.stderr).toMatch(/^\* 449: .*\[110098\] backup not available in Backint: .*log_backup_2_0_/);
  await ok(qas, 'QAS_RECOVERY', 'ALTER SYSTEM START DATABASE VDB1');
  expect(await ids(qas, 'QAS_VDB1')).toEqual((await pristine()).pointInTime.ids); // what the earlier recovery left
  // Without CHECK ACCESS the xsengine volume's log ends at the missing log backup, so the whole tenant stops there:
  // success at the data backup's point although the indexserver's log backups are all there.
  await stop(qas, 'VDB1');
  expect((await exec(qas, 'QAS_RECOVERY', recoverSql('VDB1', '2024-03-01 10:30:00'))).code).toBe(0);
  expect(await ids(qas, 'QAS_VDB1')).toEqual([1]);
});

test('[449] ambiguous log backups after an in-place recovery of the source', async () => {
  await pristine(); // it moves the clock
  const src = (sql: string) => ok(prd, 'PRD_SRC2', sql);
  await src('CREATE TABLE T (ID INTEGER)');
  await src('INSERT INTO T VALUES (1)');
  await ok(prd, 'PRD_RECOVERY', "BACKUP DATA FOR SRC2 USING BACKINT ('FULL')");
  await src('INSERT INTO T VALUES (2)');
  const afterTwo = new Date(l.clock.now().getTime() + 1000).toISOString().replace('T', ' ').slice(0, 19);
  await l.clock.advance(900);
  await src('INSERT INTO T VALUES (3)');
  await l.clock.advance(900);
  await ok(prd, 'PRD_RECOVERY', 'ALTER SYSTEM STOP DATABASE SRC2');
  expect(
    (await exec(prd, 'PRD_RECOVERY', `RECOVER DATABASE FOR SRC2 UNTIL TIMESTAMP '${afterTwo}' CLEAR LOG USING CATALOG BACKINT`))
      .code,
  ).toBe(0);
  expect(await ids(prd, 'PRD_SRC2', 'T')).toEqual([1, 2]);
  await src('INSERT INTO T VALUES (4)');
  await l.clock.advance(900); // a log backup whose positions overlap the pre-recovery one
  await stop(qas, 'VDB2');
  const now = l.clock.now().toISOString().replace('T', ' ').slice(0, 19);
  const r = await exec(
    qas,
    'QAS_RECOVERY',
    `RECOVER DATABASE FOR VDB2 UNTIL TIMESTAMP '${now}' CLEAR LOG USING SOURCE 'SRC2@PRD' USING CATALOG BACKINT`,
  );
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(
    /^\* 449: recovery strategy could not be determined: \[111004\] Ambiguous sequence of log backups, overlapping log backups /,
  );
  const rec = lastRecovery(tenantLog(qas, 'VDB2'));
  expect(rec.fail?.groups?.code).toBe('449');
  expect(rec.lines[rec.lines.length - 1]!.sev).toBe('ERROR');
});

test("hdbsql -I continues after errors and exits with the last statement's result unless -E", async () => {
  const file = join(dir, 'script.sql');
  writeFileSync(file, "SELECT NOPE FROM DUMMY;\nSELECT 'second' FROM DUMMY;\n");
  const plain = await run(prd.paths.hdbsql, ['-U', 'PRD_RECOVERY', '-a', '-x', '-I', file]);
  expect(plain.code).toBe(0); // the pitfall: an error earlier in the file, rc 0
  expect(plain.stderr).toMatch(/^\* 260: invalid column name: NOPE SQLSTATE: 42000\n$/);
  expect(plain.stdout).toBe('"second"\n');
  const withE = await run(prd.paths.hdbsql, ['-U', 'PRD_RECOVERY', '-a', '-x', '-E', '3', '-I', file]);
  expect(withE.code).toBe(3);
  expect(withE.stdout).toBe(''); // stopped at the first error
  expect((await run(prd.paths.hdbsql, ['-U', 'PRD_RECOVERY', 'SELECT NOPE FROM DUMMY'])).code).toBe(1);
  expect((await run(prd.paths.hdbsql, ['-U', 'PRD_RECOVERY', '-E', '3', 'SELECT NOPE FROM DUMMY'])).code).toBe(3);
  const badKey = await run(prd.paths.hdbsql, ['-U', 'NOSUCHKEY', 'SELECT 1 FROM DUMMY']);
  expect([badKey.code, badKey.stderr]).toEqual([1, '* -10104: Invalid value for KEY (NOSUCHKEY) SQLSTATE: HY000\n']);
  const badLogon = await run(prd.paths.hdbsql, ['-n', prd.userStoreKeys[0]!.env, '-u', 'SYSTEM', '-p', 'wrong', '-I', file]);
  expect(badLogon.code).toBe(0); // community.sap_libs #51: a failed logon in a file run, rc 0
  expect(badLogon.stderr).toMatch(/^\* 10: authentication failed: .* SQLSTATE: 28000\n$/);
  const full = await run(prd.paths.hdbsql, ['-U', 'PRD_RECOVERY', "SELECT 'a' AS X, 1 AS N, NULL AS Z FROM DUMMY"]);
  expect(full.stdout).toMatch(
    /^X,N,Z\n"a",1,\?\n1 row selected \(overall time [\d.]+ m?sec; server time [\d.]+ (?:usec|msec|sec)\)\n$/,
  );
  expect((await run(prd.paths.hdbsql, ['-v'])).stdout).toMatch(
    /^HDBSQL version 2\.20\.20\.\d+, the SAP HANA Database interactive terminal\.\n$/,
  );
});

test('hdbuserstore keeps keys per OS user; -i reads the password from stdin', async () => {
  const recovery = prd.userStoreKeys.find((k) => k.key === 'PRD_RECOVERY')!;
  const password = (await run(prd.paths.hdbuserstore, ['LIST', 'PRD_RECOVERY'])).stdout;
  expect(password).toMatch(/KEY PRD_RECOVERY\n {2}ENV : 127\.0\.0\.1:\d+\n {2}USER: HANAVDB\n/);
  const store = JSON.parse(readFileSync(password.match(/DATA FILE\s+: (.*)/)![1]!, 'utf8')) as {
    keys: Record<string, { password: string }>;
  };
  const set = await run(
    prd.paths.hdbuserstore,
    ['-i', 'SET', 'mykey', `${recovery.env}@SYSTEMDB`, 'hanavdb'],
    `${store.keys.PRD_RECOVERY!.password}\n`,
  );
  expect(set.code).toBe(0);
  expect((await run(prd.paths.hdbuserstore, ['LIST', 'MYKEY'])).stdout).toContain(
    'KEY MYKEY\n  ENV : ' + recovery.env + '\n  USER: HANAVDB\n  DATABASE: SYSTEMDB\n',
  );
  expect(await query(prd, 'MYKEY', 'SELECT CURRENT_USER FROM DUMMY')).toEqual([['HANAVDB']]);
  expect((await run(prd.paths.hdbuserstore, ['DELETE', 'MYKEY'])).code).toBe(0);
  expect((await run(prd.paths.hdbuserstore, ['LIST', 'MYKEY'])).code).toBe(1);
});

test('a recovery keeps running when the client disconnects', async () => {
  await withoutLogBackup1015();
  await l.faults.slowRecovery(300);
  try {
    await stop(qas, 'VDB2');
    const before = lines(tenantLog(qas, 'VDB2')).length;
    const child = spawn(qas.paths.hdbsql, ['-U', 'QAS_RECOVERY', recoverSql('VDB2', '2024-03-01 10:12:00')], { stdio: 'ignore' });
    await waitFor(() =>
      lines(tenantLog(qas, 'VDB2'))
        .slice(before)
        .some((x) => x.includes('RECOVER DATA started')),
    );
    child.kill('SIGKILL');
    await waitFor(() =>
      lines(tenantLog(qas, 'VDB2'))
        .slice(before)
        .some((x) => x.includes('RECOVER DATA finished')),
    );
    expect(lastRecovery(tenantLog(qas, 'VDB2')).ok).toBeDefined();
    expect(await ids(qas, 'QAS_VDB2')).toEqual([1]); // the xsengine volume's log ends at the deleted 10:15 log backup
  } finally {
    await l.faults.slowRecovery(0);
  }
});

test('a server crash mid-recovery leaves the tenant stopped and backup.log without a finish line', async () => {
  await withoutLogBackup1015();
  await l.faults.crashDuringRecovery(2);
  await stop(qas, 'VDB4');
  const pid = l.serverPid;
  const r = await exec(qas, 'QAS_RECOVERY', recoverSql('VDB4', '2024-03-01 10:07:00'));
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^\* -10709: Connection failed/);
  await l.whenRunning();
  expect(l.serverPid).not.toBe(pid);
  await l.faults.tenantTransitions({ startMs: 0, stopMs: 0 }); // a restarted server starts with the default again
  const rec = lastRecovery(tenantLog(qas, 'VDB4'));
  expect(rec.ok).toBeUndefined();
  expect(rec.fail).toBeUndefined();
  expect(await active(qas, 'VDB4')).toBe('NO');
  const start = await exec(qas, 'QAS_RECOVERY', 'ALTER SYSTEM START DATABASE VDB4');
  expect(start.code).toBe(1);
  expect((await exec(qas, 'QAS_RECOVERY', recoverSql('VDB4', '2024-03-01 10:07:00'))).code).toBe(0);
  expect(await ids(qas, 'QAS_VDB4')).toEqual([1]);
});

test('backup.log lines parse with the recipe regexes and have the published field shapes', async () => {
  await pristine();
  const sample = readFileSync(
    new URL('../fixtures/backup-log/08-hanacleaner-issue49-logbackup-backint.log', import.meta.url),
    'utf8',
  ).split('\n')[0]!;
  const layout = (line: string) =>
    line
      .replace(/^\S+/, 'TS')
      .replace(/P\d{7}/, 'P')
      .replace(/ [0-9a-f]{11} /, ' OP ')
      .slice(0, 31);
  const files = [tenantLog(prd, 'ERP'), tenantLog(prd, 'SRC2'), ...['VDB1', 'VDB2', 'VDB3', 'VDB4'].map((t) => tenantLog(qas, t))];
  let recoveries = 0;
  for (const f of files) {
    for (const line of lines(f)) {
      const g = RECIPE.FULL.exec(line)?.groups;
      expect(g).toBeDefined();
      expect(g!.proc).toMatch(/^P\d{7}$/);
      expect(g!.op).toMatch(/^[0-9a-f]{11}$/);
      expect(g!.ts).toMatch(f.includes('/PRD/') ? /\+01:00$/ : /-05:00$/);
      if (g!.comp === 'LOGBCKUP' && g!.sev === 'INFO') expect(layout(line)).toBe(layout(sample));
      if (RECIPE.STARTED.test(g!.msg!)) {
        recoveries++;
        expect(Number(RECIPE.STARTED.exec(g!.msg!)!.groups!.id)).toBe(parseInt(g!.op!, 16));
      }
      for (const re of [RECIPE.PROGRESS, RECIPE.STATE])
        if (g!.msg!.startsWith(re === RECIPE.PROGRESS ? 'progress of' : 'state of')) expect(g!.msg).toMatch(re);
    }
  }
  expect(recoveries).toBeGreaterThanOrEqual(5); // at least the pristine recoveries
});

test('the programs are reachable over the embedded SSH server with PATH and HANA_VDB_USR_SAP set', async () => {
  const { ssh } = l;
  expect(ssh).toBeDefined();
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.on('ready', () => resolve()).on('error', reject);
    client.connect({ host: ssh!.host, port: ssh!.port, username: ssh!.user, privateKey: readFileSync(ssh!.privateKeyFile) });
  });
  try {
    const out = await new Promise<string>((resolve, reject) => {
      client.exec(
        'echo "$HANA_VDB_USR_SAP"; hdbsql -U PRD_RECOVERY -a -x -j "SELECT DATABASE_NAME FROM M_DATABASES ORDER BY 1"',
        (err, stream) => {
          if (err) return reject(err);
          let text = '';
          stream.on('data', (d: Buffer) => (text += d.toString())).on('close', () => resolve(text));
          stream.stderr.on('data', (d: Buffer) => (text += d.toString()));
        },
      );
    });
    expect(out).toBe(`${prd.paths.usrSap}\n"ERP"\n"SRC2"\n"SYSTEMDB"\n`);
  } finally {
    client.end();
  }
});

async function waitFor(cond: () => boolean, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 50));
  }
}
