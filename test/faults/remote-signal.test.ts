/**
 * The SSH side of a remote script ended by a signal (kill -9 of its shell on the host), over real SSH: the error
 * keeps the SDK's PluginScriptError fields and says which signal ended the script on which host, never the empty
 * "exit code 128. stdout : stderr :" text. (The recovery's answer to it: lost-client.test.ts.)
 */
import { PluginScriptError } from '../../src/sdk/errors.js';
import { SshConnection } from '../../src/engine/ssh/connection.js';
import { startEngineHarness, type EngineHarness } from '../support/engine-harness.js';

describe('a remote script ended by a signal', () => {
  let h: EngineHarness;
  let conn: SshConnection;

  beforeAll(async () => {
    h = await startEngineHarness();
    conn = await SshConnection.connect({
      host: h.sshd.host,
      port: h.sshd.port,
      user: h.sshd.user,
      auth: { kind: 'key', privateKeyFile: h.privateKeyFile },
      hostKey: { kind: 'fingerprint', fingerprint: h.sshd.hostKeyFingerprint },
    });
  });
  afterAll(async () => {
    await conn?.close();
    await h?.close();
  });

  test('kill -9 of its shell: exit code 137, the signal and the host named, no empty output sections', async () => {
    const err = (await conn.runBash('kill -9 $$', { check: true }).catch((e: Error) => e)) as PluginScriptError;
    expect(err).toBeInstanceOf(PluginScriptError);
    expect(err).toMatchObject({ exitCode: 137, signal: 'SIGKILL', stdout: '', stderr: '' });
    expect(err.message).toBe(
      `The remote script on ${h.sshd.host}:${h.sshd.port} was ended by signal SIGKILL (exit code 137) before it finished; ` +
        'it printed nothing.',
    );
  });

  test('output before a signal is kept on the error and counted in its text; without check, exit code 128 + signal', async () => {
    const err = (await conn.runBash('echo started; kill -TERM $$', { check: true }).catch((e: Error) => e)) as PluginScriptError;
    expect(err).toMatchObject({ exitCode: 143, signal: 'SIGTERM', stdout: 'started\n' });
    expect(err.message).toMatch(
      /ended by signal SIGTERM \(exit code 143\) before it finished; it had printed 8 bytes on stdout and nothing on stderr\.$/,
    );
    expect((await conn.runBash('kill -9 $$')).exitCode).toBe(137);
  });

  test('a script that fails by itself and prints nothing says so instead of empty sections', async () => {
    const err = (await conn.runBash('exit 3', { check: true }).catch((e: Error) => e)) as PluginScriptError;
    expect(err).toMatchObject({ exitCode: 3, signal: undefined });
    expect(err.message).toBe('The script failed with exit code 3; it printed nothing.');
  });
});
