import { tenantAfter } from '../../../src/hana/recovery/tenant-recovery.js';

describe('a failed recovery says what it left of the tenant', () => {
  test.each([
    [
      'stop',
      'YES',
      null,
      'HANA failed while stopping tenant VDB1: [258] insufficient privilege',
      /was not touched: it is still running/,
    ],
    ['stop', 'NO', null, 'x', /is stopped \(ACTIVE_STATUS NO\); its data was not touched: nothing was recovered/],
    ['recover', 'NO', 449, 'x', /HANA restored nothing .*: tenant VDB1 is stopped \(ACTIVE_STATUS NO\) with its data as before/],
    ['recover', 'NO', 448, 'x', /stopped \(ACTIVE_STATUS NO\); it is not usable until a recovery succeeds/],
    ['recover', null, 448, 'x', /its ACTIVE_STATUS could not be read/],
    ['stop', 'NO', 448, 'HANA refused while stopping tenant VDB1: [448] database VDB1 is being recovered', /by that other/],
  ] as const)('%s, ACTIVE_STATUS %s, code %s', (phase, status, code, message, expected) => {
    expect(tenantAfter('VDB1', phase, status, code, message)).toMatch(expected);
  });

  test('a refusal because of another operation never says the tenant is unusable', () => {
    const text = tenantAfter(
      'VDB1',
      'recover',
      'NO',
      448,
      'recovery could not be completed: database VDB1 is already being recovered',
    );
    expect(text).toBe('Tenant VDB1 is being recovered by that other operation; this run changed nothing.');
  });

  test('where the message already says it, nothing is added', () => {
    expect(tenantAfter('VDB1', 'still-recovering', 'NO', null, 'x')).toBe('');
    expect(tenantAfter('VDB1', 'start', 'NO', null, 'x')).toBe('');
  });
});
