/**
 * kill -9 of the engine (the hana-vdb CLI) at each step of a provision and a refresh, with the fixture plugin:
 * the next command marks the job interrupted and says what the target was left in; the same command again
 * finishes the VDB, and the store holds one consistent VDB with one succeeded recovery on top of the record.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStoreReadOnly } from '../../src/engine/store/read-only.js';
import { startEngineHarness, type EngineHarness } from '../support/engine-harness.js';

describe('kill -9 of the engine mid-job', () => {
  let h: EngineHarness;
  const ok = async (args: string[]) => {
    const r = await h.cli([...args, '--json']);
    if (r.code !== 0) throw new Error(`hana-vdb ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.json;
  };
  const provisionArgs = (name: string) => [
    'vdb',
    'provision',
    name,
    '--snapshot',
    '1',
    '--env',
    'e1',
    '--repository',
    'R1',
    '--params',
    h.writeJson(`${name}.json`, { mountBase: join(h.dir, 'vdbs', name), targetTenant: name.toUpperCase(), sleepSeconds: 1 }),
  ];
  /** Start the command, kill -9 it while the plugin sleeps in `step`, and return the job the next command reports. */
  const killDuring = async (args: string[], step: string) => {
    const sleeping = join(h.scratch, 'sleeping');
    rmSync(sleeping, { force: true });
    const child = h.spawnCli(args);
    while (!existsSync(sleeping) || !readFileSync(sleeping, 'utf8').includes(step)) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const { jobs } = await ok(['jobs', '--limit', '1']);
    return jobs[0] as { id: number; outcome: string; error: string; objectName: string };
  };
  const recoveries = (vdb: string) => {
    const s = openStoreReadOnly(h.dataDir);
    try {
      return { vdb: s.vdb(vdb), history: s.recoveryHistory(vdb).map((r) => r.outcome) };
    } finally {
      s.close();
    }
  };

  beforeAll(async () => {
    h = await startEngineHarness();
    h.addDatabase('R1', 'DB1', 'm1');
    await ok(h.envAddArgs('e1'));
    await ok([
      'dsource',
      'link',
      'ds1',
      '--env',
      'e1',
      '--repository',
      'R1',
      '--source-config',
      'DB1',
      '--params',
      h.writeJson('l.json', { mountBase: join(h.dir, 'st') }),
    ]);
  });
  afterAll(() => h.close());

  it('during configure (the recovery): interrupted, target maybe still recovering; the same command finishes it', async () => {
    const job = await killDuring(provisionArgs('va'), 'virtual.configure');
    expect(job).toMatchObject({ objectName: 'va', outcome: 'interrupted' });
    expect(job.error).toMatch(/ended during virtual\.configure while this job was running/);
    expect(job.error).toMatch(/recovery may still be running on the host, or the target is stopped; it is not usable until/);
    expect(job.error).toMatch(/Run the same command again to finish the vdb\.$/);
    expect(recoveries('va')).toMatchObject({ vdb: { status: 'failed' }, history: ['interrupted'] });

    await ok(provisionArgs('va'));
    expect(recoveries('va')).toMatchObject({ vdb: { status: 'active' }, history: ['interrupted', 'succeeded'] });
  });

  it('after the recovery, before the snapshot: interrupted, target recovered without snapshot; retry succeeds', async () => {
    const job = await killDuring(provisionArgs('vb'), 'virtual.preSnapshot');
    expect(job.error).toMatch(/ended during virtual\.preSnapshot .*The target was recovered; its snapshot was not recorded\./);
    await ok(provisionArgs('vb'));
    expect(recoveries('vb')).toMatchObject({ vdb: { status: 'active' }, history: ['interrupted', 'succeeded'] });
  });

  it('a refresh killed while taking the target apart: interrupted, target maybe stopped; refresh again succeeds', async () => {
    const job = await killDuring(['vdb', 'refresh', 'va'], 'virtual.unconfigure');
    expect(job.error).toMatch(/ended during virtual\.unconfigure .*The target was being taken apart: it may be stopped\./);
    await ok(['vdb', 'refresh', 'va']);
    expect(recoveries('va')).toMatchObject({
      vdb: { status: 'active' },
      history: ['interrupted', 'succeeded', 'interrupted', 'succeeded'],
    });
  });
});
