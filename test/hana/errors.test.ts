import { UserError } from '../../src/sdk/errors.js';
import { classifyHanaFailure, hanaUserError, unknownTenantError, type HanaErrorContext } from '../../src/hana/errors.js';

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
      'recovery-strategy',
      /new snapshot/,
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
