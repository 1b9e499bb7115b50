/** The preflight checks over parsed query results (pure): each failure names what was found and the exact fix. */
import { parseHdbsqlOutput } from '../../../src/hana/hdbsql/output.js';
import { parseIniRows, iniValue } from '../../../src/hana/preflight/ini.js';
import { compareHanaVersions, parseHanaVersion } from '../../../src/hana/preflight/version.js';
import { checkBackintFiles, checkCatalogBackint, checkReplication, checkVersion } from '../../../src/hana/preflight/checks.js';
import {
  parseBackupEncryption,
  parseRootKeys,
  parseSecondaries,
  type PreflightFacts,
  type SystemFacts,
} from '../../../src/hana/preflight/facts.js';
import { judgePreflight, preflightError } from '../../../src/hana/preflight/run.js';
import { parseAbsolutePath, parseUserStoreKey } from '../../../src/hana/identifiers.js';

/** What `SELECT ... FROM SYS.M_INIFILE_CONTENTS WHERE FILE_NAME = 'global.ini' AND SECTION = 'backup'` prints (hdbsql -a -x). */
const INI_QAS = [
  '"global.ini","DEFAULT",?,?,"backup","catalog_backup_using_backint","false"',
  '"global.ini","SYSTEM",?,?,"backup","catalog_backup_using_backint","true"',
  '"global.ini","SYSTEM",?,?,"backup","data_backup_parameter_file","/hana/shared/QAS/global/hdb/opt/hdbconfig/param.cfg"',
  '"global.ini","SYSTEM",?,?,"backup","log_backup_parameter_file","/hana/shared/QAS/global/hdb/opt/hdbconfig/param.cfg"',
  '"global.ini","DATABASE","VDB1",?,"backup","log_backup_parameter_file","/elsewhere/tenant.cfg"',
].join('\n');
const PARAM = '/hana/shared/QAS/global/hdb/opt/hdbconfig/param.cfg';

describe('HANA versions compare number by number', () => {
  test('2.00.076 is newer than 2.00.059 and 2.00.07 is not misread as 2.00.070', () => {
    const v = (t: string) => parseHanaVersion(t)!;
    expect(compareHanaVersions(v('2.00.076.00.1705400033'), v('2.00.059.04.1680789296'))).toBeGreaterThan(0);
    expect(compareHanaVersions(v('2.00.059.04.1'), v('2.00.059.10.1'))).toBeLessThan(0);
    expect(compareHanaVersions(v('2.00.7.00.1'), v('2.00.070.00.1'))).toBeLessThan(0);
    expect(compareHanaVersions(v('2.00.070.00.1679989823'), v('2.00.070.00.1'))).toBe(0);
    expect(parseHanaVersion('HDB 2.0')).toBeNull();
  });

  test('a target older than the source fails with both versions and the upgrade to do', () => {
    const c = checkVersion({
      sourceSid: 'PRD',
      targetSid: 'QAS',
      source: '2.00.076.00.1705400033',
      target: '2.00.059.04.1680789296',
    });
    expect(c.verdict).toBe('fail');
    expect(c.found).toContain('2.00.059.04.1680789296 (2.0 SPS05 revision 59), older than source PRD 2.00.076.00.1705400033');
    expect(c.fix).toBe(
      'Upgrade QAS to 2.00.076.00.1705400033 or later (hdblcm), or provision onto a system at 2.00.076.00.1705400033 or later.',
    );
    expect(checkVersion({ sourceSid: 'PRD', targetSid: 'QAS', source: '2.00.059.04.1', target: '2.00.076.00.1' }).verdict).toBe(
      'pass',
    );
  });
});

describe('global.ini [backup]', () => {
  const entries = parseIniRows(parseHdbsqlOutput(INI_QAS));

  test('the most specific layer wins; DATABASE only for its tenant', () => {
    expect(iniValue(entries, 'backup', 'catalog_backup_using_backint')).toBe('true');
    expect(iniValue(entries, 'backup', 'log_backup_parameter_file')).toBe(PARAM);
    expect(iniValue(entries, 'backup', 'log_backup_parameter_file', { tenant: 'VDB1' })).toBe('/elsewhere/tenant.cfg');
    expect(iniValue(entries, 'backup', 'catalog_backup_parameter_file')).toBeNull();
  });

  test('catalog_backup_using_backint false or unset fails with the ALTER SYSTEM statement to run on the source', () => {
    for (const value of ['false', null]) {
      const c = checkCatalogBackint({ sourceSid: 'PRD', value });
      expect(c.verdict).toBe('fail');
      expect(c.found).toContain(value === null ? "not set (HANA's default is false)" : "'false'");
      expect(c.fix).toContain(
        "On PRD's SYSTEMDB run ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', " +
          "'catalog_backup_using_backint') = 'true' WITH RECONFIGURE",
      );
    }
    expect(checkCatalogBackint({ sourceSid: 'PRD', value: 'true' }).verdict).toBe('pass');
  });

  test('parameter files: the VDB names the same file → pass; another file → fail naming both and both fixes', () => {
    const same = checkBackintFiles({ targetSid: 'QAS', vdbFile: PARAM, data: PARAM, log: PARAM, catalog: null });
    expect(same).toEqual({ check: expect.objectContaining({ verdict: 'pass' }), parameterFile: PARAM });
    const other = checkBackintFiles({ targetSid: 'QAS', vdbFile: '/tmp/vdb.cfg', data: PARAM, log: PARAM, catalog: null });
    expect(other.check.verdict).toBe('fail');
    expect(other.check.found).toBe(
      `global.ini [backup] of QAS has data_backup_parameter_file = ${PARAM}, log_backup_parameter_file = ${PARAM}, ` +
        'the VDB names /tmp/vdb.cfg',
    );
    expect(other.check.fix).toContain("SET ('backup', 'data_backup_parameter_file') = '/tmp/vdb.cfg'");
    expect(other.check.fix).toContain(`or set the VDB's backintParameterFile to ${PARAM}`);
  });

  test('parameter files: derived from global.ini when the VDB names none; unset or differing files fail', () => {
    expect(checkBackintFiles({ targetSid: 'QAS', vdbFile: null, data: PARAM, log: PARAM, catalog: PARAM })).toEqual({
      check: expect.objectContaining({
        verdict: 'pass',
        found: `QAS reads backups with ${PARAM} (taken from global.ini: the VDB names none)`,
      }),
      parameterFile: PARAM,
    });
    const none = checkBackintFiles({ targetSid: 'QAS', vdbFile: '/p.cfg', data: null, log: null, catalog: null });
    expect(none.check.found).toBe('global.ini [backup] of QAS names no Backint parameter file');
    expect(none.check.fix).toContain("SET ('backup', 'log_backup_parameter_file') = '/p.cfg'");
    const differ = checkBackintFiles({ targetSid: 'QAS', vdbFile: null, data: '/a.cfg', log: '/b.cfg', catalog: null });
    expect(differ.check.verdict).toBe('fail');
    expect(differ.check.fix).toContain("name the file in the VDB's backintParameterFile");
  });
});

describe('system replication', () => {
  test('a primary whose secondary is down fails with sr_state / sr_unregister; no SR passes', () => {
    const rows = parseHdbsqlOutput('"SITE_B","ACTIVE"\n"SITE_B","ERROR"\n');
    const c = checkReplication({ targetSid: 'QAS', secondaries: parseSecondaries(rows) });
    expect(c.verdict).toBe('fail');
    expect(c.found).toContain('secondary SITE_B is ERROR');
    expect(c.fix).toContain('hdbnsutil -sr_unregister --name=SITE_B');
    expect(checkReplication({ targetSid: 'QAS', secondaries: [] }).verdict).toBe('pass');
    const active = parseSecondaries(parseHdbsqlOutput('"B","ACTIVE"'));
    expect(checkReplication({ targetSid: 'QAS', secondaries: active }).verdict).toBe('pass');
    const syncing = parseSecondaries(parseHdbsqlOutput('"B","SYNCING"'));
    expect(checkReplication({ targetSid: 'QAS', secondaries: syncing }).verdict).toBe('fail');
  });
});

describe('the preflight as a whole', () => {
  const ok = <T>(value: T) => ({ ok: true as const, value });
  const system = (version: string, ini: string, o: { sr?: string; encryption?: string; keys?: string } = {}): SystemFacts => ({
    version: ok(version),
    ini: ok(parseIniRows(parseHdbsqlOutput(ini))),
    backupEncryption: ok(parseBackupEncryption(parseHdbsqlOutput(o.encryption ?? '"BACKUP","FALSE"'))),
    backupRootKeys: ok(parseRootKeys(parseHdbsqlOutput(o.keys ?? ''))),
    secondaries: ok(parseSecondaries(parseHdbsqlOutput(o.sr ?? ''))),
  });
  const req = {
    target: {
      sid: 'QAS',
      hostName: 'hanaqas',
      instanceNumber: '10',
      osUser: 'qasadm',
      hdbsql: { hdbsqlPath: parseAbsolutePath('/usr/sap/QAS/HDB10/exe/hdbsql'), key: parseUserStoreKey('QAS_RECOVERY') },
    },
    source: {
      sid: 'PRD',
      tenant: 'ERP',
      catalog: { hdbsqlPath: parseAbsolutePath('/usr/sap/QAS/HDB10/exe/hdbsql'), key: parseUserStoreKey('PRD_CATALOG') },
    },
    targetTenant: 'VDB1',
    backintParameterFile: PARAM,
  };
  const facts = (over: Partial<PreflightFacts> = {}): PreflightFacts => ({
    sessionUser: 'qasadm',
    target: system('2.00.076.00.1', INI_QAS),
    source: system('2.00.070.00.1', '"global.ini","SYSTEM",?,?,"backup","catalog_backup_using_backint","true"'),
    ...over,
  });

  test('every check passes on a sound landscape: no error', () => {
    const report = judgePreflight(req, facts());
    expect(report.checks.map((c) => [c.id, c.verdict])).toEqual([
      ['userstore', 'pass'],
      ['version', 'pass'],
      ['catalog-backint', 'pass'],
      ['backint-parameter-files', 'pass'],
      ['encryption-root-keys', 'pass'],
      ['system-replication', 'pass'],
    ]);
    expect(preflightError(report, 'provisioning VDB1@QAS')).toBeNull();
  });

  test("the parameter file's state read in the preflight's command is kept only for the file the recovery will use", () => {
    const read = { parameterFile: { path: PARAM, state: 'unreadable' } };
    expect(judgePreflight(req, facts(read)).backintParameterFileState).toBe('unreadable');
    // The VDB names no file: the preflight read none, and the one global.ini names is checked on its own.
    const fromIni = judgePreflight({ ...req, backintParameterFile: null }, facts());
    expect(fromIni.backintParameterFile).toBe(PARAM);
    expect(fromIni.backintParameterFileState).toBeUndefined();
    const other = { parameterFile: { path: '/elsewhere/other.cfg', state: 'ok' } };
    expect(judgePreflight({ ...req, backintParameterFile: null }, facts(other)).backintParameterFileState).toBeUndefined();
  });

  test('keys not visible to another OS user: one error naming the user, the key and the hdbuserstore SET to run', () => {
    const missing = { ok: false as const, reason: '[-10104] Invalid value for KEY (QAS_RECOVERY)', keyMissing: true };
    const f = facts({
      sessionUser: 'deploy',
      target: { ...system('x', ''), version: missing, ini: missing, secondaries: missing },
    });
    const err = preflightError(judgePreflight(req, f), 'provisioning VDB1@QAS')!;
    expect(err.message).toContain(
      'the commands run as OS user deploy on hanaqas, who does not see hdbuserstore key QAS_RECOVERY (SYSTEMDB of QAS); ' +
        "keys belong to one OS user, and this system's is qasadm",
    );
    expect(err.message).toContain('The target tenant was not touched.');
    expect(err.action).toBe(
      'Connect the environment as qasadm (hana-vdb env add ... --user qasadm), whose keys these are, or create them for ' +
        'deploy: as deploy on hanaqas run hdbuserstore SET QAS_RECOVERY hanaqas:31013 <database user> <password>.',
    );
  });

  test('encrypted source backups: pass only when the target holds the source tenant key for the target tenant', () => {
    const source = system('2.00.070.00.1', '"global.ini","SYSTEM",?,?,"backup","catalog_backup_using_backint","true"', {
      encryption: '"PERSISTENCE","TRUE"\n"LOG","TRUE"\n"BACKUP","TRUE"',
      keys: '"OLDHASH","FALSE","ERP"\n"ABC123","TRUE","ERP"\n"SYSHASH","TRUE",?',
    });
    const judge = (keys: string) =>
      judgePreflight(req, facts({ source, target: system('2.00.076.00.1', INI_QAS, { keys }) })).checks.find(
        (c) => c.id === 'encryption-root-keys',
      )!;
    const missing = judge('"QASOWN","TRUE",?\n"ABC123","FALSE","VDB2"');
    expect(missing.verdict).toBe('fail');
    expect(missing.found).toContain('QAS does not hold their backup root key (ROOT_KEY_HASH ABC123) for VDB1');
    expect(missing.fix).toContain('BACKUP ENCRYPTION ROOT KEYS FOR ERP USING FILE');
    expect(missing.fix).toContain('hdbnsutil -recoverRootKeys <file> --database_name=VDB1 --type=ALL');
    expect(judge('"QASOWN","TRUE",?\n"ABC123","FALSE","VDB1"').verdict).toBe('pass');
  });

  test('an SR primary whose secondary is not ACTIVE (M_SYSTEM_REPLICATION) blocks', () => {
    const report = judgePreflight(req, facts({ target: system('2.00.076.00.1', INI_QAS, { sr: '"SITEB","ERROR"' }) }));
    expect(preflightError(report, 'x')!.message).toContain('QAS is a system replication primary and its secondary SITEB is ERROR');
  });

  test('a view that cannot be read is unknown (shown, not blocking); an older target blocks', () => {
    const sr = { ok: false as const, reason: '[259] invalid table name', keyMissing: false };
    const report = judgePreflight(req, facts({ target: { ...system('2.00.059.00.1', INI_QAS), secondaries: sr } }));
    expect(report.checks.find((c) => c.id === 'system-replication')!.verdict).toBe('unknown');
    expect(preflightError(report, 'x')!.message).toMatch(
      /^Preflight check failed before x: target version >= source version: target QAS/,
    );
    const noSource = judgePreflight({ ...req, source: { ...req.source, catalog: null } }, facts({ source: null }));
    expect(noSource.checks.find((c) => c.id === 'version')).toMatchObject({ verdict: 'unknown' });
    expect(preflightError(noSource, 'x')).toBeNull();
  });
});
