import { UserError } from '../../src/sdk/errors.js';
import { classifyHanaFailure, hanaUserError, innerCode, unknownTenantError, type HanaErrorContext } from '../../src/hana/errors.js';
import { parseHdbsqlErrors } from '../../src/hana/hdbsql/errors.js';

const ctx: HanaErrorContext = {
  doing: 'recovering tenant VDB1 of QAS to 2020-01-01T12:30:00Z',
  key: 'QAS_RECOVERY',
  sid: 'QAS',
  instanceNumber: '10',
  hostName: 'hanaqas',
  osUser: 'qasadm',
  tenant: 'VDB1',
  source: 'ERP@PRD',
  traceDirectory: '/usr/sap/QAS/HDB10/hanaqas/trace',
  backintParameterFile: '/usr/sap/QAS/SYS/global/hdb/opt/hdbconfig/hana-backint.yaml',
};

describe("HANA failures become UserErrors with HANA's text and a concrete action", () => {
  test.each([
    [
      448,
      'recovery could not be completed, volume <>, reached log position <>, [71000018] ptime::PtimeException',
      'recovery-incomplete',
      /DB_VDB1\/backup.log/,
    ],
    [
      449,
      'recovery strategy could not be determined, volume 1, reached log position 0, [111004] Ambiguous sequence of log backups',
      'ambiguous-log-backups',
      /overlapping log sequences.*SAP Note 1779221/,
    ],
    [
      258,
      "insufficient privilege: Detailed info for this error can be found with correlation ID 'AB'",
      'insufficient-privilege',
      /DATABASE RECOVERY OPERATOR, DATABASE START and DATABASE STOP/,
    ],
    [10, 'authentication failed', 'authentication-failed', /hdbuserstore SET QAS_RECOVERY <host>:31013/],
    [3, 'fatal error: database VDB9 does not exist', 'unknown-tenant', /M_DATABASES/],
    [
      448,
      'recovery could not be completed: Backint cannot read /usr/sap/PRD/SYS/global/hdb/backint/DB_ERP/log_backup_3_0_1_2',
      'backint',
      /hana-backint.yaml/,
    ],
    [-10104, 'Invalid value for KEY (QAS_RECOVERY)', 'userstore-key-invalid', /does not exist for OS user qasadm/],
    [7, 'feature not supported: something', 'other', /backup.log/],
  ])('%i %s', (code, text, kind, action) => {
    expect(classifyHanaFailure({ code, text })).toBe(kind);
    const e = hanaUserError({ code, text }, ctx);
    expect(e).toBeInstanceOf(UserError);
    expect(e.message).toBe(`HANA failed while ${ctx.doing}: [${code}] ${text}`);
    expect(e.action).toMatch(action);
  });

  test('an unknown tenant names the tenants that exist', () => {
    const e = unknownTenantError('VDB9', 'QAS', ['VDB1', 'VDB2'], ctx);
    expect(e.message).toBe('Tenant database VDB9 does not exist on system QAS. Tenants of QAS: VDB1, VDB2.');
  });
});

// hdbsql's stderr as published (AWS Backup developer guide, SAP HANA restore troubleshooting), verbatim.
const SR_DOWN =
  '* 448: recovery could not be completed: [301102] exception 301153: Sending root key to secondary failed: ' +
  'connection refused. This may be caused by a stopped system replication secondary. Please keep the secondary ' +
  'online to receive the restored root key. Alternatively you could unregister the secondary site in case of an ' +
  'urgent recovery.\n SQLSTATE: HY000\n';
const BACKUP_UNUSABLE =
  "* 449: recovery strategy could not be determined: [111014] The backup with backup id '1660627536506' cannot be " +
  'used for recovery SQLSTATE: HY000\n';
const BACKINT_EXIT = '* 447: backup could not be completed: [110507] Backint exited with exit code 1 instead of 0.\n';
const CONNECT =
  "* -10709: Connection failed (RTE:[89006] System call 'connect' failed, rc=111:Connection refused " +
  '([::1]:40404 → localhost:30013))\n';

describe("HANA's inner code decides the action where the outer code is shared", () => {
  test.each([
    [SR_DOWN, 301102, 'sr-secondary-down', /system replication primary.*hdbnsutil -sr_unregister/],
    [BACKUP_UNUSABLE, 111014, 'backup-unusable', /no usable data backup of ERP@PRD.*take a new snapshot/],
    [BACKINT_EXIT, 110507, 'backint', /Backint agent failed/],
    [CONNECT, null, 'connection-failed', /SQL port 31013 of SYSTEMDB/],
  ])('%s', (stderr, inner, kind, action) => {
    const [e] = parseHdbsqlErrors(stderr);
    expect(e).toBeDefined();
    expect(innerCode(e!.text)).toBe(inner);
    expect(classifyHanaFailure(e!)).toBe(kind);
    expect(hanaUserError(e!, ctx).action).toMatch(action);
  });

  test('a 449 [111014] is not told to look for overlapping log backups, and a 449 [111004] is', () => {
    const [unusable] = parseHdbsqlErrors(BACKUP_UNUSABLE);
    expect(hanaUserError(unusable!, ctx).action).not.toMatch(/overlapping|1779221/);
    const ambiguous = {
      code: 449,
      text:
        'recovery strategy could not be determined, volume 1, reached log position 0, [111004] Ambiguous sequence of ' +
        'log backups, overlapping log backups: Log backup log_backup_1_0_381184_384512 found starting with redo log ' +
        'position 381184, but expected it to start with redo log position 381248',
    };
    expect(hanaUserError(ambiguous, ctx).action).toMatch(/overlapping/);
  });

  test('a 448 for a missing backup root key says to export and import the keys (the simulator text: none published)', () => {
    const [e] = parseHdbsqlErrors(
      '* 448: recovery could not be completed: [301103] missing backup root key: the backups of ERP@PRD are encrypted ' +
        'with BACKUP root key ABC\n SQLSTATE: HY000\n',
    );
    expect(classifyHanaFailure(e!)).toBe('backup-root-key-missing');
    expect(hanaUserError(e!, ctx).action).toMatch(/BACKUP ENCRYPTION ROOT KEYS FOR <tenant>.*hdbnsutil -recoverRootKeys/);
    expect(classifyHanaFailure({ code: 448, text: 'recovery could not be completed: [301103] disk full' })).toBe(
      'recovery-incomplete',
    );
  });

  test('a 448 whose secondary is down is not reported as a broken backup chain', () => {
    const [e] = parseHdbsqlErrors(SR_DOWN);
    expect(e!.sqlState).toBe('HY000');
    expect(hanaUserError(e!, ctx).action).not.toMatch(/missing or unreadable backups/);
  });

  test('a refusal because another recovery runs does not call the tenant broken', () => {
    const [e] = parseHdbsqlErrors(
      '* 448: recovery could not be completed: database VDB1 is already being recovered SQLSTATE: HY000\n',
    );
    expect(classifyHanaFailure(e!)).toBe('being-recovered');
    const err = hanaUserError(e!, { ...ctx, doing: 'stopping tenant VDB1' });
    expect(err.message).toMatch(/^HANA refused while stopping tenant VDB1: \[448\]/);
    expect(err.action).toMatch(/already recovering tenant VDB1 in another operation .*being recovered, not broken/);
    expect(err.action).not.toMatch(/not usable/);
  });
});

describe('a source catalog key names the source SYSTEMDB, not the target', () => {
  // readCoverage builds this context for the key that reads the source's catalog on the target host.
  const catalog: HanaErrorContext = { ...ctx, key: 'PRD_CATALOG', sid: 'PRD', instanceNumber: undefined, sourceCatalog: true };

  test.each([
    [-10104, 'Invalid value for KEY (PRD_CATALOG)'],
    [10, 'authentication failed'],
    [-10709, 'Connection failed (RTE:[89006] System call connect failed'],
  ])('%i', (code, text) => {
    const action = hanaUserError({ code, text }, catalog).action;
    expect(action).toContain('3<instance of PRD>13');
    expect(action).toContain('SYSTEMDB of the source system PRD');
    expect(action).not.toContain('31013');
  });
});
