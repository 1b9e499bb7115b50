/** Every workflow through the real CLI and the fixture plugin: Delphix call order, store state, output. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStoreReadOnly } from '../../src/engine/store/read-only.js';
import { startEngineHarness, type EngineHarness } from '../support/engine-harness.js';

describe('hana-vdb workflows (fixture plugin, embedded sshd)', () => {
  let h: EngineHarness;
  let seen = 0;
  /** Operations the plugin ran on the host since the last call. */
  const journal = (): string[] => {
    const lines = readFileSync(join(h.scratch, 'journal'), 'utf8').split('\n').filter(Boolean);
    const fresh = lines.slice(seen);
    seen = lines.length;
    return fresh;
  };
  /** Plugin operations the engine called in the last job, in order (from its job log). */
  const calls = (): string[] => {
    const store = openStoreReadOnly(h.dataDir);
    try {
      const job = store.jobs({ limit: 1 })[0]!;
      return store
        .jobLog(job.id)
        .map((l) => /^([a-zA-Z]+\.[a-zA-Z]+)\(\) done$/.exec(l.message)?.[1])
        .filter((x): x is string => !!x);
    } finally {
      store.close();
    }
  };
  const ok = async (args: string[]) => {
    const r = await h.cli([...args, '--json']);
    if (r.code !== 0) throw new Error(`hana-vdb ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.json;
  };

  // Each test starts from its own engine and host, and first runs the steps it builds on (given), so no test depends
  // on another having run before it.
  // Each engine starts an embedded sshd and runs several CLI processes: allow for a slow machine.
  beforeEach(async () => {
    h = await startEngineHarness();
    seen = 0;
    h.addDatabase('R1', 'DB1', 'marker-1');
  }, 120_000);
  afterEach(() => h.close());

  const linkArgs = () => ['dsource', 'link', 'ds1', '--env', 'e1', '--repository', 'R1', '--source-config', 'DB1'];
  const vdbParams = () => h.writeJson('vdb.json', { mountBase: join(h.dir, 'vdbs', 'deep', 'er') });
  /** The steps a test builds on, each as the earlier tests check it; the journal starts after them. */
  const given = async (...steps: ('env' | 'link' | 'provision')[]) => {
    for (const step of steps) {
      if (step === 'env') await ok(h.envAddArgs('e1'));
      if (step === 'link') await ok([...linkArgs(), '--params', h.writeJson('link.json', { mountBase: join(h.dir, 'staging') })]);
      if (step === 'provision')
        await ok(['vdb', 'provision', 'v1', '--snapshot', '1', '--env', 'e1', '--repository', 'R1', '--params', vdbParams()]);
    }
    journal();
  };

  it('env add connects, discovers repositories then source configs, and records them', async () => {
    const out = await ok(h.envAddArgs('e1'));
    expect(journal()).toEqual(['discovery.repository', 'discovery.sourceConfig']);
    expect(out.environment).toMatchObject({
      name: 'e1',
      reference: 'UNIX_HOST_ENVIRONMENT-1',
      hostKeyFingerprint: h.sshd.hostKeyFingerprint,
      scratchPath: h.scratch,
    });
    expect(out.repositories.map((r: { name: string }) => r.name)).toEqual(['R1']);
    expect(out.sourceConfigs.map((s: { name: string }) => s.name)).toEqual(['DB1']);

    h.addDatabase('R1', 'DB2', 'other');
    h.addDatabase('R2', 'DB9', 'x');
    const again = await ok(['env', 'discover', 'e1']);
    expect(journal()).toEqual(['discovery.repository', 'discovery.sourceConfig', 'discovery.sourceConfig']);
    expect(again.sourceConfigs.map((s: { name: string }) => s.name).sort()).toEqual(['DB1', 'DB2', 'DB9']);
    // Every remote command of the plugin and the engine was the fixed non-login shell.
    expect(new Set(h.execCommands)).toEqual(new Set(['bash --noprofile --norc -s']));
  }, 180_000);

  it('dsource link = mountSpecification → preSnapshot → postSnapshot with resync; the mount dir is created', async () => {
    await given('env');
    const params = h.writeJson('link.json', { mountBase: join(h.dir, 'staging') });
    const out = await ok([...linkArgs(), '--params', params]);
    expect(journal()).toEqual(['linked.preSnapshot', 'resync', 'linked.postSnapshot']);
    expect(calls()).toEqual(['linked.mountSpecification', 'linked.preSnapshot', 'linked.postSnapshot']);
    expect(out.dsource).toMatchObject({
      name: 'ds1',
      status: 'enabled',
      parameters: { mountBase: join(h.dir, 'staging'), sleepSeconds: 0, useCredentials: false },
    });
    expect(out.snapshot).toMatchObject({ kind: 'dsource', metadata: { data: 'marker-1', source: 'DB1', resync: true } });
    expect(readFileSync(join(h.dir, 'staging', out.dsource.guid, 'data'), 'utf8')).toBe('marker-1');
  }, 180_000);

  it('dsource sync passes snapshot parameters; without --params resync is false', async () => {
    await given('env', 'link');
    h.addDatabase('R1', 'DB1', 'marker-2');
    const plain = await ok(['dsource', 'sync', 'ds1']);
    expect(journal()).toEqual(['linked.preSnapshot', 'linked.postSnapshot']);
    expect(plain.snapshot.metadata).toMatchObject({ data: 'marker-2', resync: false });
    const resync = await ok(['dsource', 'sync', 'ds1', '--params', h.writeJson('sync.json', { resync: true })]);
    expect(journal()).toEqual(['linked.preSnapshot', 'resync', 'linked.postSnapshot']);
    expect(resync.snapshot.metadata.resync).toBe(true);
  }, 180_000);

  it('vdb provision = mountSpecification → mkdir → configure → preSnapshot → postSnapshot, recorded in the history', async () => {
    await given('env', 'link');
    const out = await ok([
      'vdb',
      'provision',
      'v1',
      '--snapshot',
      '1',
      '--env',
      'e1',
      '--repository',
      'R1',
      '--params',
      vdbParams(),
    ]);
    expect(journal()).toEqual(['virtual.configure', 'virtual.preSnapshot', 'virtual.postSnapshot']);
    expect(calls()).toEqual(['virtual.mountSpecification', 'virtual.configure', 'virtual.preSnapshot', 'virtual.postSnapshot']);
    expect(out.vdb).toMatchObject({
      name: 'v1',
      status: 'active',
      provisionedFromSnapshotId: 1,
      currentSnapshotId: out.snapshot.id,
      sourceConfig: { origin: 'DB1' },
    });
    expect(readFileSync(join(h.dir, 'vdbs', 'deep', 'er', out.vdb.guid, 'data'), 'utf8')).toBe('marker-1');
    expect(out.snapshot).toMatchObject({ kind: 'vdb', parentSnapshotId: 1, metadata: { data: 'marker-1' } });
    expect(out.history).toEqual([
      expect.objectContaining({
        operation: 'provision',
        outcome: 'succeeded',
        dsourceSnapshotId: 1,
        vdbSnapshotId: out.snapshot.id,
      }),
    ]);
  }, 180_000);

  it('vdb snapshot, refresh (latest dSource snapshot) and rewind run in Delphix order', async () => {
    await given('env', 'link', 'provision');
    h.addDatabase('R1', 'DB1', 'marker-2');
    const latest = (await ok(['dsource', 'sync', 'ds1'])).snapshot;
    journal();
    const snap = await ok(['vdb', 'snapshot', 'v1']);
    expect(journal()).toEqual(['virtual.preSnapshot', 'virtual.postSnapshot']);

    const refreshed = await ok(['vdb', 'refresh', 'v1']);
    expect(journal()).toEqual(['virtual.unconfigure', 'virtual.configure', 'virtual.preSnapshot', 'virtual.postSnapshot']);
    expect(calls()).toEqual([
      'virtual.unconfigure',
      'virtual.mountSpecification',
      'virtual.configure',
      'virtual.preSnapshot',
      'virtual.postSnapshot',
    ]);
    expect(refreshed.snapshot.metadata.data).toBe('marker-2');
    expect(refreshed.vdb.provisionedFromSnapshotId).toBe(latest.id);

    const rewound = await ok(['vdb', 'rewind', 'v1', '--snapshot', String(snap.snapshot.id)]);
    expect(journal()).toEqual(['virtual.unconfigure', 'virtual.reconfigure']);
    expect(calls()).toEqual(['virtual.unconfigure', 'virtual.mountSpecification', 'virtual.reconfigure']);
    expect(rewound.vdb.currentSnapshotId).toBe(snap.snapshot.id);
    const data = readFileSync(join(h.dir, 'vdbs', 'deep', 'er', rewound.vdb.guid, 'data'), 'utf8');
    expect(data).toBe('marker-1');
    const show = await ok(['show', 'vdb', 'v1']);
    expect(show.history.map((e: { operation: string }) => e.operation)).toEqual(['provision', 'refresh', 'rewind']);
  }, 180_000);

  it('vdb stop, start, disable, enable (status INACTIVE → reconfigure) and delete', async () => {
    await given('env', 'link', 'provision');
    expect((await ok(['vdb', 'stop', 'v1'])).vdb.status).toBe('stopped');
    expect(journal()).toEqual(['virtual.stop']);
    expect((await ok(['vdb', 'start', 'v1'])).vdb.status).toBe('active');
    expect(journal()).toEqual(['virtual.start']);
    expect(calls()).toEqual(['virtual.mountSpecification', 'virtual.start']);
    expect((await ok(['vdb', 'disable', 'v1'])).vdb.status).toBe('disabled');
    expect(journal()).toEqual(['virtual.unconfigure']);
    expect((await ok(['vdb', 'enable', 'v1'])).vdb.status).toBe('active');
    expect(journal()).toEqual(['virtual.status', 'virtual.reconfigure']);
    expect(calls()).toEqual(['virtual.status', 'virtual.mountSpecification', 'virtual.reconfigure']);
    const vdb = (await ok(['show', 'vdb', 'v1'])).vdb;
    await ok(['vdb', 'delete', 'v1']);
    expect(journal()).toEqual(['virtual.unconfigure', 'virtual.cleanup']);
    expect(existsSync(join(h.dir, 'vdbs', 'deep', 'er', vdb.guid))).toBe(false);
    expect((await ok(['list', 'vdbs'])).vdbs).toEqual([]);
  }, 180_000);

  it('dsource disable, enable, delete', async () => {
    await given('env', 'link');
    expect((await ok(['dsource', 'disable', 'ds1'])).dsource.status).toBe('disabled');
    expect(journal()).toEqual(['linked.stopStaging']);
    expect((await ok(['dsource', 'enable', 'ds1'])).dsource.status).toBe('enabled');
    expect(journal()).toEqual(['linked.startStaging']);
    expect(calls()).toEqual(['linked.mountSpecification', 'linked.startStaging']);
    await ok(['dsource', 'delete', 'ds1']);
    expect(journal()).toEqual(['linked.stopStaging']);
    expect((await ok(['list', 'dsources'])).dsources).toEqual([]);
    expect((await ok(['list', 'snapshots'])).snapshots).toEqual([]);
  }, 180_000);

  it('jobs lists every job with its outcome; job show prints the log', async () => {
    await given('env');
    await ok(['env', 'discover', 'e1']);
    await given('link');
    await ok(['dsource', 'sync', 'ds1']);
    const jobs = (await ok(['jobs'])).jobs;
    expect(
      jobs
        .map((j: { operation: string }) => j.operation)
        .reverse()
        .slice(0, 4),
    ).toEqual(['environment.add', 'environment.discover', 'dsource.link', 'dsource.sync']);
    expect(jobs.every((j: { outcome: string }) => j.outcome === 'succeeded')).toBe(true);
    const link = jobs.find((j: { operation: string }) => j.operation === 'dsource.link');
    const shown = await ok(['job', 'show', String(link.id)]);
    expect(shown.log.map((l: { message: string }) => l.message)).toEqual(
      expect.arrayContaining([expect.stringMatching(/linked\.postSnapshot\(\) done/)]),
    );
    const human = await h.cli(['jobs']);
    expect(human.stdout).toMatch(/^ID\s+OPERATION/);
  }, 180_000);
});
