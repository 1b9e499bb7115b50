/**
 * One owner per target tenant, through the real CLI in separate processes: two provisions to one tenant
 * started at the same moment, a provision to a tenant another VDB owns, and jobs on the owner meanwhile.
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { openStoreReadOnly } from '../../src/engine/store/read-only.js';
import { startEngineHarness, type CliResult, type EngineHarness } from '../support/engine-harness.js';

function finished(child: ChildProcess): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, json: undefined })));
}

describe('one owner per target tenant', () => {
  let h: EngineHarness;
  const provision = (name: string, params: object) => [
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
    h.writeJson(`${name}.json`, { mountBase: join(h.dir, 'vdbs', name), ...params }),
  ];
  const vdbNames = () => {
    const s = openStoreReadOnly(h.dataDir);
    try {
      return s.vdbs().map((v) => v.name);
    } finally {
      s.close();
    }
  };

  beforeAll(async () => {
    h = await startEngineHarness();
    h.addDatabase('R1', 'DB1', 'm1');
    for (const args of [
      h.envAddArgs('e1'),
      ['dsource', 'link', 'ds1', '--env', 'e1', '--repository', 'R1', '--source-config', 'DB1', '--params'],
    ]) {
      const full = args[0] === 'dsource' ? [...args, h.writeJson('l.json', { mountBase: join(h.dir, 'st') })] : args;
      const r = await h.cli(full);
      if (r.code !== 0) throw new Error(r.stderr);
    }
  });
  afterAll(() => h.close());

  it('two provisions to one tenant at the same moment: exactly one runs, the other is refused naming it', async () => {
    const runs = await Promise.all(
      ['va', 'vb'].map((n) => finished(h.spawnCli(provision(n, { targetTenant: 'VDB1', sleepSeconds: 2 })))),
    );
    const won = runs.filter((r) => r.code === 0);
    const lost = runs.filter((r) => r.code !== 0);
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const winner = runs[0]!.code === 0 ? 'va' : 'vb';
    expect(lost[0]!.code).toBe(1);
    expect(lost[0]!.stderr).toMatch(
      new RegExp(
        `error: The tenant VDB1@R1 on environment 'e1' (is busy: job \\d+ \\(vdb\\.provision of vdb '${winner}'\\)` +
          `|belongs to VDB '${winner}')`,
      ),
    );
    expect(vdbNames()).toEqual([winner]);

    // Owned, not busy: still refused, naming the owner; another tenant on the same system is free.
    const again = await h.cli(provision('vc', { targetTenant: 'VDB1' }));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`The tenant VDB1@R1 on environment 'e1' belongs to VDB '${winner}' (status active)`);
    expect(again.stderr).toContain(`action: Provision to another tenant, or delete VDB '${winner}' first`);
    expect((await h.cli(provision('vd', { targetTenant: 'VDB2' }))).code).toBe(0);

    // Once the owner is deleted, the tenant can be provisioned again.
    expect((await h.cli(['vdb', 'delete', winner])).code).toBe(0);
    expect((await h.cli(provision('vc', { targetTenant: 'VDB1' }))).code).toBe(0);
    expect(vdbNames().sort()).toEqual(['vc', 'vd']);
  });

  it('while a job changes a tenant, a provision to it under another name is refused; other tenants run', async () => {
    const sleeping = join(h.scratch, 'sleeping');
    rmSync(sleeping, { force: true });
    const slow = finished(h.spawnCli(provision('vs', { targetTenant: 'VDB3', sleepSeconds: 4 })));
    while (!existsSync(sleeping) || !readFileSync(sleeping, 'utf8').includes('virtual.configure'))
      await new Promise((r) => setTimeout(r, 50));
    const busy = await h.cli(provision('ve', { targetTenant: 'VDB3' }));
    expect(busy.code).toBe(1);
    expect(busy.stderr).toMatch(/error: The tenant VDB3@R1 on environment 'e1' is busy: job \d+ \(vdb\.provision of vdb 'vs'\)/);
    expect((await h.cli(['vdb', 'refresh', 'vd'])).code).toBe(0);
    expect((await slow).code).toBe(0);
    expect(vdbNames()).not.toContain('ve');
  });
});
