/**
 * The Backint parameter file is checked where it is given: `dsource link` (linked.postSnapshot) refuses a file that
 * does not exist on the host with the same message a provision (virtual.configure) gives, before HANA is asked
 * anything. Local runBash: the checks run in bash on this machine.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withEngineLibs } from '../../src/sdk/libs.js';
import type { PluginObject } from '../../src/sdk/platform.js';
import { plugin } from '../../plugin/index.js';
import { FILE_STATE } from '../../src/hana/remote/readable-file.js';
import { localLibs, testConnection } from '../support/local-libs.js';

describe('the Backint parameter file is checked where it is given', () => {
  let dir: string;
  const conn = testConnection();
  const libs = localLibs();
  const call = <T>(area: 'linked' | 'virtual', name: string, args: object): Promise<T> =>
    withEngineLibs(libs, async () => (plugin.operation(area, name)! as (a: object) => Promise<T>)(args));
  const repository = (): PluginObject => ({
    name: 'QAS HDB10',
    sid: 'QAS',
    instanceNumber: '10',
    hostName: 'hanaqas',
    osUser: 'qasadm',
    version: '2.00.070',
    installationPath: join(dir, 'usr/sap/QAS/HDB10'),
    hdbsqlPath: join(dir, 'hdbsql-never-run'),
    traceDirectory: join(dir, 'trace'),
  });
  const link = (file: string) =>
    call('linked', 'postSnapshot', {
      stagedSource: {
        guid: 'ds-1',
        sourceConnection: conn,
        stagedConnection: conn,
        parameters: { sourceTenant: 'ERP', sourceUserStoreKey: 'PRD_RECOVERY', backintParameterFile: file, rpoOffsetMinutes: 0 },
      },
      repository: repository(),
      sourceConfig: { name: 'ERP@PRD', sid: 'PRD', tenant: 'ERP' },
      optionalSnapshotParameters: null,
    });
  const provision = (file: string) =>
    call('virtual', 'configure', {
      virtualSource: {
        guid: 'vdb-1',
        connection: conn,
        parameters: { targetTenant: 'VDB1', targetUserStoreKey: 'QAS_RECOVERY', backintParameterFile: file, mountBase: dir },
        mounts: [{ remoteEnvironment: conn.environment, mountPath: join(dir, 'vdb-1') }],
      },
      repository: repository(),
      snapshot: {
        sourceSid: 'PRD',
        sourceTenant: 'ERP',
        originTimestamp: '2024-03-01T10:00:00Z',
        rpoOffsetMinutes: 0,
        takenAt: '2024-03-01T10:00:00Z',
      },
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'hana-vdb-backint-file-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a missing file: link and provision refuse it with one message, naming the field, file, host and fix', async () => {
    const missing = join(dir, 'no-such-backint.yaml');
    const linkErr = await link(missing).catch((e: Error) => e);
    const before = libs.commands.length;
    const provisionErr = await provision(missing).catch((e: Error) => e);
    // A provision reads the file's state in its preflight's one remote command, not in a command of its own.
    const provisionCommands = libs.commands.slice(before);
    expect(provisionCommands).toHaveLength(1);
    expect(provisionCommands[0]).toContain(FILE_STATE);
    expect(provisionCommands[0]).toContain('@@HANA_VDB_SIDE target');
    expect(linkErr).toMatchObject({
      name: 'UserError',
      message: `The Backint parameter file ${missing} (backintParameterFile) does not exist on 127.0.0.1.`,
      action: 'Create it there, readable by hana, or set backintParameterFile to the file the agent uses; then retry.',
    });
    expect(provisionErr).toMatchObject({
      name: 'UserError',
      message: (linkErr as Error).message,
      action: (linkErr as { action: string }).action,
    });
  });

  test('a directory is not a parameter file', async () => {
    await expect(link(dir)).rejects.toThrow(`The Backint parameter file ${dir} (backintParameterFile) is not a regular file`);
  });

  (process.getuid?.() === 0 ? test.skip : test)('an unreadable file names the user that cannot read it', async () => {
    const file = join(dir, 'secret.yaml');
    writeFileSync(file, 'x');
    chmodSync(file, 0);
    await expect(link(file)).rejects.toThrow(`(backintParameterFile) is not readable by hana on 127.0.0.1.`);
  });

  test('a readable file passes the check (the link then goes on to ask HANA)', async () => {
    const file = join(dir, 'backint.yaml');
    writeFileSync(file, 'x');
    await expect(link(file)).rejects.not.toThrow(/Backint parameter file/);
  });
});
