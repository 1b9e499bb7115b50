/**
 * An EngineLibs for tests whose runBash runs the same script the engine sends over SSH
 * (src/engine/ssh/script.ts: exported variables, then the command) through a local
 * `bash --noprofile --norc -s`, so plugin code runs against real programs without SSH.
 * It counts remote commands, records progress reports and can simulate a dropped connection.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { LibraryError, PluginScriptError } from '../../src/sdk/errors.js';
import type { EngineLibs, ProgressReport, RunBashOptions, RunBashResponse } from '../../src/sdk/libs.js';
import type { RemoteConnection } from '../../src/sdk/platform.js';
import { buildScript } from '../../src/engine/ssh/script.js';

export interface LocalLibs extends EngineLibs {
  commands: string[];
  progress: ProgressReport[];
  logs: Array<{ level: string; message: string }>;
  /**
   * Make the next `times` runBash calls whose command matches fail as a dropped connection (LibraryError):
   * 'before' the command runs, or 'after' it ran (the answer is lost).
   */
  drop(o: { match: (command: string) => boolean; times: number; when: 'before' | 'after' }): void;
}

export function localLibs(opts: { env?: Record<string, string>; onRun?: (command: string) => void } = {}): LocalLibs {
  let dropping: { match: (command: string) => boolean; times: number; when: 'before' | 'after' } | null = null;
  const self: LocalLibs = {
    commands: [],
    progress: [],
    logs: [],
    drop(o) {
      dropping = { ...o };
    },
    async runBash(_c: RemoteConnection, command: string, options: RunBashOptions = {}): Promise<RunBashResponse> {
      self.commands.push(command);
      opts.onRun?.(command);
      let drop: 'before' | 'after' | null = null;
      if (dropping && dropping.times > 0 && dropping.match(command)) {
        dropping.times--;
        drop = dropping.when;
      }
      if (drop === 'before') throw new LibraryError('ssh.disconnected', 'The SSH connection was lost.');
      const res = await runLocal(buildScript(command, options.variables), opts.env ?? {});
      if (drop === 'after') throw new LibraryError('ssh.disconnected', 'The SSH connection was lost.');
      const { signal, ...response } = res;
      if (options.check && res.exitCode !== 0)
        throw new PluginScriptError(res.exitCode, res.stdout, res.stderr, signal ? { signal, where: 'on localhost' } : {});
      return response;
    },
    async runSync() {
      throw new Error('runSync is not used by this plugin');
    },
    async retrieveCredentials() {
      throw new Error('retrieveCredentials is not used by this plugin');
    },
    logger: {
      debug: (m) => self.logs.push({ level: 'debug', message: m }),
      info: (m) => self.logs.push({ level: 'info', message: m }),
      warn: (m) => self.logs.push({ level: 'warn', message: m }),
      error: (m) => self.logs.push({ level: 'error', message: m }),
    },
    reportProgress: (r) => {
      self.progress.push(r);
    },
  };
  return self;
}

/** As the engine's SSH runBash reports it: a shell ended by a signal exits 128 + its number, and names it. */
function runLocal(script: string, env: Record<string, string>): Promise<RunBashResponse & { signal?: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-s'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        exitCode: code ?? (signal ? 128 + (constants.signals[signal] ?? 0) : 255),
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        ...(signal ? { signal } : {}),
      }),
    );
    child.stdin.end(script);
  });
}

/** A RemoteConnection for tests (the local libs ignore it). */
export function testConnection(name = 'target'): RemoteConnection {
  return {
    environment: {
      name,
      reference: 'UNIX_HOST_ENVIRONMENT-1',
      host: { name: '127.0.0.1', reference: 'UNIX_HOST-1', binaryPath: '/tmp', scratchPath: '/tmp' },
    },
    user: { name: 'hana', reference: 'HOST_USER-1' },
  };
}
