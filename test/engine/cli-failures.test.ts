/** Bad input, failed workflows, secrets, killed processes, concurrency and plugin upgrades, through the real CLI. */
import { readdirSync, readFileSync, statSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStoreReadOnly } from '../../src/engine/store/read-only.js';
import { startEngineHarness, type CliResult, type EngineHarness } from '../support/engine-harness.js';

const PASSWORD = 'Pw-7h1s-1s-S3cret';

describe('hana-vdb failure handling', () => {
  let h: EngineHarness;

  /** Everything but the job history: what "nothing changed" means. */
  const objects = () => {
    const s = openStoreReadOnly(h.dataDir);
    try {
      return {
        envs: s.environments(),
        repos: s.repositories(),
        configs: s.sourceConfigs(),
        dsources: s.dsources(),
        vdbs: s.vdbs(),
        snapshots: s.snapshots(),
        history: s.recoveryHistory(),
      };
    } finally {
      s.close();
    }
  };
  const ok = async (args: string[], env?: Record<string, string>) => {
    const r = await h.cli([...args, '--json'], env);
    if (r.code !== 0) throw new Error(`hana-vdb ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.json;
  };
  /** One clear error: exit 1, "error:" + "action:" lines, no stack trace. */
  const refused = (r: CliResult, message: RegExp) => {
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/(^|\n)error: .*\naction: .+\n$/s);
    expect(r.stderr.match(/^error: /gm)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  };
  const vdbParams = () => h.writeJson('vdb.json', { mountBase: join(h.dir, 'vdbs') });

  beforeAll(async () => {
    h = await startEngineHarness({ password: PASSWORD });
    h.addDatabase('R1', 'DB1', 'm1');
    h.addDatabase('R1', 'DB2', 'm2');
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
    await ok(['vdb', 'provision', 'v1', '--snapshot', '1', '--env', 'e1', '--repository', 'R1', '--params', vdbParams()]);
  });
  afterAll(() => h.close());

  it('bad input gives one clear error and changes nothing', async () => {
    const before = objects();
    const cases: Array<[string[], RegExp]> = [
      [['dsource', 'sync', 'nope'], /No dSource named 'nope'/],
      [['vdb', 'refresh', 'nope'], /No VDB named 'nope'/],
      [['env', 'discover', 'nope'], /No environment named 'nope'/],
      [
        [
          'dsource',
          'link',
          'ds2',
          '--env',
          'nope',
          '--repository',
          'R1',
          '--source-config',
          'DB2',
          '--params',
          h.writeJson('p.json', { mountBase: '/x' }),
        ],
        /No environment named 'nope'.*\naction: .*Known: e1/s,
      ],
      [
        [
          'dsource',
          'link',
          'ds2',
          '--env',
          'e1',
          '--repository',
          'R9',
          '--source-config',
          'DB2',
          '--params',
          h.writeJson('p.json', { mountBase: '/x' }),
        ],
        /No repository 'R9'/,
      ],
      [
        [
          'dsource',
          'link',
          'ds2',
          '--env',
          'e1',
          '--repository',
          'R1',
          '--source-config',
          'DB7',
          '--params',
          h.writeJson('p.json', { mountBase: '/x' }),
        ],
        /No source config 'DB7'/,
      ],
      [
        [
          'dsource',
          'link',
          'ds2',
          '--env',
          'e1',
          '--repository',
          'R1',
          '--source-config',
          'DB2',
          '--params',
          h.writeJson('bad.json', '{"mountBase": '),
        ],
        /bad\.json is not valid JSON/,
      ],
      [
        [
          'dsource',
          'link',
          'ds2',
          '--env',
          'e1',
          '--repository',
          'R1',
          '--source-config',
          'DB2',
          '--params',
          h.writeJson('type.json', { mountBase: 42 }),
        ],
        /type\.json is not a valid linkedSourceDefinition: \$\.mountBase: .*must be of type string/,
      ],
      [
        [
          'dsource',
          'link',
          'ds2',
          '--env',
          'e1',
          '--repository',
          'R1',
          '--source-config',
          'DB2',
          '--params',
          h.writeJson('range.json', { mountBase: '/x', sleepSeconds: -1 }),
        ],
        /\$\.sleepSeconds/,
      ],
      [
        [
          'dsource',
          'link',
          'ds2',
          '--env',
          'e1',
          '--repository',
          'R1',
          '--source-config',
          'DB2',
          '--params',
          h.writeJson('extra.json', { mountBase: '/x', mountbase: '/y' }),
        ],
        /'mountbase' is not an allowed property/,
      ],
      [
        [
          'dsource',
          'link',
          'ds2',
          '--env',
          'e1',
          '--repository',
          'R1',
          '--source-config',
          'DB2',
          '--params',
          join(h.dir, 'missing.json'),
        ],
        /Cannot read the parameters file .*missing\.json/,
      ],
      [['dsource', 'link', 'ds2', '--env', 'e1', '--repository', 'R1', '--source-config', 'DB2'], /Missing --params/],
      [
        [
          'dsource',
          'link',
          'ds1',
          '--env',
          'e1',
          '--repository',
          'R1',
          '--source-config',
          'DB2',
          '--params',
          h.writeJson('p.json', { mountBase: '/x' }),
        ],
        /A dSource named 'ds1' already exists/,
      ],
      [
        ['vdb', 'provision', 'v2', '--snapshot', '999', '--env', 'e1', '--repository', 'R1', '--params', vdbParams()],
        /No snapshot with ID 999/,
      ],
      [
        ['vdb', 'provision', 'v2', '--snapshot', 'abc', '--env', 'e1', '--repository', 'R1', '--params', vdbParams()],
        /'abc' is not a snapshot ID/,
      ],
      [
        ['vdb', 'provision', 'v2', '--snapshot', '2', '--env', 'e1', '--repository', 'R1', '--params', vdbParams()],
        /Snapshot 2 is a snapshot of VDB v1, not of a dSource/,
      ],
      [['vdb', 'rewind', 'v1'], /Missing --snapshot/],
      [['vdb', 'start', 'v1', '--frobnicate'], /Unknown option '--frobnicate'/],
      [['vdb', 'explode', 'v1'], /Unknown vdb command 'explode'/],
      [['frobnicate'], /Unknown command 'frobnicate'/],
      [['vdb', 'enable', 'v1'], /Cannot enable VDB 'v1': it is active/],
      [
        ['env', 'add', 'e2', '--host', '127.0.0.1', '--port', '0', '--user', 'u', '--key', h.privateKeyFile],
        /--port '0' is not a TCP port/,
      ],
      [
        ['env', 'add', 'e2', '--host', '127.0.0.1', '--port', '22', '--user', 'u'],
        /exactly one of --key FILE or --password-env VAR/,
      ],
      [
        ['env', 'add', 'e2', '--host', '127.0.0.1', '--port', '22', '--user', 'u', '--password-env', 'my secret'],
        /NAME of an environment variable/,
      ],
      [
        [
          'env',
          'add',
          'e2',
          '--host',
          '127.0.0.1',
          '--port',
          '22',
          '--user',
          'u',
          '--key',
          h.privateKeyFile,
          '--host-key',
          'SHA256:short',
        ],
        /not a SHA256 fingerprint/,
      ],
      [['show', 'job', '12345'], /No job with ID 12345/],
    ];
    for (const [args, message] of cases) refused(await h.cli(args), message);
    expect(objects()).toEqual(before);
  });

  it('unreachable host, wrong key and wrong host key: refused, no environment recorded', async () => {
    const before = objects();
    const add = (name: string, over: Record<string, string>) => {
      const args = h.envAddArgs(name);
      for (const [flag, value] of Object.entries(over)) args[args.indexOf(flag) + 1] = value;
      return h.cli(args);
    };
    refused(await add('e2', { '--port': '1' }), /Cannot connect to 127\.0\.0\.1:1: connection refused/);
    const stranger = join(h.dir, 'stranger');
    const { generateUserKeyPair } = await import('../../tools/embedded-sshd/index.js');
    refused(await add('e2', { '--key': generateUserKeyPair(stranger).privateKeyFile }), /Authentication as .* failed with the key/);
    refused(await add('e2', { '--host-key': 'SHA256:' + 'B'.repeat(43) }), /does not match the pinned fingerprint/);
    const unknown = await h.cli(h.envAddArgs('e2').filter((a, i, all) => a !== '--host-key' && all[i - 1] !== '--host-key'));
    refused(unknown, /is not in .*known_hosts/);
    expect(objects()).toEqual(before);
    const jobs = await ok(['jobs', '--limit', '4']);
    expect(jobs.jobs.map((j: { operation: string; outcome: string }) => [j.operation, j.outcome])).toEqual(
      Array(4).fill(['environment.add', 'failed']),
    );
  });

  it('accept-new records the host key on first use and verifies it afterwards', async () => {
    const args = h.envAddArgs('e3').filter((a, i, all) => a !== '--host-key' && all[i - 1] !== '--host-key');
    const added = await ok([...args, '--accept-new']);
    expect(added.environment).toMatchObject({ acceptNew: true, knownHostsFile: join(h.dataDir, 'known_hosts') });
    expect(readFileSync(join(h.dataDir, 'known_hosts'), 'utf8')).toContain(`[127.0.0.1]:${h.sshd.port} ssh-ed25519`);
    await ok(['env', 'discover', 'e3']);
    await ok(['env', 'delete', 'e3']);
  });

  it('a failed provision leaves the VDB marked failed with its error in the history; it can be deleted', async () => {
    const params = h.writeJson('fail.json', { mountBase: join(h.dir, 'vdbs'), failAt: 'virtual.configure' });
    const r = await h.cli(['vdb', 'provision', 'vf', '--snapshot', '1', '--env', 'e1', '--repository', 'R1', '--params', params]);
    refused(r, /The script failed with exit code 3.*failing virtual.configure as asked/s);
    const shown = await ok(['show', 'vdb', 'vf']);
    expect(shown.vdb.status).toBe('failed');
    expect(shown.history).toEqual([
      expect.objectContaining({ operation: 'provision', outcome: 'failed', error: expect.stringContaining('exit code 3') }),
    ]);
    refused(await h.cli(['vdb', 'snapshot', 'vf']), /it is failed/);
    await ok(['vdb', 'delete', 'vf']);
    expect((await ok(['list', 'vdbs'])).vdbs.map((v: { name: string }) => v.name)).toEqual(['v1']);
  });

  it('a failed link leaves no dSource behind', async () => {
    const before = objects();
    const r = await h.cli([
      'dsource',
      'link',
      'dsf',
      '--env',
      'e1',
      '--repository',
      'R1',
      '--source-config',
      'DB2',
      '--params',
      h.writeJson('lf.json', { mountBase: join(h.dir, 'st'), failAt: 'linked.postSnapshot' }),
    ]);
    refused(r, /failing linked.postSnapshot/);
    expect(objects()).toEqual(before);
  });

  it('a password from an environment variable never reaches a log, the store, an error or the output', async () => {
    const pwEnv = { TEST_SSH_PASSWORD: PASSWORD };
    const args = h.envAddArgs('epw');
    args.splice(args.indexOf('--key'), 2, '--password-env', 'TEST_SSH_PASSWORD');
    const outputs: string[] = [];
    const run = async (a: string[]) => {
      const r = await h.cli(a, pwEnv);
      outputs.push(r.stdout, r.stderr);
      return r;
    };
    expect((await run(args)).code).toBe(0);
    expect(
      (
        await run([
          'dsource',
          'link',
          'dspw',
          '--env',
          'epw',
          '--repository',
          'R1',
          '--source-config',
          'DB2',
          '--params',
          h.writeJson('pw.json', { mountBase: join(h.dir, 'st'), useCredentials: true }),
          '--debug',
        ])
      ).code,
    ).toBe(0);
    // The password did reach the host, as a variable.
    expect(readFileSync(join(h.scratch, 'secret-seen'), 'utf8')).toBe(PASSWORD);
    const failed = await run(['dsource', 'sync', 'dspw', '--params', h.writeJson('s.json', {}), '--debug', '--json']);
    expect(failed.code).toBe(0);
    const bad = h.writeJson('pwfail.json', { mountBase: join(h.dir, 'st'), useCredentials: true, failAt: 'linked.preSnapshot' });
    const f = await run([
      'dsource',
      'link',
      'dspw2',
      '--env',
      'epw',
      '--repository',
      'R1',
      '--source-config',
      'DB1',
      '--params',
      bad,
      '--debug',
    ]);
    expect(f.code).toBe(1);
    expect(f.stderr).toContain('(secret [REDACTED])');
    const files: string[] = [];
    const walk = (d: string) =>
      readdirSync(d).forEach((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : files.push(join(d, n))));
    walk(h.dataDir);
    expect(files.some((f) => f.endsWith('.jsonl'))).toBe(true);
    const logText = files
      .filter((f) => f.endsWith('.jsonl'))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    expect(logText).toContain('a careless plugin logs the password [REDACTED]');
    // A variable the plugin declared public is not masked.
    expect(logText).toContain(`linked.postSnapshot ran in ${h.scratch}`);
    for (const file of files) expect({ file, leaked: readFileSync(file).includes(PASSWORD) }).toEqual({ file, leaked: false });
    for (const text of outputs) expect(text).not.toContain(PASSWORD);
    const s = openStoreReadOnly(h.dataDir);
    try {
      expect(
        s
          .jobs()
          .filter((j) => j.error)
          .map((j) => j.error)
          .join('\n'),
      ).not.toContain(PASSWORD);
    } finally {
      s.close();
    }
  });

  it('a second job on a busy object is refused; a job on another object runs meanwhile', async () => {
    const slow = h.writeJson('slow.json', { mountBase: join(h.dir, 'vdbs'), sleepSeconds: 30 });
    await ok(['vdb', 'provision', 'v2', '--snapshot', '1', '--env', 'e1', '--repository', 'R1', '--params', vdbParams()]);
    const sleeping = join(h.scratch, 'sleeping');
    if (existsSync(sleeping)) writeFileSync(sleeping, '');
    const child = h.spawnCli([
      'vdb',
      'provision',
      'vslow',
      '--snapshot',
      '1',
      '--env',
      'e1',
      '--repository',
      'R1',
      '--params',
      slow,
    ]);
    try {
      while (!existsSync(sleeping) || !readFileSync(sleeping, 'utf8').includes('virtual.configure'))
        await new Promise((r) => setTimeout(r, 50));
      const busy = await h.cli([
        'vdb',
        'provision',
        'vslow',
        '--snapshot',
        '1',
        '--env',
        'e1',
        '--repository',
        'R1',
        '--params',
        vdbParams(),
      ]);
      refused(
        busy,
        /VDB named 'vslow' already exists \(status provisioning\)|The vdb 'vslow' is busy: job \d+ \(vdb\.provision\) is running on it/,
      );
      const del = await h.cli(['vdb', 'delete', 'vslow']);
      refused(del, /The vdb 'vslow' is busy: job \d+ \(vdb\.provision\) is running on it/);
      expect((await ok(['vdb', 'snapshot', 'v2'])).snapshot.kind).toBe('vdb');

      // Killed mid-job: the next command finds the job interrupted and the VDB failed.
      child.kill('SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const jobs = await ok(['jobs', '--limit', '10']);
      expect(
        jobs.jobs.find(
          (j: { operation: string; objectName: string }) => j.operation === 'vdb.provision' && j.objectName === 'vslow',
        ),
      ).toMatchObject({ outcome: 'interrupted' });
      expect((await ok(['show', 'vdb', 'vslow'])).vdb.status).toBe('failed');
      // Retry the provision on the failed VDB.
      const again = await ok([
        'vdb',
        'provision',
        'vslow',
        '--snapshot',
        '1',
        '--env',
        'e1',
        '--repository',
        'R1',
        '--params',
        vdbParams(),
      ]);
      expect(again.vdb.status).toBe('active');
      expect(again.history.map((e: { outcome: string }) => e.outcome)).toEqual(['interrupted', 'succeeded']);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('stored objects are migrated when a newer plugin with migrations is loaded', async () => {
    const before = (await ok(['list', 'snapshots'])).snapshots;
    expect(before.every((s: { metadata: Record<string, unknown> }) => !('migrated' in s.metadata))).toBe(true);
    await ok(['vdb', 'snapshot', 'v1'], { HANA_VDB_FIXTURE_MIGRATION: '1' });
    const after = (await ok(['list', 'snapshots'])).snapshots;
    expect(after.length).toBe(before.length + 1);
    expect(after.filter((s: { metadata: { migrated?: boolean } }) => s.metadata.migrated === true).length).toBe(before.length);
    expect(new Set(after.map((s: { migrationId: string }) => s.migrationId))).toEqual(new Set(['2']));
  });
});
