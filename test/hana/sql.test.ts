import { UserError } from '../../src/sdk/errors.js';
import { parseSid, parseTenantName } from '../../src/hana/identifiers.js';
import {
  databaseStatus,
  normalizeStatement,
  parseBackupSource,
  recoverTenantUntil,
  startDatabase,
  stopDatabase,
} from '../../src/hana/sql.js';
import { hanaTimestampLiteral } from '../../src/hana/time.js';

const spec = {
  target: parseTenantName('VDB1'),
  until: hanaTimestampLiteral('2020-01-01T12:30:00Z'),
  sourceTenant: parseTenantName('ERP'),
  sourceSid: parseSid('PRD'),
};

describe('sql', () => {
  test('RECOVER for a point-in-time copy from Backint', () => {
    expect(recoverTenantUntil({ ...spec, backupSource: 'S3_BACKINT' })).toBe(
      "RECOVER DATABASE FOR VDB1 UNTIL TIMESTAMP '2020-01-01 12:30:00' CLEAR LOG USING SOURCE 'ERP@PRD' USING CATALOG " +
        'BACKINT CHECK ACCESS USING BACKINT',
    );
  });

  test('Commvault and S3 Backint need the same statement (the difference lives in the Backint parameter file)', () => {
    expect(recoverTenantUntil({ ...spec, backupSource: 'COMMVAULT_BACKINT' })).toBe(
      recoverTenantUntil({ ...spec, backupSource: 'S3_BACKINT' }),
    );
  });

  test('CHECK ACCESS USING BACKINT is a per-dSource choice, on unless turned off', () => {
    expect(recoverTenantUntil({ ...spec, backupSource: 'COMMVAULT_BACKINT', checkAccess: false })).toBe(
      "RECOVER DATABASE FOR VDB1 UNTIL TIMESTAMP '2020-01-01 12:30:00' CLEAR LOG USING SOURCE 'ERP@PRD' USING CATALOG BACKINT",
    );
    expect(recoverTenantUntil({ ...spec, checkAccess: true })).toBe(recoverTenantUntil(spec));
  });

  test('tenant statements', () => {
    expect(stopDatabase(spec.target)).toBe('ALTER SYSTEM STOP DATABASE VDB1');
    expect(startDatabase(spec.target)).toBe('ALTER SYSTEM START DATABASE VDB1');
    expect(databaseStatus(spec.target)).toBe(
      "SELECT DATABASE_NAME, ACTIVE_STATUS FROM SYS.M_DATABASES WHERE DATABASE_NAME = 'VDB1'",
    );
  });

  test('backupSource defaults to S3_BACKINT and rejects unknown values', () => {
    expect(parseBackupSource(undefined)).toBe('S3_BACKINT');
    expect(parseBackupSource('COMMVAULT_BACKINT')).toBe('COMMVAULT_BACKINT');
    expect(() => parseBackupSource('TSM')).toThrow(UserError);
  });

  test('statements compare ignoring case and spacing (backup.log echoes them as typed)', () => {
    expect(normalizeStatement("recover  database for VDB1\tUNTIL timestamp '2020-01-01 12:30:00'")).toBe(
      normalizeStatement("RECOVER DATABASE FOR VDB1 UNTIL TIMESTAMP '2020-01-01 12:30:00'"),
    );
  });
});
