/**
 * The plugin's operations against the HANA simulator's real programs (hdbsql, hdbuserstore, hdbbackint, the
 * simulated SYSTEMDB and backup.log), through a local runBash that sends the engine's own script to bash.
 * Requires a prior build (the simulator server runs from dist/).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/sdk/errors.js';
import { withEngineLibs } from '../../src/sdk/libs.js';
import { Status, type PluginObject, type StagedSource, type VirtualSource } from '../../src/sdk/platform.js';
import { plugin } from '../../plugin/index.js';
import { parseAbsolutePath, parseTenantName, parseUserStoreKey } from '../../src/hana/identifiers.js';
import { runHdbsql } from '../../src/hana/hdbsql/run.js';
import { startTenant } from '../../src/hana/tenant.js';
import { POLL_SCRIPT } from '../../src/hana/recovery/host-scripts.js';
import { sessionEnv, startLandscape, type Landscape } from '../../tools/hana-sim/landscape.js';
import { localLibs, testConnection, type LocalLibs } from '../support/local-libs.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const built = existsSync(join(repoRoot, 'dist/tools/hana-sim/server-main.js'));

(built ? describe : describe.skip)('plugin operations against the HANA simulator', () => {
  let root: string;
  let land: Landscape;
  let libs: LocalLibs;
  const conn = testConnection();
  // Tests share one landscape but not one order: every test asks for what it needs through these memoized
  // steps (discovery, the dSource snapshot, VDB1's provision), which run at most once, whichever test asks first.
  const once = <T>(step: () => Promise<T>): (() => Promise<T>) => {
    let result: Promise<T> | undefined;
    return () => (result ??= step());
  };
  let prd: PluginObject;
  let qas: PluginObject;

  const call = <T>(area: 'discovery' | 'linked' | 'virtual', name: string, args: object): Promise<T> =>
    withEngineLibs(libs, async () => (plugin.operation(area, name)! as (a: object) => Promise<T>)(args));

  const vdb = (tenant: string, key = 'QAS_RECOVERY'): VirtualSource => ({
    guid: `vdb-${tenant.toLowerCase()}-${key.toLowerCase()}`,
    connection: conn,
    parameters: {
      targetTenant: tenant,
      targetUserStoreKey: key,
      backintParameterFile: land.systems[1]!.backintParameterFile,
      mountBase: join(root, 'mnt'),
    },
    mounts: [],
  });
  const mounted = async (v: VirtualSource) => {
    const spec = await call<{ mounts: VirtualSource['mounts'] }>('virtual', 'mountSpecification', {
      virtualSource: v,
      repository: qas,
    });
    return { ...v, mounts: spec.mounts };
  };
  const record = (v: VirtualSource) => JSON.parse(readFileSync(join(v.mounts[0]!.mountPath, '.hana-vdb', 'recovery.json'), 'utf8'));
  const tenantLog = (t: string) => readFileSync(join(land.systems[1]!.paths.traceDir, `DB_${t}`, 'backup.log'), 'utf8');

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hana-vdb-plugin-sim-'));
    land = await startLandscape({ root, ssh: false });
    libs = localLibs({
      env: sessionEnv(
        root,
        land.systems.map((s) => s.paths.exeDir),
      ),
    });
    await land.workload.startMarkers({ sid: 'PRD', database: 'ERP', everySeconds: 1 });
    const prdSys = land.systems[0]!;
    await withEngineLibs(libs, () =>
      runHdbsql(
        conn,
        { hdbsqlPath: parseAbsolutePath(prdSys.paths.hdbsql), key: parseUserStoreKey('PRD_SYSTEM') },
        "BACKUP DATA FOR ERP USING BACKINT ('FULL')",
      ),
    );
    await repositories();
  }, 120_000);

  afterAll(async () => {
    await land?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const repositories = once(async () => {
    const repos = await call<PluginObject[]>('discovery', 'repository', { sourceConnection: conn });
    [prd, qas] = repos as [PluginObject, PluginObject];
    return repos;
  });

  test('discovery finds both installations and their tenants from the host layout', async () => {
    const repos = await repositories();
    // The server versions (exe/manifest), not hdbsql -v's client version; the default QAS is newer than PRD.
    expect(repos.map((r) => r.name)).toEqual(['PRD HDB00 2.00.070', 'QAS HDB10 2.00.076']);
    expect(qas).toMatchObject({
      sid: 'QAS',
      instanceNumber: '10',
      hostName: 'hanaqas',
      version: '2.00.076.00.1705400033',
      hdbsqlPath: land.systems[1]!.paths.hdbsql,
      traceDirectory: land.systems[1]!.paths.traceDir,
      installationPath: land.systems[1]!.paths.instanceDir,
    });
    expect(await call('discovery', 'sourceConfig', { sourceConnection: conn, repository: qas })).toEqual(
      ['VDB1', 'VDB2', 'VDB3'].map((t) => ({ name: `${t}@QAS`, sid: 'QAS', tenant: t })),
    );
    expect(await call('discovery', 'sourceConfig', { sourceConnection: conn, repository: prd })).toEqual([
      { name: 'ERP@PRD', sid: 'PRD', tenant: 'ERP' },
    ]);
  });

  const staged = (offset: number, key = 'PRD_RECOVERY', tenant = 'ERP'): StagedSource => ({
    guid: 'dsource-1',
    sourceConnection: conn,
    stagedConnection: conn,
    parameters: {
      sourceTenant: tenant,
      sourceUserStoreKey: key,
      backintParameterFile: land.systems[0]!.backintParameterFile,
      rpoOffsetMinutes: offset,
    },
  });

  const takeSnapshot = (offset: number) =>
    call<PluginObject>('linked', 'postSnapshot', {
      stagedSource: staged(offset),
      repository: prd,
      sourceConfig: { name: 'ERP@PRD', sid: 'PRD', tenant: 'ERP' },
      optionalSnapshotParameters: null,
    });
  const snapshotNow = once(async () => {
    // The first marker rows and log backups must exist after the data backup; the origin is taken as "now".
    await new Promise((r) => setTimeout(r, 3000));
    return takeSnapshot(0);
  });

  test('a dSource snapshot is metadata: takenAt from HANA, origin = takenAt − offset', async () => {
    const dsourceSnapshot = await snapshotNow();
    const withOffset = await takeSnapshot(30);
    expect(Date.parse(withOffset.takenAt as string) - Date.parse(withOffset.originTimestamp as string)).toBe(30 * 60_000);
    expect(withOffset).toMatchObject({ sourceSid: 'PRD', sourceTenant: 'ERP', rpoOffsetMinutes: 30 });
    expect(dsourceSnapshot.originTimestamp).toBe(dsourceSnapshot.takenAt);
    expect(dsourceSnapshot.takenAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });

  test('a dSource whose source tenant does not exist fails clearly', async () => {
    await expect(
      call('linked', 'postSnapshot', {
        stagedSource: staged(0, 'PRD_RECOVERY', 'NOPE'),
        repository: prd,
        sourceConfig: { sid: 'PRD' },
        optionalSnapshotParameters: null,
      }),
    ).rejects.toThrow(/Tenant database NOPE does not exist on system PRD\. Tenants of PRD: ERP\./);
  });

  const provisionVdb1 = once(async () => {
    const snapshot = await snapshotNow();
    const v = await mounted(vdb('VDB1'));
    const before = libs.commands.length;
    const cfg = await call<PluginObject>('virtual', 'configure', { virtualSource: v, repository: qas, snapshot });
    const commands = libs.commands.slice(before);
    const snap = await call<PluginObject>('virtual', 'postSnapshot', { virtualSource: v, repository: qas, sourceConfig: cfg });
    return { v, cfg, commands, snap };
  });

  /** A tenant an earlier test may have left stopped runs again (through the SYSTEM key, not the plugin). */
  const ensureRunning = (tenant: string) =>
    withEngineLibs(libs, () =>
      startTenant(
        conn,
        { hdbsqlPath: parseAbsolutePath(land.systems[1]!.paths.hdbsql), key: parseUserStoreKey('QAS_SYSTEM') },
        parseTenantName(tenant),
        { sid: 'QAS', key: 'QAS_SYSTEM', doing: `starting tenant ${tenant} for the next test` },
      ),
    );

  test('provision: RECOVER runs detached, followed in backup.log; the tenant runs; the snapshot has the record', async () => {
    const dsourceSnapshot = await snapshotNow();
    const { v, cfg, commands, snap } = await provisionVdb1();
    expect(cfg).toEqual({ name: 'VDB1@QAS', sid: 'QAS', tenant: 'VDB1', activeStatus: 'YES' });
    // 11 for the recovery itself; 1 for the preflight (both SYSTEMDBs, the OS user and the Backint parameter file);
    // 2 for the look for a recovery an earlier run left running and the wait for the stop to settle.
    expect(commands.length).toBeLessThanOrEqual(14);
    // The host's record is written once more after the command that issues RECOVER wrote it `running`: when the
    // recovery and its checks are done.
    const writes = commands.filter((c) => c.includes('> "$HANA_VDB_RECORD_FILE.tmp"'));
    expect(writes).toHaveLength(2);
    expect(writes[0]).toContain('hv_read_logs');
    expect(writes[1]!.startsWith('set -u\nmkdir -p')).toBe(true);

    expect(snap).toMatchObject({
      sourceSid: 'PRD',
      sourceTenant: 'ERP',
      originTimestamp: dsourceSnapshot.originTimestamp,
      takenAt: dsourceSnapshot.takenAt,
      recoveryTimestamp: dsourceSnapshot.originTimestamp,
    });
    expect(snap.achievedTimestamp! <= snap.recoveryTimestamp!).toBe(true);
    // recoveryInfo is HANA's finish line verbatim, and the operation id is the one backup.log shows for it.
    const finish = tenantLog('VDB1')
      .split('\n')
      .find((l) => l.includes(`${snap.operationId as string} `) && l.includes('RECOVER DATA finished'));
    expect(finish).toBeDefined();
    expect(finish!.endsWith(snap.recoveryInfo as string)).toBe(true);
    expect(snap.recoveryInfo).toMatch(/^RECOVER DATA finished successfully, reached timestamp \S+, reached log position \d+$/);
    expect(snap.reachedLogPosition).toMatch(/^\d+$/);
    // HANA's per-volume progress lines reach the engine (one entry per volume; xsengine, indexserver, dpserver).
    expect(libs.progress.some((p) => /^recovering: .*\bindexserver volume \d+ \d+%/.test(p.message))).toBe(true);
    expect(record(v)).toMatchObject({ status: 'succeeded', targetTenant: 'VDB1', tenantActiveStatus: 'YES', failure: null });
  }, 120_000);

  test('a dropped connection while following the recovery: the next command continues and the result is recorded', async () => {
    const dsourceSnapshot = await snapshotNow();
    await land.faults.slowRecovery(300);
    try {
      const v = await mounted(vdb('VDB2'));
      libs.drop({ match: (c) => c === POLL_SCRIPT, times: 2, when: 'after' });
      const cfg = await call<PluginObject>('virtual', 'configure', {
        virtualSource: v,
        repository: qas,
        snapshot: dsourceSnapshot,
      });
      expect(cfg.activeStatus).toBe('YES');
      expect(record(v)).toMatchObject({ status: 'succeeded', recoveryTimestamp: dsourceSnapshot.originTimestamp });
      expect(libs.logs.filter((l) => l.level === 'warn' && /retrying/.test(l.message))).toHaveLength(2);
      // RECOVER ran once.
      expect(tenantLog('VDB2').match(/RECOVER DATA started/g)).toHaveLength(1);
    } finally {
      await land.faults.slowRecovery(0);
    }
  }, 120_000);

  test('rewind to a VDB snapshot recovers to its recoveryTimestamp again', async () => {
    // With the source catalog the rewind recovers exactly the snapshot's pinned log position. Without it only a
    // time can be asked for, and on this real-time clock log backups that arrived since the first recovery carry
    // HANA past the pinned point, which the plugin refuses (a flake before this key was set here).
    await provisionVdb1();
    const base = vdb('VDB1');
    const v = await mounted({ ...base, parameters: { ...base.parameters, sourceCatalogUserStoreKey: 'PRD_RECOVERY' } });
    const snap = await call<PluginObject>('virtual', 'postSnapshot', { virtualSource: v, repository: qas, sourceConfig: {} });
    await call('virtual', 'unconfigure', { virtualSource: v, repository: qas, sourceConfig: {} });
    expect(existsSync(join(v.mounts[0]!.mountPath, '.hana-vdb'))).toBe(false);
    expect(await call('virtual', 'status', { virtualSource: v, repository: qas, sourceConfig: {} })).toBe(Status.INACTIVE);
    await call('virtual', 'reconfigure', { virtualSource: v, repository: qas, sourceConfig: {}, snapshot: snap });
    const again = await call<PluginObject>('virtual', 'postSnapshot', { virtualSource: v, repository: qas, sourceConfig: {} });
    expect(again.recoveryTimestamp).toBe(snap.recoveryTimestamp);
    expect(again.operationId).not.toBe(snap.operationId);
    expect(await call('virtual', 'status', { virtualSource: v, repository: qas, sourceConfig: {} })).toBe(Status.ACTIVE);
  }, 240_000);

  test('stop and start are idempotent and visible in status', async () => {
    await provisionVdb1();
    const v = await mounted(vdb('VDB1'));
    const args = { virtualSource: v, repository: qas, sourceConfig: {} };
    await call('virtual', 'stop', args);
    await call('virtual', 'stop', args);
    expect(await call('virtual', 'status', args)).toBe(Status.INACTIVE);
    await call('virtual', 'start', args);
    await call('virtual', 'start', args);
    expect(await call('virtual', 'status', args)).toBe(Status.ACTIVE);
  }, 60_000);

  test("258 insufficient privilege: UserError with HANA's text and the grants to add; nothing is stopped", async () => {
    await ensureRunning('VDB3');
    const v = await mounted(vdb('VDB3', 'QAS_NOPRIV'));
    const err: UserError = await call('virtual', 'configure', {
      virtualSource: v,
      repository: qas,
      snapshot: await snapshotNow(),
    }).then(
      () => {
        throw new Error('expected failure');
      },
      (e) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/\[258\] insufficient privilege/);
    expect(err.action).toMatch(/QAS_NOPRIV.*DATABASE RECOVERY OPERATOR, DATABASE START and DATABASE STOP/);
    expect(record(v)).toMatchObject({ status: 'failed', failure: { code: null } });
    expect(record(v).failure.message).toMatch(/258/);
    expect(record(v).tenantActiveStatus).toBe('YES');
  }, 60_000);

  test('449: a time before the first data backup is a UserError from HANA; the tenant is left stopped, recorded', async () => {
    const early = await call<PluginObject>('linked', 'postSnapshot', {
      stagedSource: staged(120),
      repository: prd,
      sourceConfig: { sid: 'PRD' },
      optionalSnapshotParameters: null,
    });
    const v = await mounted(vdb('VDB3'));
    const err: UserError = await call('virtual', 'configure', { virtualSource: v, repository: qas, snapshot: early }).then(
      () => {
        throw new Error('expected failure');
      },
      (e) => e,
    );
    expect(err.message).toMatch(/\[449\] recovery strategy could not be determined/);
    expect(err.action).toMatch(/take a new snapshot/);
    expect(record(v)).toMatchObject({ status: 'failed', tenantActiveStatus: 'NO', failure: { code: 449 } });
    expect(record(v).operationId).toMatch(/^[0-9a-f]+$/);
  }, 60_000);

  test('an unknown target tenant names the tenants that exist', async () => {
    const v = await mounted(vdb('VDB9'));
    await expect(
      call('virtual', 'configure', { virtualSource: v, repository: qas, snapshot: await snapshotNow() }),
    ).rejects.toThrow('Tenant database VDB9 does not exist on system QAS. Tenants of QAS: VDB1, VDB2, VDB3.');
  }, 60_000);

  test('10 authentication failed is a UserError telling how to reset the key', async () => {
    // A key whose password is wrong (a deliberately wrong value, set through the simulator's hdbuserstore).
    const env = land.systems[1]!.userStoreKeys.find((k) => k.key === 'QAS_RECOVERY')!.env;
    await withEngineLibs(libs, () =>
      libs.runBash(conn, '"$HANA_VDB_HDBUSERSTORE" SET QAS_BADPW "$HANA_VDB_ENV" HANAVDB not-the-password', {
        variables: { HANA_VDB_HDBUSERSTORE: land.systems[1]!.paths.hdbuserstore, HANA_VDB_ENV: env },
        check: true,
      }),
    );
    const v = await mounted(vdb('VDB3', 'QAS_BADPW'));
    const err: UserError = await call('virtual', 'configure', {
      virtualSource: v,
      repository: qas,
      snapshot: await snapshotNow(),
    }).then(
      () => {
        throw new Error('expected failure');
      },
      (e) => e,
    );
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(/\[10\] authentication failed/);
    expect(err.action).toMatch(/hdbuserstore SET QAS_BADPW <host>:31013/);
  }, 60_000);

  test('a key missing from hdbuserstore (-10104) says how to create it (the preflight finds it first)', async () => {
    const v = await mounted(vdb('VDB3', 'QAS_MISSING'));
    const err: UserError = await call('virtual', 'configure', {
      virtualSource: v,
      repository: qas,
      snapshot: await snapshotNow(),
    }).then(
      () => {
        throw new Error('expected failure');
      },
      (e) => e,
    );
    expect(err.message).toMatch(/hdbuserstore key QAS_MISSING \(SYSTEMDB of QAS\) does not exist for OS user \S+ on hanaqas/);
    expect(err.action).toMatch(/run hdbuserstore SET QAS_MISSING hanaqas:31013 <database user> <password>/);
  }, 60_000);

  test('Backint fails during RECOVER: UserError naming the agent; failure and stopped tenant recorded', async () => {
    await land.faults.backintFailure('restore', 'simulated: access denied reading the source bucket');
    try {
      const v = await mounted(vdb('VDB3'));
      const err: UserError = await call('virtual', 'configure', {
        virtualSource: v,
        repository: qas,
        snapshot: await snapshotNow(),
      }).then(
        () => {
          throw new Error('expected failure');
        },
        (e) => e,
      );
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toMatch(
        /HANA failed while recovering tenant VDB3 of QAS to \S+: \[\d+\] .*simulated: access denied reading the source bucket/,
      );
      expect(err.action).toMatch(/Backint agent failed/);
      const r = record(v);
      expect(r.status).toBe('failed');
      expect(r.failure.message).toBe(err.message);
      expect(r.tenantActiveStatus).toBe('NO');
      await expect(call('virtual', 'postSnapshot', { virtualSource: v, repository: qas, sourceConfig: {} })).rejects.toThrow(
        /last recovery failed/,
      );
    } finally {
      await land.faults.backintFailure('restore', null);
    }
  }, 120_000);
});
