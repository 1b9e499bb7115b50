import {
  decodePath,
  ebidCreatedAt,
  encodePath,
  isLogBackup,
  isSerialRestore,
  isVisible,
  newEbid,
} from '../../src/backint/objects.js';

describe('object naming', () => {
  test('log backups versus catalog and data', () => {
    const base = '/usr/sap/NDB/SYS/global/hdb/backint/SYSTEMDB/';
    expect(isLogBackup(`${base}log_backup_1_0_1232183680_1232197952`)).toBe(true);
    expect(isLogBackup(`${base}log_backup_0_0_0_0`)).toBe(false);
    expect(isLogBackup(`${base}COMPLETE_DATA_BACKUP_databackup_0_1`)).toBe(false);
    expect(isLogBackup('/x/log_backup_dir/COMPLETE_databackup_0_1')).toBe(false);
    expect(isSerialRestore(`${base}log_backup_0_0_0_0`)).toBe(true);
  });

  test('visibility delay applies to log backups, and to the catalog only when asked', () => {
    const v = (p: string) => ({ user: 'U', path: p, ebid: 'e', createdAt: 1000 });
    const logsOnly = { delayMs: 1000, includesCatalog: false };
    expect(isVisible(v('/a/log_backup_1_0_1_2'), 1999, logsOnly)).toBe(false);
    expect(isVisible(v('/a/log_backup_1_0_1_2'), 2000, logsOnly)).toBe(true);
    expect(isVisible(v('/a/log_backup_0_0_0_0'), 1000, logsOnly)).toBe(true);
    expect(isVisible(v('/a/COMPLETE_databackup_0_1'), 1000, { delayMs: 1000, includesCatalog: true })).toBe(true);
    expect(isVisible(v('/a/log_backup_0_0_0_0'), 1999, { delayMs: 1000, includesCatalog: true })).toBe(false);
    expect(isVisible(v('/a/log_backup_0_0_0_0'), 2000, { delayMs: 1000, includesCatalog: true })).toBe(true);
  });

  test('EBIDs are unique and carry their creation time', () => {
    const a = newEbid(1707397841205);
    expect(a).not.toBe(newEbid(1707397841205));
    expect(ebidCreatedAt(a)).toBe(1707397841205);
    expect(ebidCreatedAt('Hb12"NAB')).toBeUndefined();
  });

  test('path encoding round-trips', () => {
    for (const p of ['/usr/sap/X/a b', '/a/../b', '/', '/x//y', '/ü/"q"/\\']) expect(decodePath(encodePath(p))).toBe(p);
    expect(encodePath('/a/../.')).toEqual(['a', '%2E%2E', '%2E']);
  });
});
