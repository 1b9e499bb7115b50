/** The engine's SSH client against a real OpenSSH sshd (npm run test:openssh). */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibraryError, PluginScriptError, UserError } from '../../src/sdk/errors.js';
import { SshConnection, type SshTarget } from '../../src/engine/ssh/connection.js';
import { generateUserKeyPair } from '../../tools/embedded-sshd/index.js';
import { SSHD, sessionPids, startPrivateSshd, type PrivateSshd } from '../support/private-sshd.js';

const present = existsSync(SSHD);
if (!present) {
  console.warn(`OpenSSH suite skipped: ${SSHD} is not installed (apt-get install -y openssh-server).`);
}
const suite = present ? describe : describe.skip;

suite('engine SSH client against OpenSSH sshd', () => {
  let sshd: PrivateSshd;
  let dir: string;
  const target = (over: Partial<SshTarget> = {}): SshTarget => ({
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    auth: { kind: 'key', privateKeyFile: sshd.privateKeyFile },
    hostKey: { kind: 'fingerprint', fingerprint: sshd.hostKeyFingerprint },
    ...over,
  });

  beforeAll(async () => {
    sshd = await startPrivateSshd();
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-openssh-t-'));
  });
  afterAll(async () => {
    await sshd?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runBash: variables reach the command as environment (OpenSSH ignores env requests), exit codes and check work', async () => {
    const conn = await SshConnection.connect(target());
    try {
      const value = `a'b "c" $d \`e\`\nline2`;
      const r = await conn.runBash('printf %s "$SECRET_VALUE"; echo "|$0|$-" >&2', { variables: { SECRET_VALUE: value } });
      expect(r.exitCode).toBe(0);
      expect(r.stdout).toBe(value);
      expect(r.stderr).toMatch(/^\|bash\|/);
      await expect(conn.runBash('exit 5', { check: true })).rejects.toBeInstanceOf(PluginScriptError);
      expect((await conn.runBash('exit 5')).exitCode).toBe(5);
    } finally {
      await conn.close();
    }
  });

  it('refuses a host key that does not match', async () => {
    const err = await SshConnection.connect(
      target({ hostKey: { kind: 'fingerprint', fingerprint: 'SHA256:' + 'C'.repeat(43) } }),
    ).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(`presented ${sshd.hostKeyFingerprint}`);
  });

  it('reports an authentication failure clearly', async () => {
    const stranger = generateUserKeyPair(join(dir, 'stranger'));
    const err = await SshConnection.connect(target({ auth: { kind: 'key', privateKeyFile: stranger.privateKeyFile } })).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toBe(
      `Authentication as ${sshd.user} on 127.0.0.1:${sshd.port} failed with the key ${stranger.privateKeyFile}.`,
    );
  });

  it('a connection dropped mid-command (session sshd killed) is a LibraryError', async () => {
    const conn = await SshConnection.connect(target());
    const marker = join(dir, 'running');
    const running = conn.runBash(`touch ${marker}; sleep 60`).catch((e) => e);
    while (!existsSync(marker)) await new Promise((r) => setTimeout(r, 20));
    const pids = sessionPids(sshd.pid);
    expect(pids.length).toBeGreaterThan(0);
    for (const pid of pids) process.kill(pid, 'SIGKILL');
    const err = await running;
    expect(err).toBeInstanceOf(LibraryError);
    expect(err.id).toBe('CONNECTION_LOST');
  });
});
