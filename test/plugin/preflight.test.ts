/**
 * The preflight against the HANA simulator's real programs: a failing check stops a provision with one error naming
 * what was found and the fix, and the target tenant keeps running (ACTIVE_STATUS 'YES'); `plan` shows every check.
 * Requires a prior build (the simulator server runs from dist/).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/sdk/errors.js';
import { withEngineLibs } from '../../src/sdk/libs.js';
import type { PluginObject, VirtualSource } from '../../src/sdk/platform.js';
import { plugin } from '../../plugin/index.js';
import { parseAbsolutePath, parseUserStoreKey } from '../../src/hana/identifiers.js';
import { runHdbsql } from '../../src/hana/hdbsql/run.js';
import { sessionEnv, startLandscape, type Landscape } from '../../tools/hana-sim/landscape.js';
import { localLibs, testConnection, type LocalLibs } from '../support/local-libs.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const built = existsSync(join(repoRoot, 'dist/tools/hana-sim/server-main.js'));

(built ? describe : describe.skip)('preflight against the HANA simulator', () => {
  let root: string;
  let land: Landscape;
  let libs: LocalLibs;
  let qas: PluginObject;
  const conn = testConnection();

  const call = <T>(area: 'discovery' | 'virtual' | 'extension', name: string, args: object): Promise<T> =>
    withEngineLibs(libs, async () => {
      const op = area === 'extension' ? plugin.extensionOperation('plan') : plugin.operation(area, name);
      return (op! as (a: object) => Promise<T>)(args);
    });

  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const snapshot: PluginObject = { sourceSid: 'PRD', sourceTenant: 'ERP', originTimestamp: now, rpoOffsetMinutes: 0, takenAt: now };

  const vdb = (over: PluginObject = {}): VirtualSource => ({
    guid: 'vdb-preflight',
    connection: conn,
    parameters: {
      targetTenant: 'VDB1',
      targetUserStoreKey: 'QAS_RECOVERY',
      sourceCatalogUserStoreKey: 'PRD_RECOVERY',
      backintParameterFile: land.systems[1]!.backintParameterFile,
      mountBase: join(root, 'mnt'),
      coveragePolicy: 'fail',
      ...over,
    },
    mounts: [{ remoteEnvironment: conn.environment, mountPath: join(root, 'mnt', 'vdb-preflight') }],
  });

  const activeStatus = async (tenant: string) => {
    const out = await withEngineLibs(libs, () =>
      runHdbsql(
        conn,
        { hdbsqlPath: parseAbsolutePath(land.systems[1]!.paths.hdbsql), key: parseUserStoreKey('QAS_RECOVERY') },
        `SELECT ACTIVE_STATUS FROM SYS.M_DATABASES WHERE DATABASE_NAME = '${tenant}'`,
      ),
    );
    return out.rows[0]?.[0];
  };

  /** Provision must fail with one UserError; nothing reached the target (no RECOVER, no STOP), the tenant still runs. */
  const provisionFails = async (v: VirtualSource): Promise<UserError> => {
    const before = libs.commands.length;
    const err = await call('virtual', 'configure', { virtualSource: v, repository: qas, snapshot }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    const sent = libs.commands.slice(before).join('\n');
    expect(sent).not.toMatch(/RECOVER DATABASE|STOP DATABASE/);
    expect(await activeStatus('VDB1')).toBe('YES');
    return err as UserError;
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hana-vdb-preflight-'));
    land = await startLandscape({ root, ssh: false });
    libs = localLibs({
      env: sessionEnv(
        root,
        land.systems.map((s) => s.paths.exeDir),
      ),
    });
    const repos = await call<PluginObject[]>('discovery', 'repository', { sourceConnection: conn });
    qas = repos.find((r) => r.sid === 'QAS')!;
  }, 120_000);

  afterAll(async () => {
    await land?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('the VDB names another Backint parameter file than global.ini: one error with both files and the fix', async () => {
    const err = await provisionFails(vdb({ backintParameterFile: join(root, 'other-param.cfg') }));
    const file = land.systems[1]!.backintParameterFile;
    expect(err.message).toContain(
      "Preflight check failed before recovering VDB1@QAS from ERP@PRD: target's Backint parameter files",
    );
    expect(err.message).toContain(`data_backup_parameter_file = ${file}`);
    expect(err.message).toContain(`the VDB names ${join(root, 'other-param.cfg')}`);
    expect(err.action).toContain(`or set the VDB's backintParameterFile to ${file}`);
  });

  test('a key the OS user does not have: the userstore check names the key and the hdbuserstore SET command', async () => {
    const err = await provisionFails(vdb({ targetUserStoreKey: 'QAS_NOBODY' }));
    expect(err.message).toContain('hdbuserstore key QAS_NOBODY (SYSTEMDB of QAS) does not exist for OS user');
    expect(err.action).toContain('hdbuserstore SET QAS_NOBODY hanaqas:31013 <database user> <password>');
  });

  test('without backintParameterFile the file is taken from global.ini; plan shows every check with its verdict', async () => {
    const v = vdb({ backintParameterFile: undefined });
    delete (v.parameters as Record<string, unknown>).backintParameterFile;
    const planned = await call<PluginObject>('extension', 'plan', { virtualSource: v, repository: qas, snapshot });
    const checks = planned.preflight as Array<{ id: string; verdict: string; found: string }>;
    expect(checks.map((c) => c.id)).toEqual([
      'userstore',
      'version',
      'catalog-backint',
      'backint-parameter-files',
      'encryption-root-keys',
      'system-replication',
    ]);
    expect(checks.find((c) => c.id === 'backint-parameter-files')).toMatchObject({
      verdict: 'pass',
      found: `QAS reads backups with ${land.systems[1]!.backintParameterFile} (taken from global.ini: the VDB names none)`,
    });
    expect(checks.filter((c) => c.verdict === 'fail')).toEqual([]);

    const bad = await call<PluginObject>('extension', 'plan', {
      virtualSource: vdb({ targetUserStoreKey: 'QAS_NOBODY' }),
      repository: qas,
      snapshot,
    });
    expect(bad.verdict).toBe('fail');
    expect(String(bad.reason)).toContain('preflight: hdbuserstore keys visible to the OS user: hdbuserstore key QAS_NOBODY');
  });
});
