import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LibraryError, UserError } from '../../src/sdk/errors.js';
import { SshConnection, type SshTarget } from '../../src/engine/ssh/connection.js';
import { SshPool } from '../../src/engine/ssh/pool.js';
import { REMOTE_COMMAND } from '../../src/engine/ssh/script.js';
import { Redactor } from '../../src/engine/log/redact.js';
import { generateUserKeyPair, startEmbeddedSshd, type EmbeddedSshd } from '../../tools/embedded-sshd/index.js';

describe('SSH client against the embedded sshd', () => {
  let dir: string;
  let sshd: EmbeddedSshd;
  let key: { privateKeyFile: string; publicKeyLine: string };
  const commands: string[] = [];
  const target = (over: Partial<SshTarget> = {}): SshTarget => ({
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    auth: { kind: 'key', privateKeyFile: key.privateKeyFile },
    hostKey: { kind: 'fingerprint', fingerprint: sshd.hostKeyFingerprint },
    ...over,
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-ssh-'));
    key = generateUserKeyPair(join(dir, 'user'));
    writeFileSync(join(dir, 'authorized_keys'), `${key.publicKeyLine}\n`);
    sshd = await startEmbeddedSshd({
      hostKeyFile: join(dir, 'host_key'),
      authorizedKeysFile: join(dir, 'authorized_keys'),
      password: 'pw-Zq81!x',
      onExec: (c) => commands.push(c),
    });
  });
  afterAll(async () => {
    await sshd.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers variables as environment inside the stdin script; the exec command line is always the fixed one', async () => {
    const conn = await SshConnection.connect(target());
    try {
      commands.length = 0;
      const tricky = `it's "quoted" $HOME \`id\` \\ ; rm -rf /nonexistent\nsecond line`;
      const res = await conn.runBash('printf "%s" "$TRICKY"; echo err >&2; exit 4', { variables: { TRICKY: tricky } });
      expect(res).toEqual({ exitCode: 4, stdout: tricky, stderr: 'err\n' });
      expect(commands).toEqual([REMOTE_COMMAND]);
      expect(commands.join('\n')).not.toContain('TRICKY');
      // A command that reads stdin must not swallow the rest of the script.
      const cat = await conn.runBash('cat; echo after', {});
      expect(cat.stdout).toBe('after\n');
    } finally {
      await conn.close();
    }
  });

  it('check turns a non-zero exit into PluginScriptError; bad variable names are refused before sending', async () => {
    const conn = await SshConnection.connect(target());
    try {
      await expect(conn.runBash('echo out; exit 9', { check: true })).rejects.toMatchObject({
        name: 'PluginScriptError',
        exitCode: 9,
        stdout: 'out\n',
      });
      await expect(conn.runBash('true', { check: true })).resolves.toMatchObject({ exitCode: 0 });
      expect(() => conn.runBash('true', { variables: { 'BAD NAME': 'x' } })).toThrow(/not a valid shell variable name/);
    } finally {
      await conn.close();
    }
  });

  it('refuses a host key that does not match the pinned fingerprint', async () => {
    const wrong = 'SHA256:' + 'A'.repeat(43);
    const err = await SshConnection.connect(target({ hostKey: { kind: 'fingerprint', fingerprint: wrong } })).catch((e) => e);
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain('does not match the pinned fingerprint');
    expect(err.message).toContain(sshd.hostKeyFingerprint);
  });

  it('known_hosts: unknown host refused with its fingerprint; accept-new records, then verifies; changed key refused', async () => {
    const kh = join(dir, 'known_hosts_1');
    const refused = await SshConnection.connect(target({ hostKey: { kind: 'known-hosts', file: kh, acceptNew: false } })).catch(
      (e) => e,
    );
    expect(refused).toBeInstanceOf(UserError);
    expect(refused.message).toContain('not in');
    expect(refused.action).toContain(sshd.hostKeyFingerprint);
    expect(existsSync(kh)).toBe(false);

    const first = await SshConnection.connect(target({ hostKey: { kind: 'known-hosts', file: kh, acceptNew: true } }));
    await first.close();
    expect(readFileSync(kh, 'utf8')).toMatch(new RegExp(`^\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 `));
    const again = await SshConnection.connect(target({ hostKey: { kind: 'known-hosts', file: kh, acceptNew: false } }));
    await again.close();

    // Another server on the same address:port story: record a different key for it.
    const other = generateUserKeyPair(join(dir, 'other'));
    writeFileSync(kh, `[127.0.0.1]:${sshd.port} ${other.publicKeyLine}\n`);
    const changed = await SshConnection.connect(target({ hostKey: { kind: 'known-hosts', file: kh, acceptNew: true } })).catch(
      (e) => e,
    );
    expect(changed).toBeInstanceOf(UserError);
    expect(changed.message).toContain('does not match known_hosts');
    expect(readFileSync(kh, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('known_hosts: hashed entries match', async () => {
    const plain = join(dir, 'known_hosts_2');
    const c = await SshConnection.connect(target({ hostKey: { kind: 'known-hosts', file: plain, acceptNew: true } }));
    await c.close();
    const [, type, b64] = readFileSync(plain, 'utf8').trim().split(' ');
    const salt = randomBytes(20);
    const hash = createHmac('sha1', salt).update(`[127.0.0.1]:${sshd.port}`).digest('base64');
    const hashed = join(dir, 'known_hosts_3');
    writeFileSync(hashed, `|1|${salt.toString('base64')}|${hash} ${type} ${b64}\n`);
    const ok = await SshConnection.connect(target({ hostKey: { kind: 'known-hosts', file: hashed, acceptNew: false } }));
    await ok.close();
  });

  it('password authentication reads the password from the named environment variable and registers it as a secret', async () => {
    const redactor = new Redactor();
    const conn = await SshConnection.connect(target({ auth: { kind: 'password', passwordEnv: 'T_SSH_PW' } }), {
      env: { T_SSH_PW: 'pw-Zq81!x' },
      redactor,
    });
    expect((await conn.runBash('echo ok')).stdout).toBe('ok\n');
    await conn.close();
    expect(redactor.redact('x pw-Zq81!x y')).toBe('x [REDACTED] y');

    const unset = await SshConnection.connect(target({ auth: { kind: 'password', passwordEnv: 'T_SSH_PW' } }), { env: {} }).catch(
      (e) => e,
    );
    expect(unset).toBeInstanceOf(UserError);
    expect(unset.message).toContain('T_SSH_PW');
    const wrong = await SshConnection.connect(target({ auth: { kind: 'password', passwordEnv: 'T_SSH_PW' } }), {
      env: { T_SSH_PW: 'nope' },
    }).catch((e) => e);
    expect(wrong).toBeInstanceOf(UserError);
    expect(wrong.message).toMatch(/^Authentication as .* failed with the password from \$T_SSH_PW/);
  });

  it('a key that is not authorized fails authentication with a clear UserError', async () => {
    const stranger = generateUserKeyPair(join(dir, 'stranger'));
    const err = await SshConnection.connect(target({ auth: { kind: 'key', privateKeyFile: stranger.privateKeyFile } })).catch(
      (e) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toContain(`Authentication as ${sshd.user}`);
    expect(err.action).toContain('authorized_keys');
  });

  it('an unreachable port is a LibraryError', async () => {
    const closed = await startEmbeddedSshd({ hostKeyFile: join(dir, 'hk2'), authorizedKeysFile: join(dir, 'authorized_keys') });
    const port = closed.port;
    await closed.close();
    const err = await SshConnection.connect(target({ port })).catch((e) => e);
    expect(err).toBeInstanceOf(LibraryError);
    expect(err.id).toBe('HOST_UNREACHABLE');
  });

  it('command timeout and a dropped connection are LibraryErrors', async () => {
    const conn = await SshConnection.connect(target());
    const timedOut = await conn.runBash('sleep 30', { timeoutMs: 300 }).catch((e) => e);
    expect(timedOut).toBeInstanceOf(LibraryError);
    expect(timedOut.id).toBe('COMMAND_TIMEOUT');
    await conn.close();

    const server = await startEmbeddedSshd({
      hostKeyFile: join(dir, 'host_key'),
      authorizedKeysFile: join(dir, 'authorized_keys'),
    });
    const c2 = await SshConnection.connect(target({ port: server.port }));
    const marker = join(dir, 'started');
    const running = c2.runBash(`touch ${marker}; sleep 30`).catch((e) => e);
    while (!existsSync(marker)) await new Promise((r) => setTimeout(r, 20));
    await server.close();
    const dropped = await running;
    expect(dropped).toBeInstanceOf(LibraryError);
    expect(dropped.id).toBe('CONNECTION_LOST');
    await expect(c2.runBash('true')).rejects.toBeInstanceOf(LibraryError);
  });

  it('the pool opens one connection per host and reuses it', async () => {
    const pool = new SshPool();
    const a = await pool.get(target());
    const b = await pool.get(target());
    expect(b).toBe(a);
    expect(pool.size).toBe(1);
    await pool.closeAll();
    expect(a.closed).toBe(true);
  });
});
