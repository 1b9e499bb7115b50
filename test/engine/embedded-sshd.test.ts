import { mkdirSync, mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ssh2 from 'ssh2';
import { generateUserKeyPair, startEmbeddedSshd, type EmbeddedSshd } from '../../tools/embedded-sshd/index.js';

interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
  hostKey: Buffer;
}

function exec(
  server: EmbeddedSshd,
  auth: { privateKey?: string; password?: string },
  command: string,
  stdin = '',
): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const client = new ssh2.Client();
    let hostKey = Buffer.alloc(0);
    client.on('error', reject);
    client.on('ready', () => {
      client.exec(command, (err, stream) => {
        if (err) return reject(err);
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        stream.on('data', (d: Buffer) => (stdout += d));
        stream.stderr.on('data', (d: Buffer) => (stderr += d));
        stream.on('exit', (c: number | null) => (code = c));
        stream.on('close', () => {
          client.end();
          resolve({ code, stdout, stderr, hostKey });
        });
        stream.end(stdin);
      });
    });
    client.connect({
      host: server.host,
      port: server.port,
      username: server.user,
      ...auth,
      hostVerifier: (key: Buffer) => {
        hostKey = Buffer.from(key);
        return true;
      },
    });
  });
}

describe('embedded sshd', () => {
  let dir: string;
  let server: EmbeddedSshd;
  let key: { privateKeyFile: string; publicKeyLine: string };
  const commands: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-sshd-'));
    key = generateUserKeyPair(join(dir, 'user'));
    writeFileSync(join(dir, 'authorized_keys'), `# comment\n\n${key.publicKeyLine}\n`);
    server = await startEmbeddedSshd({
      hostKeyFile: join(dir, 'host', 'ssh_host_ed25519_key'),
      authorizedKeysFile: join(dir, 'authorized_keys'),
      env: { HANA_VDB_USR_SAP: '/tmp/usr-sap-test' },
      password: 'open sesame',
      onExec: (c) => commands.push(c),
    });
  });
  afterAll(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs exec requests with stdin, stdout, stderr, exit status and the configured env', async () => {
    const r = await exec(
      server,
      { privateKey: readFileSync(key.privateKeyFile, 'utf8') },
      'bash -s',
      'echo out:$HANA_VDB_USR_SAP; echo err >&2; exit 7\n',
    );
    expect(r).toMatchObject({ code: 7, stdout: 'out:/tmp/usr-sap-test\n', stderr: 'err\n' });
    expect(commands).toContain('bash -s');
  });

  it('reports the host key fingerprint of the key it presents and keeps the key across restarts', async () => {
    const r = await exec(server, { privateKey: readFileSync(key.privateKeyFile, 'utf8') }, 'true');
    const { fingerprintOf } = await import('../../tools/embedded-sshd/index.js');
    expect(fingerprintOf(r.hostKey)).toBe(server.hostKeyFingerprint);
    expect(existsSync(join(dir, 'host', 'ssh_host_ed25519_key'))).toBe(true);
    const again = await startEmbeddedSshd({
      hostKeyFile: join(dir, 'host', 'ssh_host_ed25519_key'),
      authorizedKeysFile: join(dir, 'authorized_keys'),
    });
    try {
      expect(again.hostKeyFingerprint).toBe(server.hostKeyFingerprint);
      expect(again.port).not.toBe(server.port);
    } finally {
      await again.close();
    }
  });

  it('refuses keys not in authorized_keys and wrong passwords', async () => {
    const stranger = generateUserKeyPair(join(dir, 'stranger'));
    await expect(exec(server, { privateKey: readFileSync(stranger.privateKeyFile, 'utf8') }, 'true')).rejects.toThrow(
      /authentication methods failed/,
    );
    await expect(exec(server, { password: 'wrong' }, 'true')).rejects.toThrow(/authentication methods failed/);
    const ok = await exec(server, { password: 'open sesame' }, 'echo hi');
    expect(ok.stdout).toBe('hi\n');
  });

  it('runs commands in the configured home, whose ~/.bashrc bash sources as it does under OpenSSH', async () => {
    const home = join(dir, 'home');
    mkdirSync(home);
    writeFileSync(join(home, '.bashrc'), 'export FROM_BASHRC=sourced\n');
    const s = await startEmbeddedSshd({ hostKeyFile: join(dir, 'host4'), authorizedKeysFile: join(dir, 'authorized_keys'), home });
    try {
      const r = await exec(s, { privateKey: readFileSync(key.privateKeyFile, 'utf8') }, 'echo "$HOME|$PWD|${FROM_BASHRC:-}"');
      expect(r.stdout).toBe(`${home}|${home}|sourced\n`);
    } finally {
      await s.close();
    }
  });

  it('close() ends running commands and connections', async () => {
    const s = await startEmbeddedSshd({ hostKeyFile: join(dir, 'host3'), authorizedKeysFile: join(dir, 'authorized_keys') });
    const pidFile = join(dir, 'sleep.pid');
    const running = exec(s, { privateKey: readFileSync(key.privateKeyFile, 'utf8') }, `echo $$ > ${pidFile}; exec sleep 600`).catch(
      (e: Error) => e,
    );
    while (!existsSync(pidFile) || !readFileSync(pidFile, 'utf8').trim()) await new Promise((r) => setTimeout(r, 20));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    await s.close();
    await running;
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      try {
        process.kill(pid, 0);
        await new Promise((r) => setTimeout(r, 20));
      } catch {
        alive = false;
      }
    }
    expect(alive).toBe(false);
  });

  it('stops listening on close', async () => {
    const s = await startEmbeddedSshd({ hostKeyFile: join(dir, 'host2'), authorizedKeysFile: join(dir, 'authorized_keys') });
    await s.close();
    await expect(exec(s, { privateKey: readFileSync(key.privateKeyFile, 'utf8') }, 'true')).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('generated keys', () => {
  test('every generated user key pair can be read back by the SSH client (ssh2 writes ~1 in 250 it cannot parse)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'hana-vdb-keys-'));
    try {
      const unreadable: string[] = [];
      for (let i = 0; i < 1000; i++) {
        const { privateKeyFile } = generateUserKeyPair(join(dir, String(i)));
        const parsed = ssh2.utils.parseKey(readFileSync(privateKeyFile));
        if (parsed instanceof Error) unreadable.push(`${privateKeyFile}: ${parsed.message}`);
      }
      expect(unreadable).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
