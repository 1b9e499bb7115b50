/** dSource fields for backup sources travel with the snapshot to every VDB operation (plugin/operations/objects.ts). */
import { UserError } from '../../src/sdk/errors.js';
import { linkedParameters, snapshotTarget } from '../../plugin/operations/objects.js';

const dsource = {
  sourceTenant: 'ERP',
  sourceUserStoreKey: 'PRD_RECOVERY',
  backintParameterFile: '/usr/sap/PRD/SYS/global/hdb/opt/hdbconfig/param',
};
const snapshot = {
  sourceSid: 'PRD',
  sourceTenant: 'ERP',
  originTimestamp: '2026-12-05T10:00:00Z',
  takenAt: '2026-12-05T10:00:00Z',
};

describe('backup source fields', () => {
  test('CHECK ACCESS is on by default and can be turned off per dSource', () => {
    expect(linkedParameters(dsource).checkAccessUsingBackint).toBe(true);
    expect(linkedParameters({ ...dsource, checkAccessUsingBackint: false }).checkAccessUsingBackint).toBe(false);
    expect(() => linkedParameters({ ...dsource, checkAccessUsingBackint: 'no' })).toThrow(/checkAccessUsingBackint/);
  });

  test("a snapshot's backupSource and CHECK ACCESS choice reach the VDB; older snapshots default to S3, on", () => {
    const t = snapshotTarget({ ...snapshot, backupSource: 'COMMVAULT_BACKINT', checkAccessUsingBackint: false });
    expect(t.backupSource).toBe('COMMVAULT_BACKINT');
    expect(t.base.backupSource).toBe('COMMVAULT_BACKINT');
    expect(t.checkAccess).toBe(false);
    const old = snapshotTarget(snapshot);
    expect([old.backupSource, old.checkAccess]).toEqual(['S3_BACKINT', true]);
    expect(() => snapshotTarget({ ...snapshot, backupSource: 'TSM' })).toThrow(UserError);
  });
});
