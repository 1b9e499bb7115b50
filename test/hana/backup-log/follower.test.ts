import { appendFileSync, mkdtempSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withEngineLibs } from '../../../src/sdk/libs.js';
import { BackupLogFollower, parseLogReads } from '../../../src/hana/backup-log/follower.js';
import { parseAbsolutePath, type AbsolutePath } from '../../../src/hana/identifiers.js';
import { localLibs, testConnection } from '../../support/local-libs.js';

const line = (t: string, op: string, msg: string) => `${t}  P0004711      ${op} INFO    RECOVERY ${msg}\n`;
const STMT =
  "RECOVER DATABASE FOR VDB1 UNTIL TIMESTAMP '2024-03-05 08:30:00' CLEAR LOG USING SOURCE 'ERP@PRD' USING CATALOG " +
  'BACKINT CHECK ACCESS USING BACKINT';

describe('BackupLogFollower over runBash', () => {
  let dir: string;
  let sys: AbsolutePath;
  let ten: AbsolutePath;
  const conn = testConnection();
  const libs = localLibs();
  const run = <T>(fn: () => Promise<T>) => withEngineLibs(libs, fn);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-follow-'));
    sys = parseAbsolutePath(join(dir, 'backup.log'));
    ten = parseAbsolutePath(join(dir, 'DB_VDB1-backup.log'));
    writeFileSync(
      sys,
      line('2024-03-05T10:00:00+01:00', '18e0dd00000', 'RECOVER DATA started') +
        line('2024-03-05T10:00:01+01:00', '18e0dd00000', `command: ${STMT}`),
    );
    writeFileSync(ten, '');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('starts at the end: an identical older recovery is not taken for ours', async () => {
    const f = await run(() => BackupLogFollower.atEnd(conn, [sys, ten]));
    await run(() => f.poll(conn));
    expect(f.findRecovery({ statement: STMT })).toBeNull();
  });

  test('finds our recovery by its command echo, then by id, in either file; partial lines wait', async () => {
    const f = await run(() => BackupLogFollower.atEnd(conn, [sys, ten]));
    appendFileSync(ten, line('2024-03-05T10:15:02+01:00', '18e0de51aa8', 'RECOVER DATA started [1709630102184]'));
    appendFileSync(ten, line('2024-03-05T10:15:02+01:00', '18e0de51aa8', `command: ${STMT.replace('CLEAR LOG', 'clear  log')}`));
    appendFileSync(
      ten,
      line(
        '2024-03-05T10:15:05+01:00',
        '18e0de51aa8',
        'progress of service: indexserver, hanaqas:31040, volume: 3, 42% 42/100',
      ).trimEnd(),
    );
    await run(() => f.poll(conn));
    const found = f.findRecovery({ statement: STMT });
    expect(found?.operation).toMatchObject({ operationId: '18e0de51aa8', outcome: 'running' });
    expect(found?.path).toBe(ten);
    expect(found?.progress).toEqual([]); // the progress line is not complete yet
    appendFileSync(
      ten,
      '\n' +
        line(
          '2024-03-05T10:15:11+01:00',
          '18e0de51aa8',
          'RECOVER DATA finished successfully, reached timestamp 2024-03-05T09:29:41+01:00, reached log position 98304128',
        ),
    );
    await run(() => f.poll(conn));
    const done = f.findRecovery({ operationId: '18e0de51aa8' });
    expect(done?.operation).toMatchObject({
      outcome: 'success',
      reachedTimestamp: '2024-03-05T08:29:41Z',
      reachedLogPosition: '98304128',
    });
    expect(done?.progress).toEqual([
      expect.objectContaining({ service: 'indexserver', volume: 3, percent: 42, done: 42, total: 100, phase: 'data' }),
    ]);
  });

  test('notices truncation and reads the file again from the start', async () => {
    const f = await run(() => BackupLogFollower.atEnd(conn, [sys]));
    truncateSync(sys, 0);
    appendFileSync(sys, line('2024-03-05T10:15:02+01:00', '18e0de51aa8', `command: ${STMT}`));
    const events = await run(() => f.poll(conn));
    expect(events[0]?.state).toBe('truncated');
    expect(f.findRecovery({ statement: STMT })?.operation.operationId).toBe('18e0de51aa8');
  });

  test('notices rotation: finishes the old file (found by inode), then reads the new one', async () => {
    const f = await run(() => BackupLogFollower.atEnd(conn, [sys]));
    appendFileSync(sys, line('2024-03-05T10:15:02+01:00', '18e0de51aa8', `command: ${STMT}`));
    renameSync(sys, `${sys}.1`);
    writeFileSync(
      sys,
      line(
        '2024-03-05T10:15:11+01:00',
        '18e0de51aa8',
        'RECOVER DATA finished successfully, reached timestamp 2024-03-05T09:29:41+01:00, reached log position 98304128',
      ),
    );
    const events = await run(() => f.poll(conn));
    expect(events[0]?.state).toBe('rotated');
    expect(f.findRecovery({ statement: STMT })?.operation).toMatchObject({ operationId: '18e0de51aa8', outcome: 'success' });
  });

  test('a missing file is reported and read once it appears', async () => {
    const later = parseAbsolutePath(join(dir, 'DB_VDB2', 'backup.log'));
    const f = await run(() => BackupLogFollower.atEnd(conn, [later]));
    expect((await run(() => f.poll(conn)))[0]?.state).toBe('missing');
  });

  test('reads only appended bytes: the offset advances by exactly what was consumed', () => {
    const start = [{ path: sys, inode: '42', offset: 1000 }];
    const data = Buffer.from('a line\npartial');
    const out = `@@HANA_VDB_LOG 0 ok 42 1014\n@@HANA_VDB_CHUNK 0 new 1000\n${data.toString('base64')}\n`;
    const r = parseLogReads(out, start);
    expect(r.cursors[0]).toEqual({ path: sys, inode: '42', offset: 1007 });
    expect(r.texts[0]).toBe('a line\n');
  });
});
