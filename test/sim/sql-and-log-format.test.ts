/** Units of the simulator: HANA→SQLite translation, system statement parsing, backup.log line layout. */
import { parseAdmin } from '../../tools/hana-sim/admin-sql.js';
import { backupLogLine } from '../../tools/hana-sim/hana-log.js';
import { parseHdbsqlArgs, UsageError } from '../../tools/hana-sim/hdbsql-options.js';
import { translate } from '../../tools/hana-sim/sql-translate.js';
import { splitStatements } from '../../tools/hana-sim/sql-tokens.js';
import { parseUtcLiteral } from '../../tools/hana-sim/time-format.js';
import { RECIPE } from './helpers.js';

const ctx = { nowMs: Date.parse('2024-03-01T10:00:00Z'), utcOffset: '+01:00', user: 'APPUSER', userSchemas: new Set(['APPUSER']) };

test('translation: TOP n, clock functions as literals, user schema, COLUMN TABLE', () => {
  expect(translate('select top 1 backup_id from sys_databases.m_backup_catalog order by utc_start_time desc', ctx).sql).toBe(
    'SELECT BACKUP_ID FROM SYS_DATABASES.M_BACKUP_CATALOG ORDER BY UTC_START_TIME DESC LIMIT 1',
  );
  expect(translate('INSERT INTO APPUSER.T VALUES (CURRENT_UTCTIMESTAMP, CURRENT_TIMESTAMP, now())', ctx).sql).toBe(
    "INSERT INTO T VALUES('2024-03-01 10:00:00.000000000', '2024-03-01 11:00:00.000000000', '2024-03-01 11:00:00.000000000')",
  );
  expect(translate('CREATE COLUMN TABLE "Mixed" (A TIMESTAMP)', ctx).sql).toBe('CREATE TABLE "Mixed" (A TIMESTAMP)');
  expect(translate("SELECT 'it''s' FROM DUMMY WHERE T > TIMESTAMP '2024-01-01 00:00:00'", ctx).sql).toBe(
    "SELECT 'it''s' FROM DUMMY WHERE T > '2024-01-01 00:00:00'",
  );
  expect(translate('SELECT COUNT(*) FROM SYS.M_DATABASES', ctx).schemas).toEqual(new Set(['SYS']));
});

test('system statements: RECOVER clauses in any order, BACKUP levels, unsupported forms named', () => {
  const r = parseAdmin(
    "recover database for vdb1 until timestamp '2024.03.01 10:07:00' using source 'ERP@PRD' " +
      'clear log using catalog backint using backup_id 1709287200000 check access using backint',
    parseUtcLiteral,
  );
  expect(r).toEqual({
    kind: 'recover',
    mode: 'database',
    database: 'VDB1',
    untilLiteral: '2024.03.01 10:07:00',
    untilMs: Date.parse('2024-03-01T10:07:00Z'),
    clearLog: true,
    source: { database: 'ERP', sid: 'PRD' },
    catalogBackint: true,
    backupId: 1709287200000,
    checkAccess: true,
  });
  expect(parseAdmin("BACKUP DATA DIFFERENTIAL FOR ERP USING BACKINT ('D1') COMMENT 'x'", parseUtcLiteral)).toEqual({
    kind: 'backup',
    database: 'ERP',
    level: 'differential',
    prefix: 'D1',
    comment: 'x',
  });
  expect(parseAdmin('ALTER SYSTEM STOP DATABASE "VDB1"', parseUtcLiteral)).toEqual({ kind: 'stop', database: 'VDB1' });
  expect(parseAdmin('SELECT 1 FROM DUMMY', parseUtcLiteral)).toBeUndefined();
  expect(() =>
    parseAdmin("RECOVER DATABASE FOR T UNTIL TIMESTAMP '2024-01-01 00:00:00' USING DATA PATH ('/x')", parseUtcLiteral),
  ).toThrow(/feature not supported: USING DATA/);
  expect(() => parseAdmin("RECOVER DATABASE FOR T UNTIL TIMESTAMP 'yesterday'", parseUtcLiteral)).toThrow(
    /invalid DATE, TIME or TIMESTAMP value: yesterday/,
  );
});

test('RECOVER DATABASE ... UNTIL LOG POSITION <n> AT VOLUME <v> (docs/reference/hana-recovery.md §1.2 synthesis)', () => {
  expect(
    parseAdmin(
      'RECOVER DATABASE FOR VDB1 UNTIL LOG POSITION 1000384 AT VOLUME 3 CLEAR LOG USING SOURCE ' +
        "'ERP@PRD' USING CATALOG BACKINT CHECK ACCESS USING BACKINT",
      parseUtcLiteral,
    ),
  ).toEqual({
    kind: 'recover',
    mode: 'database',
    database: 'VDB1',
    untilPosition: { position: 1000384, volume: 3 },
    clearLog: true,
    source: { database: 'ERP', sid: 'PRD' },
    catalogBackint: true,
    checkAccess: true,
  });
  expect(() => parseAdmin('RECOVER DATABASE FOR VDB1 UNTIL LOG POSITION 1000384 CLEAR LOG', parseUtcLiteral)).toThrow(
    /incorrect syntax near "CLEAR"/,
  );
  expect(() =>
    parseAdmin("RECOVER DATABASE FOR VDB1 UNTIL LOG POSITION 5 AT VOLUME 3 UNTIL TIMESTAMP '2024-01-01 00:00:00'", parseUtcLiteral),
  ).toThrow(/one of UNTIL TIMESTAMP and UNTIL LOG POSITION/);
  expect(() => parseAdmin('RECOVER DATABASE FOR VDB1 CLEAR LOG', parseUtcLiteral)).toThrow(
    /without UNTIL TIMESTAMP or UNTIL LOG POSITION/,
  );
});

test('backup.log lines have the published layout and parse with the recipe', () => {
  const line = backupLogLine(
    Date.parse('2025-06-18T04:41:07.281Z'),
    '-04:00',
    7897,
    1750221667281,
    'INFO',
    'LOGBCKUP',
    'state of service: nameserver, hanab1:30001, volume: 1, BackupLogStarted',
  );
  expect(line).toBe(
    '2025-06-18T00:41:07-04:00  P0007897      19781573bd1 INFO    LOGBCKUP state of service: ' +
      'nameserver, hanab1:30001, volume: 1, BackupLogStarted',
  );
  const err = backupLogLine(
    Date.parse('2026-01-17T06:04:27Z'),
    '-03:00',
    1,
    1768621511068,
    'ERROR',
    'RECOVERY',
    'RECOVER DATA finished with error: [448] recovery could not be completed',
  );
  const g = RECIPE.FULL.exec(err)!.groups!;
  expect([g.ts, g.op, g.sev, g.comp]).toEqual(['2026-01-17T03:04:27-03:00', '19bca0e919c', 'ERROR', 'RECOVERY']);
});

test('hdbsql options and script splitting', () => {
  const o = parseHdbsqlArgs(['-U', 'K', '-a', '-x', '-j', '-E', '3', 'SELECT', '1', 'FROM', 'DUMMY']);
  expect([o.key, o.noHeader, o.noExtraOutput, o.errorExitCode, o.statement]).toEqual(['K', true, true, 3, 'SELECT 1 FROM DUMMY']);
  expect(() => parseHdbsqlArgs(['-Q'])).toThrow(UsageError);
  expect(splitStatements("SELECT ';' FROM DUMMY;\n-- c;\nSELECT 2 FROM DUMMY;")).toEqual([
    "SELECT ';' FROM DUMMY",
    '-- c;\nSELECT 2 FROM DUMMY',
  ]);
});

test('sim clock without a running simulator names the fix', async () => {
  const { run } = await import('../../tools/hana-sim/cli.js');
  const ctx = {
    json: true,
    debug: false,
    dataDir: '/nonexistent-hana-vdb',
    packageRoot: '.',
    stdout: () => undefined,
    stderr: () => undefined,
    interactive: false,
  };
  await expect(run(['clock', '--advance', '60'], ctx)).rejects.toMatchObject({
    name: 'UserError',
    action: expect.stringContaining('hana-vdb sim start'),
  });
  await expect(run(['clock', '--advance', 'soon'], ctx)).rejects.toThrow(/--advance: "soon" is not a non-negative number/);
});
