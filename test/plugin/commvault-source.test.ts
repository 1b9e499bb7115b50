/**
 * A VDB whose backups come through Commvault (the simulator's emulation, tools/backint-emul): the target's
 * parameter file must carry the cross-client restore keys, checked before the target tenant is touched.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/sdk/errors.js';
import { withEngineLibs } from '../../src/sdk/libs.js';
import type { PluginObject, VirtualSource } from '../../src/sdk/platform.js';
import { plugin } from '../../plugin/index.js';
import { parseAbsolutePath, parseUserStoreKey } from '../../src/hana/identifiers.js';
import { runHdbsql } from '../../src/hana/hdbsql/run.js';
import { defaultLandscape } from '../../tools/hana-sim/spec.js';
import { sessionEnv, startLandscape, type Landscape } from '../../tools/hana-sim/landscape.js';
import { localLibs, testConnection, type LocalLibs } from '../support/local-libs.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const built = existsSync(join(repoRoot, 'dist/tools/backint-emul/main.js'));

(built ? describe : describe.skip)('COMMVAULT_BACKINT against the Commvault emulation', () => {
  let root: string;
  let land: Landscape;
  let libs: LocalLibs;
  const conn = testConnection();
  const call = <T>(area: 'discovery' | 'linked' | 'virtual', name: string, args: object): Promise<T> =>
    withEngineLibs(libs, async () => (plugin.operation(area, name)! as (a: object) => Promise<T>)(args));

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hana-vdb-commvault-'));
    const landscape = defaultLandscape();
    landscape.backint = { ...landscape.backint, tool: 'commvault' };
    land = await startLandscape({ root, ssh: false, landscape });
    libs = localLibs({
      env: sessionEnv(
        root,
        land.systems.map((s) => s.paths.exeDir),
      ),
    });
    const prd = land.systems[0]!;
    await withEngineLibs(libs, () =>
      runHdbsql(
        conn,
        { hdbsqlPath: parseAbsolutePath(prd.paths.hdbsql), key: parseUserStoreKey('PRD_SYSTEM') },
        "BACKUP DATA FOR ERP USING BACKINT ('FULL')",
      ),
    );
  }, 120_000);

  afterAll(async () => {
    await land?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('a parameter file without srcCrossSIDName fails before the target tenant stops, naming the key', async () => {
    const [prd, qas] = await call<PluginObject[]>('discovery', 'repository', { sourceConnection: conn });
    const snapshot = await call<PluginObject>('linked', 'postSnapshot', {
      stagedSource: {
        guid: 'dsource-cv',
        sourceConnection: conn,
        stagedConnection: conn,
        parameters: {
          backupSource: 'COMMVAULT_BACKINT',
          sourceTenant: 'ERP',
          sourceUserStoreKey: 'PRD_RECOVERY',
          backintParameterFile: land.systems[0]!.backintParameterFile,
          rpoOffsetMinutes: 0,
        },
      },
      repository: prd,
      sourceConfig: { name: 'ERP@PRD', sid: 'PRD', tenant: 'ERP' },
      optionalSnapshotParameters: null,
    });
    expect(snapshot.backupSource).toBe('COMMVAULT_BACKINT');
    const paramFile = land.systems[1]!.backintParameterFile;
    const text = readFileSync(paramFile, 'utf8');
    expect(text).toMatch(/^srcCrossSIDName PRD$/m);
    writeFileSync(paramFile, text.replace(/^srcCrossSIDName PRD\n/m, ''));
    const v: VirtualSource = {
      guid: 'vdb-cv',
      connection: conn,
      parameters: {
        targetTenant: 'VDB2',
        targetUserStoreKey: 'QAS_RECOVERY',
        backintParameterFile: paramFile,
        mountBase: join(root, 'mnt'),
        sourceCatalogUserStoreKey: 'PRD_RECOVERY',
      },
      mounts: [],
    };
    const spec = await call<{ mounts: VirtualSource['mounts'] }>('virtual', 'mountSpecification', {
      virtualSource: v,
      repository: qas,
    });
    const err = await call('virtual', 'configure', {
      virtualSource: { ...v, mounts: spec.mounts },
      repository: qas,
      snapshot,
    }).then(
      () => new Error('expected failure'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/srcCrossSIDName .*is missing/);
    expect((err as UserError).action).toContain('"srcCrossSIDName PRD"');
    const rows = await withEngineLibs(libs, () =>
      runHdbsql(
        conn,
        { hdbsqlPath: parseAbsolutePath(land.systems[1]!.paths.hdbsql), key: parseUserStoreKey('QAS_SYSTEM') },
        "SELECT ACTIVE_STATUS FROM SYS.M_DATABASES WHERE DATABASE_NAME = 'VDB2'",
      ),
    );
    expect(JSON.stringify(rows)).toContain('YES');
  }, 180_000);
});
