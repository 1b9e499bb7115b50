/**
 * hdbuserstore keys belong to one OS user: over the embedded SSH server, the key owner's sessions see them, a
 * session of another OS user of the simulated host does not.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import ssh2 from 'ssh2';
import { startLandscape, type Landscape } from '../../tools/hana-sim/landscape.js';
import { requireBuild } from './helpers.js';

jest.setTimeout(120_000);

let dir: string;
let l: Landscape;

/** Runs `command` over SSH as `username` with the landscape's client key. */
async function sshRun(username: string, command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const client = new ssh2.Client();
  await new Promise<void>((resolve, reject) => {
    client.on('ready', () => resolve()).on('error', reject);
    client.connect({ host: l.ssh!.host, port: l.ssh!.port, username, privateKey: readFileSync(l.ssh!.privateKeyFile) });
  });
  try {
    return await new Promise((resolve, reject) => {
      client.exec(command, (err, stream) => {
        if (err) return reject(err);
        let stdout = '';
        let stderr = '';
        let code: number | null = null;
        stream.on('exit', (c: number | null) => (code = c));
        stream.on('data', (d: Buffer) => (stdout += d.toString())).on('close', () => resolve({ code, stdout, stderr }));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      });
    });
  } finally {
    client.end();
  }
}

beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'hana-sim-users-'));
  l = await startLandscape({ root: join(dir, 'sim'), sshUsers: ['intruder'] });
});

afterAll(async () => {
  await l?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the key owner's SSH session uses the keys", async () => {
  const r = await sshRun(l.ssh!.user, 'hdbsql -U PRD_SYSTEM -a -x -j "SELECT DATABASE_NAME FROM M_DATABASE"');
  expect(r).toMatchObject({ code: 0, stdout: '"SYSTEMDB"\n' });
});

test('a session as another OS user sees no keys: hdbsql -U fails with -10104, hdbuserstore LIST shows its own store', async () => {
  const r = await sshRun('intruder', 'hdbsql -U PRD_SYSTEM -a -x -j "SELECT DATABASE_NAME FROM M_DATABASE"');
  expect(r.code).toBe(1);
  expect(r.stderr).toMatch(/^\* -10104: Invalid value for KEY \(PRD_SYSTEM\)/);
  const list = await sshRun('intruder', 'echo "$USER $HOME"; hdbuserstore LIST');
  expect(list.code).toBe(0);
  const home = join(l.root, 'home', 'intruder');
  expect(list.stdout).toMatch(new RegExp(`^intruder ${home}\\nDATA FILE {7}: ${home}/\\.hdb/[^/]+/SSFS_HDB\\.DAT\\n`));
  expect(list.stdout).not.toMatch(/KEY PRD_/);
});

test("sudo -iu <key owner> on the simulated host runs a command with the key owner's keys", async () => {
  const owner = l.ssh!.user;
  const r = await sshRun('intruder', `sudo -iu ${owner} hdbsql -U PRD_SYSTEM -a -x -j "SELECT DATABASE_NAME FROM M_DATABASE"`);
  expect(r).toMatchObject({ code: 0, stdout: '"SYSTEMDB"\n' });
  const unknown = await sshRun('intruder', 'sudo -n -u prdadm true');
  expect(unknown).toMatchObject({ code: 1, stderr: 'sudo: unknown user prdadm\n' });
});

test('a login name the host does not know is refused', async () => {
  await expect(sshRun('mallory', 'true')).rejects.toThrow(/authentication/i);
});
