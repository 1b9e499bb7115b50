/**
 * One SSH connection to a host (ssh2 client): host key verified before authentication, TCP no-delay,
 * keepalive, connect and command timeouts. runBash sends the script on the channel's stdin of a fixed
 * remote command (script.ts), so variables never appear on a command line.
 *
 * Errors: a refused host key or failed authentication is a UserError (the user fixes the environment);
 * an unreachable host, a timeout or a dropped connection is a LibraryError (the plugin may retry).
 */
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';
import { StringDecoder } from 'node:string_decoder';
import ssh2 from 'ssh2';
import type { Client, ClientChannel, ConnectConfig } from 'ssh2';
import { LibraryError, PluginScriptError, UserError } from '../../sdk/errors.js';
import type { RunBashOptions, RunBashResponse } from '../../sdk/libs.js';
import { redactor as defaultRedactor, type Redactor } from '../log/redact.js';
import { verifyHostKey, type HostKeyPolicy } from './host-key.js';
import { buildScript, REMOTE_COMMAND, REMOTE_LOGIN_COMMAND } from './script.js';

export type SshAuth = { kind: 'key'; privateKeyFile: string } | { kind: 'password'; passwordEnv: string };

export interface SshTarget {
  host: string;
  port: number;
  user: string;
  auth: SshAuth;
  hostKey: HostKeyPolicy;
}

export interface SshTimeouts {
  /** TCP connect + handshake + authentication. */
  connectMs: number;
  /** Default limit of one runBash call (a call's own timeoutMs wins). 0 = none. */
  commandMs: number;
  /** Keepalive interval; the connection is dropped after 3 unanswered. */
  keepaliveMs: number;
}

export const DEFAULT_TIMEOUTS: SshTimeouts = { connectMs: 20_000, commandMs: 0, keepaliveMs: 15_000 };

export interface ConnectOptions {
  timeouts?: Partial<SshTimeouts>;
  redactor?: Redactor;
  /** Where password environment variables are read (default process.env). */
  env?: NodeJS.ProcessEnv;
}

/** Read the credentials the target points at; the password is registered for redaction. */
function credentials(
  target: SshTarget,
  env: NodeJS.ProcessEnv,
  redactor: Redactor,
): Pick<ConnectConfig, 'privateKey' | 'password'> {
  if (target.auth.kind === 'key') {
    try {
      return { privateKey: readFileSync(target.auth.privateKeyFile) };
    } catch (e) {
      throw new UserError(
        `Cannot read the private key file ${target.auth.privateKeyFile}: ${(e as Error).message}.`,
        'Check the path and its permissions, or re-add the environment with --key FILE.',
      );
    }
  }
  const password = env[target.auth.passwordEnv];
  if (password === undefined || password === '') {
    throw new UserError(
      `The environment variable ${target.auth.passwordEnv}, which holds the SSH password for ${target.user}@${target.host}, ` +
        'is not set.',
      `Export ${target.auth.passwordEnv} with the password before running hana-vdb.`,
    );
  }
  redactor.addSecret(password);
  return { password };
}

function connectError(err: Error & { level?: string; code?: string }, target: SshTarget, connectMs: number): Error {
  const where = `${target.host}:${target.port}`;
  if (err.level === 'client-authentication') {
    const how =
      target.auth.kind === 'key' ? `the key ${target.auth.privateKeyFile}` : `the password from $${target.auth.passwordEnv}`;
    return new UserError(
      `Authentication as ${target.user} on ${where} failed with ${how}.`,
      target.auth.kind === 'key'
        ? `Add the public key (${target.auth.privateKeyFile}.pub) to ~${target.user}/.ssh/authorized_keys on the host, ` +
            'or use the right --key.'
        : `Check the password in $${target.auth.passwordEnv} and that the server allows password authentication.`,
    );
  }
  if (err.level === 'client-timeout' || err.code === 'ETIMEDOUT') {
    return new LibraryError('CONNECT_TIMEOUT', `Connecting to ${where} timed out after ${connectMs} ms.`);
  }
  if (err.code === 'ECONNREFUSED')
    return new LibraryError('HOST_UNREACHABLE', `Cannot connect to ${where}: connection refused (is sshd running on that port?).`);
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN')
    return new LibraryError('HOST_UNREACHABLE', `Cannot resolve the host name ${target.host}.`);
  if (err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH')
    return new LibraryError('HOST_UNREACHABLE', `Host ${where} is unreachable.`);
  return new LibraryError('CONNECT_FAILED', `SSH connection to ${where} failed: ${err.message}.`);
}

/** ssh2 reports an exit-signal as (null, 'SIGKILL'): the shell's convention 128 + n keeps exitCode meaningful. */
function signalEnd(signal: string): { exitCode: number; endedBy: string } {
  const endedBy = signal.startsWith('SIG') ? signal : `SIG${signal}`;
  return { exitCode: 128 + (constants.signals[endedBy as keyof typeof constants.signals] ?? 0), endedBy };
}

export class SshConnection {
  private readonly pending = new Set<(err: Error) => void>();
  private lost: Error | undefined;

  private constructor(
    private readonly client: Client,
    readonly target: SshTarget,
    private readonly timeouts: SshTimeouts,
  ) {
    client.on('error', (err) => this.drop(err));
    client.on('close', () => this.drop());
  }

  static async connect(target: SshTarget, opts: ConnectOptions = {}): Promise<SshConnection> {
    const timeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
    const redactor = opts.redactor ?? defaultRedactor;
    const creds = credentials(target, opts.env ?? process.env, redactor);
    const client = new ssh2.Client();
    let refusal: UserError | undefined;
    await new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => {
        client.end();
        reject(refusal ?? connectError(err, target, timeouts.connectMs));
      };
      client.once('ready', () => {
        client.off('error', fail);
        resolve();
      });
      client.once('error', fail);
      client.once('close', () => fail(new Error('connection closed during the handshake')));
      client.connect({
        host: target.host,
        port: target.port,
        username: target.user,
        ...creds,
        readyTimeout: timeouts.connectMs,
        keepaliveInterval: timeouts.keepaliveMs,
        keepaliveCountMax: 3,
        hostVerifier: (key: Buffer) => {
          const verdict = verifyHostKey(target.hostKey, target.host, target.port, key);
          if (!verdict.ok) refusal = verdict.error;
          return verdict.ok;
        },
      });
      // Without no-delay every small channel write waits for Nagle (~40 ms per command).
      client.once('handshake', () => client.setNoDelay(true));
    });
    client.removeAllListeners('close');
    client.removeAllListeners('error');
    return new SshConnection(client, target, timeouts);
  }

  get closed(): boolean {
    return this.lost !== undefined;
  }

  private drop(err?: Error): void {
    if (this.lost) return;
    const where = `${this.target.host}:${this.target.port}`;
    this.lost = new LibraryError('CONNECTION_LOST', `The SSH connection to ${where} was lost${err ? `: ${err.message}` : ''}.`);
    for (const reject of this.pending) reject(this.lost);
    this.pending.clear();
  }

  /** libs.runBash: run `command` in a non-login bash with `variables` as its environment. */
  runBash(command: string, options: RunBashOptions = {}): Promise<RunBashResponse> {
    const script = buildScript(command, options.variables ?? {});
    if (this.lost) return Promise.reject(this.lost);
    const remote = options.useLoginShell ? REMOTE_LOGIN_COMMAND : REMOTE_COMMAND;
    const limit = options.timeoutMs ?? this.timeouts.commandMs;
    return new Promise<RunBashResponse>((resolve, reject) => {
      let settled = false;
      let stream: ClientChannel | undefined;
      let timer: NodeJS.Timeout | undefined;
      const finish = (err: Error | undefined, res?: RunBashResponse) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        this.pending.delete(onLost);
        if (err) reject(err);
        else resolve(res!);
      };
      const onLost = (err: Error) => finish(err);
      this.pending.add(onLost);
      if (limit > 0) {
        timer = setTimeout(() => {
          stream?.signal('KILL');
          stream?.close();
          finish(
            new LibraryError(
              'COMMAND_TIMEOUT',
              `A remote command on ${this.target.host}:${this.target.port} did not finish within ${limit} ms and was abandoned.`,
            ),
          );
        }, limit);
      }
      this.client.exec(remote, (err, ch) => {
        if (err)
          return finish(
            new LibraryError(
              'EXEC_FAILED',
              `Cannot start a remote command on ${this.target.host}:${this.target.port}: ${err.message}.`,
            ),
          );
        stream = ch;
        const out = new StringDecoder('utf8');
        const errOut = new StringDecoder('utf8');
        let stdout = '';
        let stderr = '';
        let exitCode: number | undefined;
        let endedBy: string | undefined;
        ch.on('data', (d: Buffer) => {
          const text = out.write(d);
          stdout += text;
          if (text) options.onStdout?.(text);
        });
        ch.stderr.on('data', (d: Buffer) => (stderr += errOut.write(d)));
        ch.on('exit', (code: number | null, signal?: string) => {
          if (code !== null && code !== undefined) exitCode = code;
          else if (signal) ({ exitCode, endedBy } = signalEnd(signal));
        });
        ch.on('close', () => {
          stdout += out.end();
          stderr += errOut.end();
          if (exitCode === undefined) {
            return finish(
              this.lost ??
                new LibraryError(
                  'CONNECTION_LOST',
                  `The remote command on ${this.target.host}:${this.target.port} ended without an exit status ` +
                    '(the session was dropped).',
                ),
            );
          }
          if (options.check && exitCode !== 0) {
            const where = `on ${this.target.host}:${this.target.port}`;
            return finish(new PluginScriptError(exitCode, stdout, stderr, { where, ...(endedBy ? { signal: endedBy } : {}) }));
          }
          finish(undefined, { exitCode, stdout, stderr });
        });
        ch.end(script);
      });
    });
  }

  close(): Promise<void> {
    if (this.lost) return Promise.resolve();
    return new Promise((resolve) => {
      this.client.once('close', () => resolve());
      this.client.end();
    });
  }
}
