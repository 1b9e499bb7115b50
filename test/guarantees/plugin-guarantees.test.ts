/**
 * Recovery guarantees through the plugin's operations against the HANA simulator with a driven clock:
 * log backups reach the Backint store 10 simulated minutes late (the seed's failure mode). Tests run in order
 * on one landscape; each names the simulated time it relies on. Requires a prior build.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { UserError } from '../../src/sdk/errors.js';
import { withEngineLibs } from '../../src/sdk/libs.js';
import type { PluginObject, StagedSource, VirtualSource } from '../../src/sdk/platform.js';
import { loadPluginSchema } from '../../src/sdk/schema.js';
import { plugin } from '../../plugin/index.js';
import { pinnedMetadata } from '../../src/engine/workflows/pin.js';
import { sessionEnv, startLandscape, type Landscape, type LandscapeSystem } from '../../tools/hana-sim/landscape.js';
import { localLibs, testConnection, type LocalLibs } from '../support/local-libs.js';
import { query } from '../sim/helpers.js';

jest.setTimeout(180_000);

const repoRoot = new URL('../..', import.meta.url).pathname;
const built = existsSync(join(repoRoot, 'dist/tools/hana-sim/server-main.js'));
const schema = loadPluginSchema(join(repoRoot, 'schemas/schema.json'));

(built ? describe : describe.skip)('recovery guarantees on the simulator (plugin operations)', () => {
  let root: string;
  let land: Landscape;
  let libs: LocalLibs;
  let prdSys: LandscapeSystem;
  let qasSys: LandscapeSystem;
  let prd: PluginObject;
  let qas: PluginObject;
  const conn = testConnection();
  let waitedSnap: PluginObject; // VDB1's VDB snapshot (default policy)

  const call = <T>(area: 'discovery' | 'linked' | 'virtual', name: string, args: object): Promise<T> =>
    withEngineLibs(libs, async () => (plugin.operation(area, name)! as (a: object) => Promise<T>)(args));
  const planOf = (args: object): Promise<PluginObject> =>
    withEngineLibs(libs, async () => (plugin.extensionOperation('plan')! as (a: object) => Promise<PluginObject>)(args));
  const failure = (p: Promise<unknown>): Promise<UserError> =>
    p.then(
      () => {
        throw new Error('expected a failure');
      },
      (e: unknown) => e as UserError,
    );

  const staged = (extra: PluginObject = {}): StagedSource => ({
    guid: 'ds-erp',
    sourceConnection: conn,
    stagedConnection: conn,
    parameters: {
      sourceTenant: 'ERP',
      sourceUserStoreKey: 'PRD_RECOVERY',
      backintParameterFile: prdSys.backintParameterFile,
      rpoOffsetMinutes: 0,
      ...extra,
    },
  });
  const snapshotNow = (extra: PluginObject = {}) =>
    call<PluginObject>('linked', 'postSnapshot', {
      stagedSource: staged(extra),
      repository: prd,
      sourceConfig: { name: 'ERP@PRD', sid: 'PRD', tenant: 'ERP' },
      optionalSnapshotParameters: null,
    });
  const vdb = async (tenant: string, extra: PluginObject = {}): Promise<VirtualSource> => {
    const v: VirtualSource = {
      guid: `g-${tenant.toLowerCase()}`,
      connection: conn,
      mounts: [],
      parameters: {
        targetTenant: tenant,
        targetUserStoreKey: 'QAS_RECOVERY',
        sourceCatalogUserStoreKey: 'PRD_RECOVERY',
        backintParameterFile: qasSys.backintParameterFile,
        mountBase: join(root, 'mnt'),
        ...extra,
      },
    };
    const spec = await call<{ mounts: VirtualSource['mounts'] }>('virtual', 'mountSpecification', {
      virtualSource: v,
      repository: qas,
    });
    return { ...v, mounts: spec.mounts };
  };
  const vdbSnapshot = async (v: VirtualSource) => {
    const s = await call<PluginObject>('virtual', 'postSnapshot', { virtualSource: v, repository: qas, sourceConfig: {} });
    schema.validate('snapshotDefinition', s); // what the engine checks on the way back
    return s;
  };
  const markers = async (tenant: string) =>
    (await query(qasSys, `QAS_${tenant}`, 'SELECT ID, WRITTEN_AT FROM MARKERS ORDER BY ID')).map((r) => r.join('|'));
  const activeStatus = async (tenant: string) =>
    (await query(qasSys, 'QAS_RECOVERY', `SELECT ACTIVE_STATUS FROM M_DATABASES WHERE DATABASE_NAME = '${tenant}'`))[0]![0];
  const recoverLines = (tenant: string) => {
    const f = join(qasSys.paths.traceDir, `DB_${tenant}`, 'backup.log');
    return existsSync(f)
      ? readFileSync(f, 'utf8')
          .split('\n')
          .filter((l) => l.includes('RECOVER DATA started')).length
      : 0;
  };
  /** Run `p` while simulated time moves on (10 s every 300 ms), as it would in reality while we wait. */
  const whileTimePasses = async <T>(p: Promise<T>): Promise<T> => {
    let done = false;
    const settled = p.finally(() => {
      done = true;
    });
    while (!done) {
      await land.clock.advance(10);
      await Promise.race([settled.catch(() => undefined), new Promise((r) => setTimeout(r, 300))]);
    }
    return settled;
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hana-vdb-guarantees-'));
    land = await startLandscape({ root, ssh: false, clock: { driven: true, startAt: '2024-03-01T10:00:00Z' } });
    [prdSys, qasSys] = land.systems as [LandscapeSystem, LandscapeSystem];
    libs = localLibs({
      env: sessionEnv(
        root,
        land.systems.map((s) => s.paths.exeDir),
      ),
    });
    await land.workload.startMarkers({ sid: 'PRD', database: 'ERP', everySeconds: 60 });
    await land.clock.advance(60);
    await query(prdSys, 'PRD_SYSTEM', "BACKUP DATA FOR ERP USING BACKINT ('FULL')");
    await land.faults.logShippingLag(600);
    await land.clock.advance(2 * 3600); // 12:01: markers every minute, log backups every 15 min, each visible 10 min late
    const repos = await call<PluginObject[]>('discovery', 'repository', { sourceConnection: conn });
    [prd, qas] = repos as [PluginObject, PluginObject];
  });

  afterAll(async () => {
    await land?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('the dSource snapshot carries the dSource policy', async () => {
    const s = await snapshotNow({ coveragePolicy: 'fail', coverageWaitTimeoutSeconds: 30 });
    expect(s.recoveryPolicy).toEqual({
      coveragePolicy: 'fail',
      coverageWaitTimeoutSeconds: 30,
      maxDriftSeconds: 0,
      driftAction: 'warn',
    });
    schema.validate('snapshotDefinition', s);
  });

  test('plan: the backups, the reachable point and the verdict, changing nothing', async () => {
    const s = await snapshotNow(); // 12:01, the 12:00 log backup is not in the store until 12:10
    const v = await vdb('VDB1');
    const before = libs.commands.length;
    const p = (await planOf({ virtualSource: v, repository: qas, snapshot: s })) as unknown as {
      verdict: string;
      reason: string;
      logBackupIntervalSeconds: number;
      assessment: {
        dataBackups: { type: string }[];
        logBackups: { visible: boolean }[];
        catalogCovers: boolean;
        covered: boolean;
        missing: { kind: string }[];
      };
    };
    // The preflight (both SYSTEMDBs and the OS user in one command), catalog + clock + global.ini in one command, one
    // Backint inquire.
    expect(libs.commands.length - before).toBe(3);
    expect(p.verdict).toBe('wait');
    expect(p.logBackupIntervalSeconds).toBe(900);
    expect(p.assessment.dataBackups.map((d) => d.type)).toEqual(['complete data backup']);
    expect(p.assessment.logBackups.length).toBeGreaterThanOrEqual(7);
    expect(p.assessment.logBackups.at(-1)!.visible).toBe(false);
    expect(p.assessment.covered).toBe(false);
    expect(p.assessment.missing.map((m) => m.kind)).toContain('not-in-backint');
    expect(p.reason).toMatch(/requested 2024-03-01T12:01:00Z, reachable 2024-03-01T11:45:00Z/);
    expect(recoverLines('VDB1')).toBe(0);
  });

  test('policy fail: UserError with requested vs reachable and what is missing; the target tenant is not touched', async () => {
    await query(qasSys, 'QAS_VDB2', 'CREATE COLUMN TABLE KEEP (ID INTEGER)');
    await query(qasSys, 'QAS_VDB2', 'INSERT INTO KEEP VALUES (42)');
    const s = await snapshotNow({ coveragePolicy: 'fail' });
    const v = await vdb('VDB2');
    const err = await failure(call('virtual', 'configure', { virtualSource: v, repository: qas, snapshot: s }));
    expect(err).toBeInstanceOf(UserError);
    expect(err.message).toMatch(
      /Log coverage check failed .* \(policy fail\): requested \S+, reachable \S+ .*s short\. Missing: log backup \d+ .* not in the Backint tool \(not arrived yet: log-shipping lag/,
    );
    expect(err.message).toMatch(/The target tenant was not touched/);
    expect(await activeStatus('VDB2')).toBe('YES');
    expect(await query(qasSys, 'QAS_VDB2', 'SELECT ID FROM KEEP')).toEqual([['42']]);
    expect(recoverLines('VDB2')).toBe(0);
  });

  test("default policy (wait): the seed's scenario no longer gives a short VDB; the lag is measured", async () => {
    // origin = now: the log backup holding it is written within log_backup_timeout_s (900 s) and reaches the
    // store 600 s later, so waiting may take up to 25 simulated minutes.
    const s = await snapshotNow({ coverageWaitTimeoutSeconds: 1800 });
    const v = await vdb('VDB1', {
      targetTenantUserStoreKey: 'QAS_VDB1',
      verificationQuery: 'SELECT COUNT(*), MAX(ID) FROM MARKERS',
    });
    await whileTimePasses(call('virtual', 'configure', { virtualSource: v, repository: qas, snapshot: s }));
    waitedSnap = await vdbSnapshot(v);
    expect(waitedSnap.achievedTimestamp).toBe(s.originTimestamp); // a marker is written every minute, on the minute
    const coverage = waitedSnap.coverage as Record<string, unknown>;
    expect(coverage).toMatchObject({
      checked: true,
      covered: true,
      policy: 'wait',
      decision: 'recover',
      logBackupIntervalSeconds: 900,
    });
    expect(coverage.waitedSeconds as number).toBeGreaterThan(0);
    expect(waitedSnap.logShippingLagSeconds as number).toBeGreaterThanOrEqual(600); // the agent's LogVisibilityDelaySeconds
    expect(waitedSnap.logShippingLagSeconds as number).toBeLessThan(1200); // measured to a poll interval, not the time waited
    expect(waitedSnap.driftSeconds).toBe(0);
    expect(libs.progress.some((p) => /^waiting for log coverage/.test(p.message))).toBe(true);
    // The VDB holds exactly the marker rows committed at or before the achieved point.
    const rows = await markers('VDB1');
    expect(rows.at(-1)).toMatch(new RegExp(`^\\d+\\|${(s.originTimestamp as string).replace('T', ' ').replace('Z', '')}`));
    expect(waitedSnap.verificationResult).toBe(`${rows.length},${rows.at(-1)!.split('|')[0]}`);
    expect(waitedSnap.pinnedLogPosition).toBe(waitedSnap.reachedLogPosition);
  });

  let shortSnap: PluginObject; // dSource snapshot recovered short under proceed
  let shortVdb: PluginObject;

  test('policy proceed: recovers to the newest reachable point and records the shortfall (drift warned)', async () => {
    shortSnap = await snapshotNow({ coveragePolicy: 'proceed', maxDriftSeconds: 60, driftAction: 'warn' });
    const v = await vdb('VDB2');
    await call('virtual', 'configure', { virtualSource: v, repository: qas, snapshot: shortSnap });
    shortVdb = await vdbSnapshot(v);
    const coverage = shortVdb.coverage as Record<string, unknown>;
    expect(coverage).toMatchObject({ covered: false, decision: 'recover-short', policy: 'proceed' });
    expect(shortVdb.achievedTimestamp).toBe(coverage.reachableTimestamp);
    // Positions are per volume: the reachable end may lie on another volume; HANA reports the master indexserver's.
    expect(shortVdb.pinnedLogPosition).toBe(shortVdb.reachedLogPosition);
    if (coverage.reachableLogPosition !== undefined) expect(shortVdb.reachedLogPosition).toBe(coverage.reachableLogPosition);
    expect(shortVdb.driftSeconds).toBe(coverage.shortfallSeconds);
    expect(shortVdb.driftSeconds as number).toBeGreaterThan(60);
    expect((shortVdb.recoveryWarnings as string[]).join('\n')).toMatch(
      /recovering short of the requested point[\s\S]*more than maxDriftSeconds 60/,
    );
  });

  test('drift beyond the limit with driftAction fail: refused before the target is touched', async () => {
    const s = await snapshotNow({ coveragePolicy: 'proceed', maxDriftSeconds: 60, driftAction: 'fail' });
    const v = await vdb('VDB3');
    const before = recoverLines('VDB3');
    const err = await failure(call('virtual', 'configure', { virtualSource: v, repository: qas, snapshot: s }));
    expect(err.message).toMatch(
      /would fall \d+ s short .* more than maxDriftSeconds 60 \(driftAction fail\)\. The target tenant was not touched/,
    );
    expect(recoverLines('VDB3')).toBe(before);
    expect(await activeStatus('VDB3')).toBe('YES');
  });

  test('the pin holds: a later VDB of the snapshot reaches exactly the pinned point though more logs arrived', async () => {
    const pinned = pinnedMetadata(shortSnap, shortVdb)!; // what the engine writes with the first VDB snapshot
    expect(pinned).toMatchObject({ pinnedTimestamp: shortVdb.achievedTimestamp, pinnedLogPosition: shortVdb.reachedLogPosition });
    expect(pinnedMetadata(pinned, waitedSnap)).toBeNull(); // a pin is never moved
    await land.clock.advance(1200); // the logs that were missing have reached the store since
    const v = await vdb('VDB3');
    await call('virtual', 'configure', { virtualSource: v, repository: qas, snapshot: pinned });
    const again = await vdbSnapshot(v);
    expect(again.reachedLogPosition).toBe(shortVdb.reachedLogPosition);
    expect(again.achievedTimestamp).toBe(shortVdb.achievedTimestamp);
    expect((again.coverage as Record<string, unknown>).requestedLogPosition).toBe(shortVdb.reachedLogPosition);
    expect(await markers('VDB3')).toEqual(await markers('VDB2'));
    const readLog = readFileSync(join(qasSys.paths.traceDir, 'DB_VDB3', 'backup.log'), 'utf8');
    expect(readLog).toContain(`UNTIL LOG POSITION ${shortVdb.reachedLogPosition as string} AT VOLUME 3`);
  });

  test('rewind to a VDB snapshot recovers to exactly its reached point', async () => {
    const v = await vdb('VDB1', {
      targetTenantUserStoreKey: 'QAS_VDB1',
      verificationQuery: 'SELECT COUNT(*), MAX(ID) FROM MARKERS',
    });
    await call('virtual', 'reconfigure', { virtualSource: v, repository: qas, sourceConfig: {}, snapshot: waitedSnap });
    const again = await vdbSnapshot(v);
    expect(again.reachedLogPosition).toBe(waitedSnap.reachedLogPosition);
    expect(again.verificationResult).toBe(waitedSnap.verificationResult);
  });

  test('the pinned point can no longer be reached (log backup deleted): a clear failure, nothing touched', async () => {
    const logs = await query(
      prdSys,
      'PRD_RECOVERY',
      `SELECT C.BACKUP_ID, F.REDO_LOG_POSITION, F.LAST_REDO_LOG_POSITION FROM SYS_DATABASES.M_BACKUP_CATALOG C JOIN ` +
        `SYS_DATABASES.M_BACKUP_CATALOG_FILES F ON F.BACKUP_ID = C.BACKUP_ID AND F.DATABASE_NAME = C.DATABASE_NAME ` +
        `WHERE C.DATABASE_NAME = 'ERP' AND C.ENTRY_TYPE_NAME = 'log backup' AND F.SOURCE_TYPE_NAME = 'volume'`,
    );
    const pos = BigInt(shortVdb.reachedLogPosition as string);
    const holding = logs.find((r) => BigInt(r[1]!) < pos && BigInt(r[2]!) >= pos)!;
    await land.faults.deleteBackup('PRD', 'ERP', Number(holding[0]));
    const pinned = pinnedMetadata(shortSnap, shortVdb)!;
    const v = await vdb('VDB3');
    const before = recoverLines('VDB3');
    expect((await planOf({ virtualSource: v, repository: qas, snapshot: pinned })).verdict).toBe('fail');
    const err = await failure(call('virtual', 'configure', { virtualSource: v, repository: qas, snapshot: pinned }));
    expect(err.message).toMatch(
      new RegExp(
        `proceed does not apply to a pinned point\\): requested log position ${pinned.pinnedLogPosition as string} .*log ` +
          `backup ${holding[0]} .*not in the Backint tool .*or deleted.*The target tenant was not touched`,
      ),
    );
    expect(err.action).toMatch(/provision from a newer dSource snapshot/);
    expect(recoverLines('VDB3')).toBe(before);
    expect(await activeStatus('VDB3')).toBe('YES');
    expect(await markers('VDB3')).toEqual(await markers('VDB2'));
  });
});
