/**
 * docs/FIRST-VDB.md, run as written on a fresh simulator: its shell blocks in order, through the installed
 * command names (hana-vdb, hana-vdb-meta on PATH), with stdout not a terminal. `hana-vdb sim start` must leave a
 * ready landscape, so the first hand-made dsource link and vdb provision succeed; the provision's progress lines
 * must never go back. Requires a prior build (npm test does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { packageRoot, requireBuild } from './support.js';

const doc = readFileSync(join(packageRoot, 'docs', 'FIRST-VDB.md'), 'utf8');
const shellBlocks = [...doc.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('Your first VDB by hand (docs/FIRST-VDB.md)', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let sim: ChildProcess | undefined;
  let simOut = '';
  const outputs: { block: string; stdout: string; stderr: string }[] = [];

  const sh = async (block: string) => {
    const r = await execa('bash', ['-euo', 'pipefail', '-c', block], { cwd: dir, env, reject: false });
    outputs.push({ block, stdout: r.stdout, stderr: r.stderr });
    if (r.exitCode !== 0) throw new Error(`${block}\nexited ${r.exitCode}:\n${r.stdout}\n${r.stderr}`);
    return r;
  };

  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-first-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const name of ['hana-vdb', 'hana-vdb-meta']) symlinkSync(join(packageRoot, 'bin', `${name}.js`), join(bin, name));
    env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, HANA_VDB_HOME: join(dir, 'home') };
  });

  afterAll(async () => {
    if (sim?.pid && sim.exitCode === null) {
      const gone = new Promise((r) => sim!.once('exit', r));
      sim.kill('SIGINT');
      await gone;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('the walkthrough has its blocks: sim start, the listing, link, provision, show, meta show', () => {
    expect(shellBlocks.length).toBe(7);
    expect(shellBlocks[0]).toContain('hana-vdb sim start');
    expect(shellBlocks[1]).toMatch(/^export HANA_VDB_HOME=/);
    expect(shellBlocks[2]).toContain('hana-vdb list source-configs');
    expect(shellBlocks[3]).toContain('hana-vdb dsource link erp');
    expect(shellBlocks[4]).toContain('hana-vdb vdb provision vdb1');
    expect(shellBlocks[5]).toContain('hana-vdb show vdb vdb1');
    expect(shellBlocks[6]).toContain('hana-vdb-meta show vdb1');
  });

  it('sim start leaves a ready landscape and prints the env add line', async () => {
    // The doc's first block, with HANA_VDB_HOME pointing into this test's directory.
    const block = shellBlocks[0]!.replace(/^export HANA_VDB_HOME=.*$/m, '');
    sim = spawn('bash', ['-c', `exec ${block.trim()}`], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    sim.stderr!.on('data', (d: Buffer) => (simOut += d.toString()));
    await new Promise<void>((ok, fail) => {
      sim!.stdout!.on('data', (d: Buffer) => {
        simOut += d.toString();
        if (simOut.includes('Clock: ')) ok();
      });
      sim!.once('exit', (code) => fail(new Error(`sim start exited ${code}: ${simOut}`)));
    });
    expect(simOut).toMatch(
      /^Ready: PRD\/ERP has data backup INITIAL and \d+ log backups; key PRD_RECOVERY is readable on hanaqas$/m,
    );
  }, 240_000);

  it('the env add line sim start printed adds the environment', async () => {
    const line = /^Engine: (hana-vdb env add sim .*)$/m.exec(simOut)?.[1];
    expect(line).toBeDefined();
    expect((await sh(line!)).stdout).toContain('Environment sim added (UNIX_HOST_ENVIRONMENT-1); 2 repositories discovered.');
    expect((await sh(shellBlocks[2]!)).stdout).toMatch(/ERP@PRD +true/);
  }, 120_000);

  it('the first dsource link works', async () => {
    expect((await sh(shellBlocks[3]!)).stdout).toContain('dSource erp linked (ERP@PRD in PRD HDB00');
  }, 180_000);

  it('the first vdb provision works, its progress lines (stdout not a TTY) never going back', async () => {
    const r = await sh(shellBlocks[4]!);
    expect(r.stdout).toContain('VDB vdb1 provisioned from snapshot 1; VDB snapshot 2.');
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('[job '));
    expect(lines.length).toBeGreaterThan(4);
    expect(r.stderr).not.toContain('\r');
    const percents = lines.map((l) => Number(/\] (\d+)% /.exec(l)?.[1]));
    expect(percents.every(Number.isFinite)).toBe(true);
    // Each line's percent is at least the one before it (the line is in the message when it fails).
    const back = lines.filter((_, i) => i > 0 && percents[i]! < percents[i - 1]!);
    expect(back).toEqual([]);
    expect(percents.at(-1)).toBe(100);
    expect(lines.some((l) => /recovering: /.test(l))).toBe(true);
  }, 240_000);

  it('show vdb and hana-vdb-meta show tell the recovery', async () => {
    const show = (await sh(shellBlocks[5]!)).stdout;
    expect(show).toMatch(/^VDB vdb1: active$/m);
    expect(show).toMatch(/^1 +provision +1 +.* succeeded$/m);
    const meta = (await sh(shellBlocks[6]!)).stdout;
    expect(meta).toContain('Recovery history (1 attempt)');
    expect(meta).toMatch(/#1 provision of vdb1: succeeded/);
  }, 60_000);
});
