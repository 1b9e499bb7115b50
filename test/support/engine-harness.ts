/**
 * A test landscape for the engine: an embedded sshd on 127.0.0.1 with a fresh user key, a scratch
 * directory standing in for the host's file system (repos/<repo>/<db>/data), a data directory, and a
 * runner for the real `hana-vdb` CLI (bin/hana-vdb.js, from dist/) using the plain-JS fixture plugin.
 * Tests must call close() in afterAll.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateUserKeyPair, startEmbeddedSshd, type EmbeddedSshd } from '../../tools/embedded-sshd/index.js';

/** The repository root, found from this file (test/support/ or dist/test/support/). */
export function repoRoot(): string {
  const here = fileURLToPath(new URL('.', import.meta.url));
  return here.includes('/dist/test/support') ? join(here, '../../..') : join(here, '../..');
}

export const FIXTURE_PLUGIN_DIR = join(repoRoot(), 'test', 'fixtures', 'engine-plugin');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON when it is JSON. */
  json: any;
}

export interface CliRunner {
  /** Run hana-vdb and wait for it. */
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** Start hana-vdb without waiting (for kill tests). */
  spawnCli(args: string[], env?: Record<string, string>): ChildProcess;
  /** SIGKILL every child still running. */
  killAll(): void;
}

/**
 * Runs the real `hana-vdb` CLI (bin/hana-vdb.js) against `dataDir`: with `pluginDir` (`--plugin-dir`), else with
 * the fixture plugin; `tailArgs` go after every command's own arguments (e.g. `--json`).
 */
export function cliRunner(o: { dataDir: string; pluginDir?: string; tailArgs?: string[] }): CliRunner {
  const bin = join(repoRoot(), 'bin', 'hana-vdb.js');
  const children = new Set<ChildProcess>();
  const pluginArgs = o.pluginDir ? ['--plugin-dir', o.pluginDir] : [];
  const pluginEnv = o.pluginDir ? {} : { HANA_VDB_PLUGIN_DIR: FIXTURE_PLUGIN_DIR };
  const spawnCli = (args: string[], env: Record<string, string> = {}) => {
    const child = spawn(process.execPath, [bin, '--data-dir', o.dataDir, ...pluginArgs, ...args, ...(o.tailArgs ?? [])], {
      env: { ...process.env, ...pluginEnv, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    child.on('exit', () => children.delete(child));
    return child;
  };
  const cli = (args: string[], env?: Record<string, string>) =>
    new Promise<CliResult>((resolve, reject) => {
      const child = spawnCli(args, env);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d));
      child.stderr!.on('data', (d: Buffer) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code) => {
        let json: unknown;
        try {
          json = JSON.parse(stdout);
        } catch {
          json = undefined;
        }
        resolve({ code: code ?? -1, stdout, stderr, json });
      });
    });
  return {
    cli,
    spawnCli,
    killAll: () => {
      for (const c of children) c.kill('SIGKILL');
    },
  };
}

export interface EngineHarness {
  dir: string;
  dataDir: string;
  scratch: string;
  sshd: EmbeddedSshd;
  privateKeyFile: string;
  /** Every exec request's command string seen by the server. */
  execCommands: string[];
  /** Create <scratch>/repos/<repo>/<db>/data with `content`. */
  addDatabase(repo: string, db: string, content: string): void;
  /** Arguments for `env add NAME` against this sshd (key auth, pinned host key, scratch path). */
  envAddArgs(name: string): string[];
  /** Run hana-vdb with --data-dir and the fixture plugin. */
  cli(args: string[], env?: Record<string, string>): Promise<CliResult>;
  /** Start hana-vdb without waiting (for kill tests). */
  spawnCli(args: string[], env?: Record<string, string>): ChildProcess;
  writeJson(name: string, value: unknown): string;
  close(): Promise<void>;
}

export async function startEngineHarness(opts: { password?: string } = {}): Promise<EngineHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'hana-vdb-engine-'));
  const dataDir = join(dir, 'data');
  const scratch = join(dir, 'host');
  mkdirSync(join(scratch, 'repos'), { recursive: true });
  const key = generateUserKeyPair(join(dir, 'user'));
  writeFileSync(join(dir, 'authorized_keys'), `${key.publicKeyLine}\n`);
  const execCommands: string[] = [];
  const sshd = await startEmbeddedSshd({
    hostKeyFile: join(dir, 'host_key'),
    authorizedKeysFile: join(dir, 'authorized_keys'),
    password: opts.password,
    home: scratch,
    onExec: (c) => execCommands.push(c),
  });
  const runner = cliRunner({ dataDir });
  return {
    dir,
    dataDir,
    scratch,
    sshd,
    privateKeyFile: key.privateKeyFile,
    execCommands,
    addDatabase(repo, db, content) {
      mkdirSync(join(scratch, 'repos', repo, db), { recursive: true });
      writeFileSync(join(scratch, 'repos', repo, db, 'data'), content);
    },
    envAddArgs(name) {
      return [
        'env',
        'add',
        name,
        '--host',
        sshd.host,
        '--port',
        String(sshd.port),
        '--user',
        sshd.user,
        '--key',
        key.privateKeyFile,
        '--host-key',
        sshd.hostKeyFingerprint,
        '--scratch-path',
        scratch,
      ];
    },
    spawnCli: runner.spawnCli,
    cli: runner.cli,
    writeJson(name, value) {
      const file = join(dir, name);
      writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value));
      return file;
    },
    async close() {
      runner.killAll();
      await sshd.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
