/**
 * A private OpenSSH sshd for the interop suite: own config, host key, authorized_keys and PidFile in a
 * temp dir, 127.0.0.1 on a free port (never 22), started with -D and stopped by its pid.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const SSHD = '/usr/sbin/sshd';

export interface PrivateSshd {
  dir: string;
  host: string;
  port: number;
  user: string;
  pid: number;
  hostKeyFingerprint: string;
  privateKeyFile: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}: ${log()}`);
    const up = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1', () => {
        c.destroy();
        resolve(true);
      });
      c.on('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not listen on ${port}: ${log()}`);
}

export async function startPrivateSshd(): Promise<PrivateSshd> {
  const dir = mkdtempSync(join(tmpdir(), 'hana-vdb-openssh-'));
  mkdirSync(join(dir, 'user'));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'ssh_host_ed25519_key')]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'user', 'id_ed25519')]);
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'user', 'id_ed25519.pub')), { mode: 0o600 });
  const port = await freePort();
  // The privilege-separation directory must exist when sshd runs as root.
  if (process.getuid?.() === 0 && !existsSync('/run/sshd')) mkdirSync('/run/sshd', { mode: 0o755 });
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'ssh_host_ed25519_key')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    'StrictModes no',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'UsePAM no',
    `SetEnv PATH=${process.env.PATH ?? '/usr/bin:/bin'}`,
    'LogLevel VERBOSE',
  ].join('\n');
  writeFileSync(join(dir, 'sshd_config'), `${config}\n`);
  let log = '';
  const child = spawn(SSHD, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.on('data', (d: Buffer) => (log += d));
  await waitForPort(port, child, () => log);
  const pub = readFileSync(join(dir, 'ssh_host_ed25519_key.pub'), 'utf8').split(' ')[1]!;
  return {
    dir,
    host: '127.0.0.1',
    port,
    user: userInfo().username,
    pid: child.pid!,
    hostKeyFingerprint: 'SHA256:' + createHash('sha256').update(Buffer.from(pub, 'base64')).digest('base64').replace(/=+$/, ''),
    privateKeyFile: join(dir, 'user', 'id_ed25519'),
    async close() {
      if (child.exitCode === null) {
        process.kill(child.pid!, 'SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Pids of the per-connection sshd processes (children of the listener). */
export function sessionPids(listenerPid: number): number[] {
  try {
    return execFileSync('pgrep', ['-P', String(listenerPid)], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}
