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
import { defaultLandscape } from '../../tools/hana-sim/spec.js';
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

  const sql = (sid: 'PRD' | 'QAS', key: string, statement: string) =>
    withEngineLibs(libs, () =>
      runHdbsql(
        conn,
        { hdbsqlPath: parseAbsolutePath(land.systems[sid === 'PRD' ? 0 : 1]!.paths.hdbsql), key: parseUserStoreKey(key) },
        statement,
      ),
    );

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

  test('a target older than the source: the version check names both versions', async () => {
    // Its own landscape: the default has QAS newer than PRD. The check must compare numbers (059 < 076).
    const landscape = defaultLandscape();
    landscape.systems[0]!.version = '2.00.076.00.1705400033';
    landscape.systems[1]!.version = '2.00.059.04.1680789296';
    const oldRoot = mkdtempSync(join(tmpdir(), 'hana-vdb-preflight-old-'));
    const old = await startLandscape({ root: oldRoot, ssh: false, landscape });
    const oldLibs = localLibs({
      env: sessionEnv(
        oldRoot,
        old.systems.map((x) => x.paths.exeDir),
      ),
    });
    const err = await withEngineLibs(oldLibs, async () => {
      const repos = await (plugin.operation('discovery', 'repository')! as (a: object) => Promise<PluginObject[]>)({
        sourceConnection: conn,
      });
      const target = repos.find((r) => r.sid === 'QAS')!;
      const v = vdb({ backintParameterFile: old.systems[1]!.backintParameterFile, mountBase: join(oldRoot, 'mnt') });
      return (plugin.operation('virtual', 'configure')! as (a: object) => Promise<unknown>)({
        virtualSource: v,
        repository: target,
        snapshot,
      }).catch((e: unknown) => e as UserError);
    }).finally(async () => {
      await old.close();
      rmSync(oldRoot, { recursive: true, force: true });
    });
    expect(err).toBeInstanceOf(UserError);
    const e = err as UserError;
    expect(oldLibs.commands.join('\n')).not.toMatch(/RECOVER DATABASE|STOP DATABASE/);
    expect(e.message).toContain(
      'target version >= source version: target QAS runs HANA 2.00.059.04.1680789296 (2.0 SPS05 revision 59), older than ' +
        'source PRD 2.00.076.00.1705400033 (2.0 SPS07 revision 76)',
    );
    expect(e.action).toContain('Upgrade QAS to 2.00.076.00.1705400033 or later');
  }, 120_000);

  test('the source does not write its catalog to Backint: the fix is the ALTER SYSTEM on the source', async () => {
    const set = (v: string) =>
      sql(
        'PRD',
        'PRD_SYSTEM',
        "ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', 'catalog_backup_using_backint') = " +
          `'${v}' WITH RECONFIGURE`,
      );
    await set('false');
    try {
      const err = await provisionFails(vdb());
      expect(err.message).toContain("catalog_backup_using_backint on PRD is 'false'");
      expect(err.action).toContain("On PRD's SYSTEMDB run ALTER SYSTEM ALTER CONFIGURATION");
    } finally {
      await set('true');
    }
  });

  test('encrypted source backups whose root key the target lacks: the export/import steps, nothing touched', async () => {
    await land.faults.backupEncryption('PRD', true);
    try {
      const err = await provisionFails(vdb());
      expect(err.message).toContain("source's backup root keys present on the target: backups of ERP@PRD are encrypted");
      expect(err.action).toContain('BACKUP ENCRYPTION ROOT KEYS FOR ERP USING FILE');
      expect(err.action).toContain('hdbnsutil -recoverRootKeys <file> --database_name=VDB1 --type=ALL');
    } finally {
      await land.faults.backupEncryption('PRD', false);
    }
  }, 120_000);

  test('the target is an SR primary whose secondary is down: sr_state or sr_unregister, nothing touched', async () => {
    await land.faults.srSecondaryDown('QAS', true);
    try {
      const err = await provisionFails(vdb());
      expect(err.message).toContain('QAS is a system replication primary and its secondary');
      expect(err.action).toContain('hdbnsutil -sr_unregister --name=');
    } finally {
      await land.faults.srSecondaryDown('QAS', false);
    }
  }, 120_000);

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
  }, 180_000);
});
