/**
 * One exec request: `<shell> -c <command>` as the current OS user from the session's home directory, with a
 * minimal login-like environment plus the server's `env`. stdin/stdout/stderr and the exit status are
 * wired to the channel. SSH "env" requests are ignored, as OpenSSH does without AcceptEnv.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { userInfo } from 'node:os';
import type { ServerChannel } from 'ssh2';

/** The environment of a session of login user `login` (default: the real OS user), as OpenSSH sets it up. */
export function sessionEnvironment(home: string, extra: Record<string, string>, login?: string): Record<string, string> {
  const user = userInfo();
  return {
    HOME: home,
    USER: login ?? user.username,
    LOGNAME: login ?? user.username,
    SHELL: user.shell ?? '/bin/bash',
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    LANG: 'C.UTF-8',
    ...extra,
  };
}

/** Run `command` on `stream`; returns the child so the server can kill it when the connection goes away. */
export function runExec(
  stream: ServerChannel,
  command: string,
  shell: string,
  env: Record<string, string>,
  home: string,
): ChildProcess {
  // Own process group, so closing the connection can stop the whole command tree.
  const child = spawn(shell, ['-c', command], { cwd: home, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  child.stdin!.on('error', () => undefined); // the command may exit before reading all of stdin
  stream.pipe(child.stdin!);
  child.stdout!.on('data', (d: Buffer) => stream.write(d));
  child.stderr!.on('data', (d: Buffer) => stream.stderr.write(d));
  child.on('error', (err) => {
    stream.stderr.write(`${shell}: ${err.message}\n`);
    stream.exit(127);
    stream.end();
  });
  child.on('close', (code, signal) => {
    if (signal) stream.exit(signal.replace(/^SIG/, ''), false, '');
    else stream.exit(code ?? 0);
    stream.end();
  });
  stream.on('close', () => killTree(child));
  return child;
}

export function killTree(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGHUP');
  } catch {
    /* already gone */
  }
}
