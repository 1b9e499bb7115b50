/**
 * The installable package: `npm pack` (which builds dist/ through `prepare`), then `npm install -g` of the
 * tarball into a temporary prefix, then the three commands run from another directory, as on a clean machine.
 * Slow (minutes: the pack builds, the install fetches the dependencies), so it runs as `npm run test:package`.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

const repoRoot = new URL('../..', import.meta.url).pathname;

describe('npm pack → npm install -g --prefix → run from anywhere', () => {
  let dir: string;
  let prefix: string;
  let elsewhere: string;
  const run = (bin: string, args: string[]) =>
    execa(join(prefix, 'bin', bin), args, {
      cwd: elsewhere,
      reject: false,
      env: { ...process.env, HANA_VDB_HOME: join(dir, 'home') },
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-package-'));
    prefix = join(dir, 'prefix');
    elsewhere = mkdtempSync(join(dir, 'cwd-'));
    await execa('npm', ['pack', '--pack-destination', dir], { cwd: repoRoot });
    const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'))!;
    // --prefer-offline: the dependencies come from npm's cache where the checkout's own install put them (on CI, minutes
    // of registry round trips saved); anything missing there is still fetched, so this proves the same install.
    await execa('npm', ['install', '-g', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', join(dir, tarball)], {
      cwd: elsewhere,
    });
  }, 1_200_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships the built program, not the sources or tests', async () => {
    const { stdout } = await execa('tar', [
      'tzf',
      join(
        dir,
        readdirSync(dir).find((f) => f.endsWith('.tgz'))!,
      ),
    ]);
    expect(stdout).toContain('package/dist/src/engine/cli/main.js');
    expect(stdout).toContain('package/dist/plugin/index.js');
    expect(stdout).toContain('package/plugin_config.yml');
    expect(stdout).toContain('package/src/engine/console/public/index.html');
    expect(stdout).not.toMatch(/package\/test\//);
    expect(stdout).not.toMatch(/\.ts\n/);
  });

  it('hana-backint -v answers its software id', async () => {
    const r = await run('hana-backint', ['-v']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^#SOFTWAREID "backint 1\.\d+" "hana-vdb hana-backint /);
  });

  it('hana-vdb-meta runs (usage on --help)', async () => {
    const r = await run('hana-vdb-meta', ['--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('hana-vdb-meta show ID|VDB');
  });

  it('hana-vdb demo runs to its report', async () => {
    const r = await run('hana-vdb', ['demo', '--json']);
    expect(r.exitCode).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ scenario: 'basic', vdbs: [expect.anything(), expect.anything()] });
  }, 600_000);
});
