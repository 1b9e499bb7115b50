import { UserError } from '../../src/sdk/errors.js';
import {
  joinPath,
  parseAbsolutePath,
  parseHostName,
  parseInstanceNumber,
  parseOperationId,
  parseSid,
  parseTenantName,
  parseUserStoreKey,
} from '../../src/hana/identifiers.js';

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('identifiers', () => {
  test('accept valid values unchanged', () => {
    expect(parseSid('PRD')).toBe('PRD');
    expect(parseInstanceNumber('00')).toBe('00');
    expect(parseTenantName('ERP_2')).toBe('ERP_2');
    expect(parseUserStoreKey('QASKEY_1')).toBe('QASKEY_1');
    expect(parseHostName('hana-qas.example.com')).toBe('hana-qas.example.com');
    expect(parseOperationId('177cec93d51')).toBe('177cec93d51');
  });

  test.each([["VDB1'; DROP TABLE X --"], ['VDB1 UNTIL'], ['vdb1'], ['1VDB'], [''], ['SYSTEMDB'], ['A'.repeat(64)]])(
    'tenant %j is refused with a UserError naming the field',
    (bad) => {
      const e = userError(() => parseTenantName(bad, 'targetTenant'));
      expect(e.message).toContain('targetTenant');
      expect(e.action).not.toBe('');
    },
  );

  test.each([['PR'], ['prd'], ['PRD;'], ['1PR'], [42]])('sid %j is refused', (bad) => {
    expect(userError(() => parseSid(bad, 'sourceSid')).message).toContain('sourceSid');
  });

  test.each([['-p secret'], ['KEY;id'], ['KEY $(id)'], ['KEY`id`'], ['KEY.WITH.DOT'], ['']])(
    'userstore key %j is refused',
    (bad) => {
      expect(userError(() => parseUserStoreKey(bad, 'targetUserStoreKey')).message).toContain('targetUserStoreKey');
    },
  );

  test.each([
    ['relative/path'],
    ['/usr/sap/../../etc/passwd'],
    ['/tmp/./x'],
    ['/tmp/$(reboot)'],
    ['/tmp/a;b'],
    ['/tmp/a b'],
    ["/tmp/it's"],
    ['/tmp/a\nb'],
    ['/tmp/`id`'],
  ])('path %j is refused', (bad) => {
    expect(userError(() => parseAbsolutePath(bad, 'mountBase')).message).toContain('mountBase');
  });

  test('paths are normalised', () => {
    expect(parseAbsolutePath('//mnt//provision/')).toBe('/mnt/provision');
    expect(joinPath(parseAbsolutePath('/mnt'), 'vdb', '.hana-vdb')).toBe('/mnt/vdb/.hana-vdb');
    expect(() => joinPath(parseAbsolutePath('/mnt'), '..', 'etc')).toThrow(UserError);
  });

  test('instance numbers, host names and operation ids are checked', () => {
    expect(() => parseInstanceNumber('0')).toThrow(UserError);
    expect(() => parseInstanceNumber('100')).toThrow(UserError);
    expect(() => parseHostName('host;rm')).toThrow(UserError);
    expect(() => parseOperationId('XYZ')).toThrow(UserError);
  });
});
