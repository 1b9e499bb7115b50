/**
 * Reading the store: read-only and consistent while the engine writes, data dir resolution, and clear
 * errors (exit 2, no stack trace unless --debug) for a missing, corrupt or foreign-version store.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { SCHEMA_VERSION } from '../../src/engine/store/schema.js';
import { Store } from '../../src/engine/store/store.js';
import { REPO } from './support/engine-runs.js';
import { useMainStore, meta } from './support/main-store.js';

const main = useMainStore();

const BIN = join(REPO, 'bin/hana-vdb-meta.js');
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');
const bin = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });

it('reads without changing a byte of the store', async () => {
  const file = join(main.store.dataDir, 'hana-vdb.db');
  const before = sha(file);
  for (const args of [['list'], ['list', '--json'], ['list', '--csv'], ['show', 'vdb1'], ['show', '3'], ['check'], ['advise']]) {
    const r = await meta([...args, '--data-dir', main.store.dataDir]);
    expect(r.code).toBeLessThan(2);
  }
  expect(sha(file)).toBe(before);
});

it('runs while an engine writer holds an open transaction, and sees only committed state', () => {
  const dataDir = join(main.lab.dir, 'concurrent');
  cpSync(main.store.dataDir, dataDir, { recursive: true });
  const writer = Store.open(dataDir);
  try {
    const ds = writer.dsource('prd-hr')!;
    const job = writer.startJob({ operation: 'dsource.sync', objectType: 'dsource', objectName: 'prd-hr' });
    let during: ReturnType<typeof bin> | undefined;
    let snapId = 0;
    writer.transaction(() => {
      snapId = writer.addDSourceSnapshot(
        ds.id,
        {
          sourceSid: 'PRD',
          sourceTenant: 'HR',
          originTimestamp: '2020-03-01T11:45:00Z',
          rpoOffsetMinutes: 15,
          takenAt: '2020-03-01T12:00:00Z',
        },
        null,
        job.id,
        'enabled',
      );
      during = bin(['list', '--json', '--dsource', 'prd-hr', '--data-dir', dataDir]); // the write lock is held here
    });
    expect(during!.status).toBe(0);
    const seen = JSON.parse(during!.stdout).dsources[0].snapshots.map((s: { id: number }) => s.id);
    expect(seen).toEqual([6]);
    const after = bin(['list', '--json', '--dsource', 'prd-hr', '--data-dir', dataDir]);
    expect(JSON.parse(after.stdout).dsources[0].snapshots.map((s: { id: number }) => s.id)).toEqual([6, snapId]);
    writer.finishJob(job.id, 'succeeded', null);
  } finally {
    writer.close();
  }
});

it('finds the store through --data-dir, else HANA_VDB_HOME', async () => {
  const viaEnv = await meta(['list', '--json'], { HANA_VDB_HOME: main.store.dataDir });
  expect(viaEnv.code).toBe(0);
  expect(JSON.parse(viaEnv.stdout).dsources).toHaveLength(2);
  const flagWins = await meta(['list', '--data-dir', main.store.dataDir], { HANA_VDB_HOME: join(main.lab.dir, 'elsewhere') });
  expect(flagWins.code).toBe(0);
});

describe('errors: exit 2, a message with an action, no stack trace unless --debug', () => {
  it('a missing store', () => {
    const dir = join(main.lab.dir, 'empty');
    const r = bin(['list', '--data-dir', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`No hana-vdb store at ${join(dir, 'hana-vdb.db')}`);
    expect(r.stderr).toContain('--data-dir');
    expect(r.stderr).not.toMatch(/^\s+at /m);
    const debug = bin(['list', '--data-dir', dir, '--debug']);
    expect(debug.status).toBe(2);
    expect(debug.stderr).toMatch(/^\s+at /m);
  });

  it('a file that is not SQLite', () => {
    const dir = join(main.lab.dir, 'corrupt');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'hana-vdb.db'), 'this is not a database\n'.repeat(200));
    const r = bin(['check', '--data-dir', dir]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('cannot be read: file is not a database');
    expect(r.stderr).toContain('restore hana-vdb.db from a backup');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('a store of another schema version, and one without the tables', async () => {
    const newer = join(main.lab.dir, 'newer');
    mkdirSync(newer, { recursive: true });
    const db = new Database(join(newer, 'hana-vdb.db'));
    db.pragma('user_version = 99');
    db.close();
    const r = await meta(['list', '--data-dir', newer]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('has schema version 99');
    expect(r.stderr).toContain('Use a newer version of this tool.');

    const hollow = join(main.lab.dir, 'hollow');
    mkdirSync(hollow, { recursive: true });
    const h = new Database(join(hollow, 'hana-vdb.db'));
    h.pragma(`user_version = ${SCHEMA_VERSION}`);
    h.close();
    const r2 = await meta(['list', '--data-dir', hollow]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain('no such table');
  });

  it('usage mistakes', async () => {
    for (const args of [[], ['frobnicate'], ['list', '--max-drift', '5'], ['check', 'extra'], ['list', '--bogus']]) {
      const r = await meta([...args, '--data-dir', main.store.dataDir]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('Usage:');
    }
    const help = bin(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('hana-vdb-meta check [--max-drift SECONDS]');
  });
});

it('the installed program: exit 1 for findings, JSON on stdout', () => {
  const r = bin(['check', '--json', '--data-dir', main.store.dataDir]);
  expect(r.status).toBe(1);
  expect(
    JSON.parse(r.stdout)
      .findings.map((f: { kind: string }) => f.kind)
      .sort(),
  ).toEqual(['achieved-point-mismatch', 'drift', 'failed-recovery']);
});
