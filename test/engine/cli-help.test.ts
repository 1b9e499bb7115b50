/** The command tree explains itself: --help everywhere, one error shape for parse failures, bash completion. */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { main } from '../../src/engine/cli/main.js';
import { program } from '../../src/engine/cli/tree.js';
import { createApp } from '../../src/engine/cli/app.js';
import { buildProgram, walk, pathOf } from '../../src/engine/cli/program.js';
import { DEMO_SPEC } from '../../tools/demo/cli.js';
import { SIM_SPEC } from '../../tools/hana-sim/cli.js';
import type { CliContext } from '../../src/engine/cli/command.js';

const exec = promisify(execFile);
const repoRoot = new URL('../..', import.meta.url).pathname;
const built = existsSync(join(repoRoot, 'dist/tools/demo/cli.js')) && existsSync(join(repoRoot, 'dist/tools/hana-sim/cli.js'));

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'hana-vdb-help-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(['--data-dir', join(dir, 'data'), ...args], {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    interactive: false,
  });
  return { code, stdout, stderr };
}

function tree() {
  const ctx: CliContext = {
    json: false,
    debug: false,
    dataDir: join(tmpdir(), 'hana-vdb-help-never-opened'),
    packageRoot: repoRoot,
    stdout: () => undefined,
    stderr: () => undefined,
    interactive: false,
  };
  return program(
    createApp(ctx, repoRoot),
    ctx,
    () => undefined,
    () => undefined,
  );
}

/** Every command path a user can ask --help of: the tree, and the words of `sim` (declared in its own module). */
function allPaths(): string[] {
  const simWords = walk(
    buildProgram(
      [SIM_SPEC],
      () => undefined,
      async () => undefined,
    ),
  )
    .slice(2)
    .map(pathOf);
  return [...walk(tree()).map(pathOf), ...simWords];
}

describe('hana-vdb --help', () => {
  const paths = allPaths();

  test('the tree has every pinned command, and sim its own words', () => {
    for (const p of ['env add', 'env discover', 'dsource link', 'dsource sync', 'vdb provision', 'vdb rewind', 'vdb delete']) {
      expect(paths).toContain(`hana-vdb ${p}`);
    }
    expect(paths).toEqual(
      expect.arrayContaining([
        'hana-vdb list',
        'hana-vdb show',
        'hana-vdb completion',
        'hana-vdb demo',
        'hana-vdb parse-backup-log',
        'hana-vdb sim',
        'hana-vdb sim start',
        'hana-vdb sim fault',
      ]),
    );
  });

  // demo and sim answer from dist/ (main loads them by path), as an installed hana-vdb does.
  (built ? test.each : test.skip.each)(paths)('%s --help: usage and examples, exit 0', async (path) => {
    const words = path.split(' ').slice(1);
    const r = await cli([...words, '--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: ${path}`);
    expect(r.stdout).toMatch(/\nExamples:\n {2}\$ hana-vdb /);
    for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(100);
    // `help COMMAND` says the same.
    expect((await cli(['help', ...words])).stdout).toBe(r.stdout);
  });

  test('demo and sim describe their options, from the declarations their parsers read', async () => {
    const demo = (await cli(['demo', '--help'])).stdout;
    for (const o of DEMO_SPEC.options!) expect(demo).toContain(o.flags);
    expect(demo).toMatch(/--scenario <NAME>\s+basic \(default\)/);
    expect(demo).not.toContain('[OPTIONS...]');
    const start = (await cli(['sim', 'start', '--help'])).stdout;
    for (const o of SIM_SPEC.subcommands!.find((c) => c.name === 'start')!.options!) expect(start).toContain(o.flags);
    expect(start).toMatch(/--bare\s+skip the ready step/);
    const pbl = (await cli(['parse-backup-log', '--help'])).stdout;
    expect(pbl).toContain('Usage: hana-vdb parse-backup-log [options] <FILE>');
    expect(pbl).toContain('--json prints\n{"operations":[{operationId');
  });

  test('demo refuses an unknown option naming the nearest one, before starting anything', async () => {
    const r = await cli(['demo', '--scenari', 'lag']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: Unknown option '--scenari' for hana-vdb demo\.\naction: Did you mean --scenario\?/);
  });

  test('--help --json is one JSON document', async () => {
    const r = await cli(['vdb', 'rewind', '--help', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).usage).toContain('Usage: hana-vdb vdb rewind [options] <NAME>');
  });
});

describe('parse errors: one line, then the fix', () => {
  const shape = (r: { code: number; stderr: string }) => {
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: [^\n]+\naction: [^\n]+\n$/);
  };

  test('an unknown option names the nearest valid one', async () => {
    const r = await cli(['vdb', 'refresh', 'qa1', '--snapshto', '3']);
    shape(r);
    expect(r.stderr).toContain("Unknown option '--snapshto'");
    expect(r.stderr).toContain('Did you mean --snapshot?');
    const d = await cli(['vdb', 'delete', 'qa1', '--forse']);
    shape(d);
    expect(d.stderr).toContain('Did you mean --force?');
  });

  test('an unknown subcommand names the nearest one', async () => {
    const r = await cli(['vdb', 'rewnd', 'qa1']);
    shape(r);
    expect(r.stderr).toContain("Unknown vdb command 'rewnd'");
    expect(r.stderr).toContain('Did you mean hana-vdb vdb rewind?');
  });

  test('missing options, arguments and subcommands; extra arguments', async () => {
    for (const [args, message] of [
      [['vdb', 'rewind', 'qa1'], 'Missing --snapshot.'],
      [['vdb', 'start'], 'Missing NAME.'],
      [['dsource'], 'Missing dsource command.'],
      [['env', 'discover', 'a', 'b'], "Unexpected argument 'b'."],
      [['completion', 'fish'], "Unknown shell 'fish'."],
    ] as const) {
      const r = await cli([...args]);
      shape(r);
      expect(r.stderr).toContain(message);
    }
  });

  test('with --json the error is also one document on stdout', async () => {
    const r = await cli(['vdb', 'stat', 'qa1', '--json']);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.message).toBe("Unknown vdb command 'stat'.");
  });
});

describe('hana-vdb completion', () => {
  const complete = async (shell: 'bash' | 'zsh', line: string[]) => {
    const script = (await cli(['completion', shell])).stdout;
    const words = line.map((w) => `'${w}'`).join(' ');
    const probe = `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _hana_vdb; printf '%s\\n' "\${COMPREPLY[@]}"`;
    const { stdout } = await exec('bash', ['--norc', '--noprofile', '-c', probe]);
    return stdout.trim().split('\n');
  };

  test('bash: the subcommands of hana-vdb vdb', async () => {
    expect((await complete('bash', ['hana-vdb', 'vdb', ''])).sort()).toEqual(
      ['delete', 'disable', 'enable', 'provision', 'refresh', 'rewind', 'snapshot', 'start', 'stop'].sort(),
    );
  });

  test('bash: options of a leaf, kinds of list, commands at the top', async () => {
    expect(await complete('bash', ['hana-vdb', 'vdb', 'provision', 'qa1', '--sn'])).toEqual(['--snapshot']);
    expect(await complete('bash', ['hana-vdb', 'list', 'sn'])).toEqual(['snapshots']);
    expect(await complete('bash', ['hana-vdb', 'ds'])).toEqual(['dsource']);
    expect(await complete('bash', ['hana-vdb', '--json', 'vdb', 'rew'])).toEqual(['rewind']);
  });

  test('zsh: the script is the bash function loaded through bashcompinit', async () => {
    const r = await cli(['completion', 'zsh']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^#compdef hana-vdb\n/);
    expect(r.stdout).toContain('bashcompinit');
    expect(r.stdout).toContain('complete -o default -F _hana_vdb hana-vdb');
  });
});
