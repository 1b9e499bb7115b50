import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../../src/sdk/errors.js';
import { openDatabase, storePath } from '../../src/engine/store/database.js';
import { openStoreReadOnly } from '../../src/engine/store/read-only.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/engine/store/schema.js';
import { Store } from '../../src/engine/store/store.js';

/** A pid that certainly belongs to no running process: a child that has already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

function seed(store: Store) {
  const env = store.addEnvironment({
    name: 'e1',
    address: '127.0.0.1',
    port: 2222,
    hostKeyFingerprint: 'SHA256:' + 'A'.repeat(43),
    knownHostsFile: null,
    acceptNew: false,
    scratchPath: '/tmp/x',
    user: { name: 'u', authKind: 'password', keyFile: null, passwordEnv: 'PW_VAR' },
  });
  store.recordDiscovery(
    env.id,
    [
      {
        name: 'R1',
        identity: { home: '/r1' },
        object: { name: 'R1', home: '/r1' },
        sourceConfigs: [{ name: 'DB1', identity: { name: 'DB1' }, object: { name: 'DB1' } }],
      },
    ],
    null,
  );
  const repo = store.repositories('e1')[0]!;
  const sc = store.sourceConfigs({ repositoryId: repo.id })[0]!;
  const dsId = store.createDSource({
    name: 'ds1',
    environmentId: env.id,
    repositoryId: repo.id,
    sourceConfigId: sc.id,
    parameters: { mountBase: '/m' },
    migrationId: null,
  });
  const job = store.startJob({ operation: 'dsource.link', objectType: 'dsource', objectName: 'ds1' });
  const snapId = store.addDSourceSnapshot(dsId, { takenAt: 't', data: 'd', source: 'DB1' }, null, job.id, 'enabled');
  store.finishJob(job.id, 'succeeded', null);
  return { env, repo, dsId, snapId };
}

describe('engine store', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-store-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the schema at the current version with WAL and keeps no secret, only the variable name', () => {
    const store = Store.open(dir);
    seed(store);
    expect(store.schemaVersion()).toBe(SCHEMA_VERSION);
    const users = store.environmentUsers(store.environment('e1')!.id);
    expect(users[0]).toMatchObject({
      authKind: 'password',
      passwordEnv: 'PW_VAR',
      keyFile: null,
      reference: `HOST_USER-${users[0]!.id}`,
    });
    store.close();
    const raw = new Database(storePath(dir));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('applies a later migration to an existing store, keeping its data; refuses a store from the future', () => {
    const store = Store.open(dir);
    seed(store);
    store.close();
    const next = [...MIGRATIONS, `ALTER TABLE dsources ADD COLUMN description TEXT NOT NULL DEFAULT 'none'`];
    const db = openDatabase(dir, next);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length + 1);
    expect(db.prepare('SELECT name, description FROM dsources').all()).toEqual([{ name: 'ds1', description: 'none' }]);
    db.close();
    expect(() => Store.open(dir)).toThrow(UserError);
    expect(() => Store.open(dir)).toThrow(/newer than this hana-vdb understands/);
  });

  it('a failing migration leaves the store at the previous version', () => {
    Store.open(dir).close();
    const broken = [...MIGRATIONS, `CREATE TABLE ok_table (x INTEGER); INSERT INTO no_such_table VALUES (1);`];
    expect(() => openDatabase(dir, broken)).toThrow(/no_such_table/);
    const raw = new Database(storePath(dir));
    expect(raw.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(raw.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name = 'ok_table'`).get()).toEqual({ n: 0 });
    raw.close();
  });

  it('the read-only API reads everything and cannot write', () => {
    expect(() => openStoreReadOnly(dir)).toThrow(/No hana-vdb store/);
    const store = Store.open(dir);
    const { dsId, snapId } = seed(store);
    const vdb = store.beginProvision({
      name: 'v1',
      environmentId: 1,
      repositoryId: 1,
      dsourceId: dsId,
      parameters: { mountBase: '/v' },
      migrationId: null,
      snapshotId: snapId,
    });
    const job = store.startJob({ operation: 'vdb.provision', objectType: 'vdb', objectName: 'v1' });
    const h = store.startRecovery({
      vdbId: vdb.id,
      jobId: job.id,
      operation: 'provision',
      dsourceSnapshotId: snapId,
      targetSnapshotId: null,
    });
    const vsnap = store.addVdbSnapshot(vdb, snapId, { takenAt: 't2', data: 'd', source: 'DB1' }, null, job.id, 'active');
    store.finishRecovery(h, { outcome: 'succeeded', vdbSnapshotId: vsnap, metadata: { takenAt: 't2' } });
    store.finishJob(job.id, 'succeeded', null);
    store.close();

    const ro = openStoreReadOnly(dir);
    try {
      expect(ro.dsources().map((d) => [d.name, d.status, d.sourceConfigName])).toEqual([['ds1', 'enabled', 'DB1']]);
      expect(ro.snapshots({ dsourceName: 'ds1' }).map((s) => [s.kind, s.parentSnapshotId])).toEqual([
        ['dsource', null],
        ['vdb', snapId],
      ]);
      expect(ro.vdbs()[0]).toMatchObject({
        name: 'v1',
        status: 'active',
        currentSnapshotId: vsnap,
        provisionedFromSnapshotId: snapId,
      });
      expect(ro.recoveryHistory('v1')).toEqual([
        expect.objectContaining({
          operation: 'provision',
          outcome: 'succeeded',
          dsourceSnapshotId: snapId,
          vdbSnapshotId: vsnap,
          metadata: { takenAt: 't2' },
        }),
      ]);
      expect(ro.jobs().map((j) => j.operation)).toEqual(['vdb.provision', 'dsource.link']);
      expect(() => (ro as unknown as { db: Database.Database }).db.prepare('DELETE FROM jobs').run()).toThrow(/readonly/);
    } finally {
      ro.close();
    }
  });

  it('a second job on the same object is refused while the first runs; other objects run in parallel', () => {
    const store = Store.open(dir);
    seed(store);
    const first = store.startJob({ operation: 'dsource.sync', objectType: 'dsource', objectName: 'ds1' });
    const err = (() => {
      try {
        store.startJob({ operation: 'dsource.sync', objectType: 'dsource', objectName: 'ds1' });
      } catch (e) {
        return e as UserError;
      }
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err!.message).toBe(`The dsource 'ds1' is busy: job ${first.id} (dsource.sync) is running on it.`);
    const jobsBefore = store.jobs().length;
    expect(store.startJob({ operation: 'vdb.snapshot', objectType: 'vdb', objectName: 'other' }).outcome).toBe('running');
    expect(store.jobs().length).toBe(jobsBefore + 1);
    store.finishJob(first.id, 'succeeded', null);
    expect(store.startJob({ operation: 'dsource.sync', objectType: 'dsource', objectName: 'ds1' }).outcome).toBe('running');
    store.close();
  });

  it('a job holding a target refuses any job on that target from another connection, naming the job and its object', () => {
    const a = Store.open(dir);
    seed(a);
    const b = Store.open(dir);
    const target = { key: 'tenant:1:1:VDB1', label: 'The tenant VDB1@QAS' };
    const first = a.startJob({ operation: 'vdb.provision', objectType: 'vdb', objectName: 'va', target });
    const jobsBefore = b.jobs().length;
    expect(() => b.startJob({ operation: 'vdb.provision', objectType: 'vdb', objectName: 'vb', target })).toThrow(
      `The tenant VDB1@QAS is busy: job ${first.id} (vdb.provision of vdb 'va') is running on it.`,
    );
    expect(b.jobs().length).toBe(jobsBefore);
    a.finishJob(first.id, 'succeeded', null);
    expect(b.startJob({ operation: 'vdb.refresh', objectType: 'vdb', objectName: 'vb', target }).outcome).toBe('running');
    a.close();
    b.close();
  });

  it('a check refusing inside the job transaction writes nothing and takes no lock', () => {
    const store = Store.open(dir);
    seed(store);
    const before = store.jobs().length;
    const target = { key: 'tenant:1:1:VDB1', label: 'The tenant VDB1@QAS' };
    const check = () => {
      throw new UserError('owned by va', 'delete va');
    };
    expect(() => store.startJob({ operation: 'vdb.provision', objectType: 'vdb', objectName: 'vb', target, check })).toThrow(
      'owned by va',
    );
    expect(store.jobs().length).toBe(before);
    expect(store.startJob({ operation: 'vdb.provision', objectType: 'vdb', objectName: 'vc', target }).outcome).toBe('running');
    store.close();
  });

  it('a target lock held by another live process refuses the job; once that process is gone it is taken over', async () => {
    Store.open(dir).close();
    const storeJs = join(process.cwd(), 'dist/src/engine/store/store.js');
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { Store } = await import(${JSON.stringify(storeJs)});
         const s = Store.open(${JSON.stringify(dir)});
         const j = s.startJob({ operation: 'vdb.provision', objectType: 'vdb', objectName: 'va',
           target: { key: 'tenant:1:1:VDB1', label: 'The tenant VDB1@QAS' } });
         console.log(j.id); setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      const [line] = (await once(child.stdout!, 'data')) as [Buffer];
      const jobId = Number(line.toString().trim());
      const store = Store.open(dir);
      const target = { key: 'tenant:1:1:VDB1', label: 'The tenant VDB1@QAS' };
      expect(() => store.startJob({ operation: 'vdb.provision', objectType: 'vdb', objectName: 'vb', target })).toThrow(
        `job ${jobId} (vdb.provision of vdb 'va')`,
      );
      child.kill('SIGKILL');
      await once(child, 'exit');
      store.close();
      const reopened = Store.open(dir);
      expect(reopened.job(jobId)!.outcome).toBe('interrupted');
      expect(reopened.startJob({ operation: 'vdb.provision', objectType: 'vdb', objectName: 'vb', target }).outcome).toBe(
        'running',
      );
      reopened.close();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('jobs of dead processes become interrupted on open; their locks are freed and their objects marked failed', () => {
    const store = Store.open(dir);
    const { dsId, snapId } = seed(store);
    const pid = deadPid();
    const vdb = store.beginProvision({
      name: 'v1',
      environmentId: 1,
      repositoryId: 1,
      dsourceId: dsId,
      parameters: { mountBase: '/v' },
      migrationId: null,
      snapshotId: snapId,
    });
    const job = store.startJob({ operation: 'vdb.provision', objectType: 'vdb', objectName: 'v1' }, pid);
    store.startRecovery({
      vdbId: vdb.id,
      jobId: job.id,
      operation: 'provision',
      dsourceSnapshotId: snapId,
      targetSnapshotId: null,
    });
    store.finishJobStep(store.startJobStep(job.id, 'virtual.mountSpecification'), 'succeeded');
    store.startJobStep(job.id, 'virtual.configure');
    const live = store.startJob({ operation: 'dsource.sync', objectType: 'dsource', objectName: 'ds1' });
    store.close();

    const reopened = Store.open(dir);
    expect(reopened.job(job.id)).toMatchObject({
      outcome: 'interrupted',
      error:
        `The hana-vdb process (pid ${pid}) ended during virtual.configure while this job was running. ` +
        'The target was being recovered: the recovery may still be running on the host, or the target is stopped; ' +
        'it is not usable until a recovery succeeds. Run the same command again to finish the vdb.',
    });
    expect(reopened.jobSteps(job.id).map((st) => [st.name, st.outcome])).toEqual([
      ['virtual.mountSpecification', 'succeeded'],
      ['virtual.configure', 'interrupted'],
    ]);
    expect(reopened.job(live.id)!.outcome).toBe('running');
    expect(reopened.vdb('v1')!.status).toBe('failed');
    expect(reopened.recoveryHistory('v1')[0]!.outcome).toBe('interrupted');
    expect(reopened.startJob({ operation: 'vdb.delete', objectType: 'vdb', objectName: 'v1' }).outcome).toBe('running');
    reopened.close();
  });

  it('discovery keeps objects in use and drops the rest', () => {
    const store = Store.open(dir);
    const { env } = seed(store);
    store.recordDiscovery(
      env.id,
      [{ name: 'R2', identity: { home: '/r2' }, object: { name: 'R2', home: '/r2' }, sourceConfigs: [] }],
      null,
    );
    expect(store.repositories('e1').map((r) => [r.name, r.present])).toEqual([
      ['R1', false],
      ['R2', true],
    ]);
    expect(store.sourceConfigs({ environmentName: 'e1' }).map((s) => [s.name, s.present])).toEqual([['DB1', false]]);
    store.close();
  });
});
