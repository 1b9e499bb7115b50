/**
 * Recovery guarantees through the plugin's operations against the HANA simulator with a driven clock: log backups
 * reach the Backint store 10 simulated minutes late (the seed's failure mode). Tests share one landscape but not an
 * order: what several need (the provisions whose points others reuse) are memoized steps that run once, whichever test
 * asks first; every test names the simulated time it relies on relative to the clock it finds. Waits are driven by the
 * simulated clock, never by wall time. Requires a prior build.
 */
import { createHash } from 'node:crypto';
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

jest.setTimeout(600_000); // generous for a loaded machine; a quiet one needs a fraction

const repoRoot = new URL('../..', import.meta.url).pathname;
const built = existsSync(join(repoRoot, 'dist/tools/hana-sim/server-main.js'));
const schema = loadPluginSchema(join(repoRoot, 'schemas/schema.json'));
const LOG_INTERVAL_MS = 900_000; // the landscape's log_backup_timeout_s
const LAG_S = 600;
const once = <T>(step: () => Promise<T>): (() => Promise<T>) => {
  let result: Promise<T> | undefined;
  return () => (result ??= step());
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** HANA's timestamp text for an ISO UTC time ('2024-03-01 12:01:00'). */
const hanaTs = (iso: string) => iso.replace('T', ' ').replace('Z', '');

(built ? describe : describe.skip)('recovery guarantees on the simulator (plugin operations)', () => {
  let root: string;
  let land: Landscape;
  let libs: LocalLibs;
  let prdSys: LandscapeSystem;
  let qasSys: LandscapeSystem;
  const conn = testConnection();

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

  const repositories = once(async () => {
    const repos = await call<PluginObject[]>('discovery', 'repository', { sourceConnection: conn });
    return { prd: repos[0]!, qas: repos[1]! };
  });
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
  const snapshotNow = async (extra: PluginObject = {}) =>
    call<PluginObject>('linked', 'postSnapshot', {
      stagedSource: staged(extra),
      repository: (await repositories()).prd,
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
      repository: (await repositories()).qas,
    });
    return { ...v, mounts: spec.mounts };
  };
  const configure = async (v: VirtualSource, snapshot: PluginObject) =>
    call('virtual', 'configure', { virtualSource: v, repository: (await repositories()).qas, snapshot });
  const vdbSnapshot = async (v: VirtualSource) => {
    const s = await call<PluginObject>('virtual', 'postSnapshot', {
      virtualSource: v,
      repository: (await repositories()).qas,
      sourceConfig: {},
    });
    schema.validate('snapshotDefinition', s); // what the engine checks on the way back
    return s;
  };
  const markers = async (tenant: string) =>
    (await query(qasSys, `QAS_${tenant}`, 'SELECT ID, WRITTEN_AT FROM MARKERS ORDER BY ID')).map((r) => r.join('|'));
  const checksum = (rows: string[]) => createHash('sha256').update(rows.join('\n')).digest('hex');
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
  const nowMs = () => land.clock.now().getTime();
  const advanceTo = async (ms: number) => {
    if (ms > nowMs()) await land.clock.advance((ms - nowMs()) / 1000);
  };
  const nextBoundary = (ms: number) => Math.floor(ms / LOG_INTERVAL_MS) * LOG_INTERVAL_MS + LOG_INTERVAL_MS;

  /** The log backups of one volume of ERP written before the 10:31 data backup: [backup id, last position, last commit]. */
  const logBackupsBefore1031 = (volume: number) =>
    query(
      prdSys,
      'PRD_RECOVERY',
      `SELECT C.BACKUP_ID, F.LAST_REDO_LOG_POSITION, F.UTC_LAST_COMMIT_TIME FROM SYS_DATABASES.M_BACKUP_CATALOG C JOIN ` +
        `SYS_DATABASES.M_BACKUP_CATALOG_FILES F ON F.BACKUP_ID = C.BACKUP_ID AND F.DATABASE_NAME = C.DATABASE_NAME ` +
        `WHERE C.DATABASE_NAME = 'ERP' AND C.ENTRY_TYPE_NAME = 'log backup' AND F.SOURCE_TYPE_NAME = 'volume' ` +
        `AND F.SOURCE_ID = ${volume} AND C.UTC_START_TIME < '2024-03-01 10:31:00' ORDER BY C.UTC_START_TIME`,
    );
  const waitReports = () => libs.progress.filter((p) => /^waiting for log coverage/.test(p.message));
  /** Resolves true once the plugin reported another coverage wait after `seen` reports, false once `p` settled. */
  const nextWait = async (p: Promise<unknown>, seen: number): Promise<boolean> => {
    let settled = false;
    p.then(
      () => (settled = true),
      () => (settled = true),
    );
    while (!settled && waitReports().length <= seen) await sleep(25);
    return !settled;
  };
  /**
   * Time passes while the plugin waits, as it would in reality, one event at a time: after each of its checks the clock
   * jumps to the next log backup round, or to when the newest round reaches the store (LAG_S later, + 5 s). So the
   * plugin sees every log backup it waits for missing, then arriving within 5 s: the lag it measures is LAG_S + 5 s.
   */
  const whileLogsArrive = async <T>(start: () => Promise<T>): Promise<T> => {
    let seen = waitReports().length;
    const p = start();
    while (await nextWait(p, seen)) {
      seen = waitReports().length;
      const now = nowMs();
      const arrival = Math.floor(now / LOG_INTERVAL_MS) * LOG_INTERVAL_MS + LAG_S * 1000 + 5000;
      await advanceTo(arrival > now ? arrival : nextBoundary(now));
    }
    return p;
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hana-vdb-guarantees-'));
    land = await startLandscape({ root, ssh: false, clock: { driven: true, startAt: '2024-03-01T10:00:00Z' } });
    [prdSys, qasSys] = land.systems as [LandscapeSystem, LandscapeSystem];
    await land.faults.tenantTransitions({ startMs: 0, stopMs: 0 }); // no test here is about STARTING/STOPPING
    libs = localLibs({
      env: sessionEnv(
        root,
        land.systems.map((s) => s.paths.exeDir),
      ),
    });
    await land.workload.startMarkers({ sid: 'PRD', database: 'ERP', everySeconds: 60 });
    await land.clock.advance(60);
    await query(prdSys, 'PRD_SYSTEM', "BACKUP DATA FOR ERP USING BACKINT ('FULL')"); // 10:01: the chain one test breaks
    await land.faults.logShippingLag(LAG_S);
    await land.clock.advance(1800);
    await query(prdSys, 'PRD_SYSTEM', "BACKUP DATA FOR ERP USING BACKINT ('FULL')"); // 10:31, every other test's
    // 11:01: markers every minute, log backups every 15 min, each in the store 10 min late.
    await land.clock.advance(1800);
  }, 300_000);

  afterAll(async () => {
    await land?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  /** VDB1 from a snapshot of "now" under the default policy (wait): waits for the lagging logs. */
  const waited = once(async () => {
    await advanceTo(Math.ceil(nowMs() / 60_000) * 60_000); // on a minute: a marker is committed exactly at the origin
    const snapshot = await snapshotNow({ coverageWaitTimeoutSeconds: 1800 });
    const v = await vdb('VDB1', {
      targetTenantUserStoreKey: 'QAS_VDB1',
      verificationQuery: 'SELECT COUNT(*), MAX(ID) FROM MARKERS',
    });
    await whileLogsArrive(() => configure(v, snapshot));
    const vdbSnap = await vdbSnapshot(v);
    return { snapshot, vdbSnap, virtualSource: v, rows: await markers('VDB1') };
  });

  /** VDB2 recovered short under the proceed policy. */
  const short = once(async () => {
    const snapshot = await snapshotNow({ coveragePolicy: 'proceed', maxDriftSeconds: 60, driftAction: 'warn' });
    const v = await vdb('VDB2');
    await configure(v, snapshot);
    return { snapshot, vdbSnap: await vdbSnapshot(v), rows: await markers('VDB2') };
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
    const s = await snapshotNow(); // origin = now: commits of the last minutes are in no log backup in the store yet
    const v = await vdb('VDB1');
    const recovered = recoverLines('VDB1');
    const before = libs.commands.length;
    const p = (await planOf({ virtualSource: v, repository: (await repositories()).qas, snapshot: s })) as unknown as {
      verdict: string;
      reason: string;
      logBackupIntervalSeconds: number;
      assessment: {
        dataBackups: { type: string; backupId: string }[];
        logBackups: { visible: boolean; writtenAt: string }[];
        catalogBackup: { writtenAt: string } | null;
        covered: boolean;
        missing: { kind: string }[];
        reachable: { timestamp: string };
      };
    };
    // The preflight (both SYSTEMDBs and the OS user in one command), catalog + clock + global.ini in one command, one
    // Backint inquire.
    expect(libs.commands.length - before).toBe(3);
    expect(p.verdict).toBe('wait');
    expect(p.logBackupIntervalSeconds).toBe(900);
    expect(p.assessment.dataBackups.map((d) => d.type)).toEqual(['complete data backup']);
    expect(p.assessment.logBackups.length).toBeGreaterThanOrEqual(3);
    expect(p.assessment.covered).toBe(false);
    expect(p.assessment.missing.map((m) => m.kind)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^(not-in-backint|not-backed-up-yet)$/)]),
    );
    // The store shows the log backups written up to LAG_S ago, and the catalog backup written with the newest of them.
    const shown = p.assessment.logBackups.filter((l) => l.visible).map((l) => l.writtenAt);
    expect(Date.parse(shown.at(-1)!)).toBeLessThanOrEqual(nowMs() - LAG_S * 1000);
    expect(Date.parse(p.assessment.catalogBackup!.writtenAt)).toBeLessThanOrEqual(nowMs() - LAG_S * 1000);
    expect(p.reason).toContain(`requested ${s.originTimestamp as string}, reachable ${p.assessment.reachable.timestamp}`);
    expect(recoverLines('VDB1')).toBe(recovered);
  });

  test('policy fail: UserError with requested vs reachable and what is missing; the target tenant is not touched', async () => {
    await query(qasSys, 'QAS_VDB2', 'CREATE COLUMN TABLE KEEP (ID INTEGER)');
    await query(qasSys, 'QAS_VDB2', 'INSERT INTO KEEP VALUES (42)');
    try {
      const s = await snapshotNow({ coveragePolicy: 'fail' });
      const v = await vdb('VDB2');
      const before = recoverLines('VDB2');
      const err = await failure(configure(v, s));
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).toMatch(
        /Log coverage check failed .* \(policy fail\): requested \S+, reachable \S+ .*s short\. Missing: .*(not in the Backint tool \(not arrived yet: log-shipping lag|still only in the source's log area)/,
      );
      expect(err.message).toMatch(/The target tenant was not touched/);
      expect(await activeStatus('VDB2')).toBe('YES');
      expect(await query(qasSys, 'QAS_VDB2', 'SELECT ID FROM KEEP')).toEqual([['42']]);
      expect(recoverLines('VDB2')).toBe(before);
    } finally {
      await query(qasSys, 'QAS_VDB2', 'DROP TABLE KEEP');
    }
  });

  test("default policy (wait): the seed's scenario no longer gives a short VDB; the lag is measured", async () => {
    const { snapshot: s, vdbSnap: waitedSnap, rows } = await waited();
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
    expect(waitedSnap.logShippingLagSeconds as number).toBeGreaterThanOrEqual(LAG_S); // the agent's LogVisibilityDelaySeconds
    expect(waitedSnap.logShippingLagSeconds as number).toBeLessThan(LAG_S + 60); // measured, not the time waited
    expect(waitedSnap.driftSeconds).toBe(0);
    expect(waitReports().length).toBeGreaterThan(0);
    // HANA's two phases as the job shows them: the bytes restored, then the log segments replayed per volume.
    const shown = libs.progress.map((p) => p.message);
    expect(shown.some((m) => /^recovering: restoring data: [\d.]+ (B|KiB|MiB) of [\d.]+ (B|KiB|MiB) \(/.test(m))).toBe(true);
    expect(shown.some((m) => /^recovering: replaying logs: .*indexserver volume \d+ \d+% \(segment \d+ of \d+\)/.test(m))).toBe(
      true,
    );
    // The VDB holds exactly the marker rows committed at or before the achieved point.
    expect(rows.at(-1)).toMatch(new RegExp(`^\\d+\\|${hanaTs(s.originTimestamp as string)}`));
    expect(waitedSnap.verificationResult).toBe(`${rows.length},${rows.at(-1)!.split('|')[0]}`);
    expect(waitedSnap.pinnedLogPosition).toBe(waitedSnap.reachedLogPosition);
  });

  test('policy proceed: recovers to the newest reachable point and records the shortfall (drift warned)', async () => {
    const { vdbSnap: shortVdb } = await short();
    const coverage = shortVdb.coverage as Record<string, unknown>;
    expect(coverage).toMatchObject({ covered: false, decision: 'recover-short', policy: 'proceed' });
    expect(shortVdb.achievedTimestamp).toBe(coverage.reachableTimestamp);
    // The volumes' log backups of one round end together: the point is named on the master indexserver volume (3),
    // never on xsengine (2), the lowest id, whose position HANA would not report.
    expect(shortVdb.pinnedLogPosition).toBe(shortVdb.reachedLogPosition);
    expect(shortVdb.reachedLogPosition).toBe(coverage.reachableLogPosition);
    const readLog = readFileSync(join(qasSys.paths.traceDir, 'DB_VDB2', 'backup.log'), 'utf8');
    expect(readLog).toContain(`UNTIL LOG POSITION ${coverage.reachableLogPosition as string} AT VOLUME 3`);
    expect(shortVdb.driftSeconds).toBe(coverage.shortfallSeconds);
    expect(shortVdb.driftSeconds as number).toBeGreaterThan(60);
    expect((shortVdb.recoveryWarnings as string[]).join('\n')).toMatch(
      /recovering short of the requested point[\s\S]*more than maxDriftSeconds 60/,
    );
  });

  test('policy proceed, another volume ends first: recovered to its last commit by time, never by its position', async () => {
    // In the chain of the 10:01 data backup (the 10:31 one is newer), for 10:25: xsengine's (volume 2) 10:30 log backup
    // is gone from the store, so volume 2 ends at its 10:15 one while the master indexserver (3) goes on.
    const [atQuarter, atHalf] = await logBackupsBefore1031(2);
    await land.faults.deleteBackup('PRD', 'ERP', Number(atHalf![0]));
    const minutesSince1025 = Math.round((nowMs() - Date.parse('2024-03-01T10:25:00Z')) / 60_000);
    const s = await snapshotNow({ coveragePolicy: 'proceed', rpoOffsetMinutes: minutesSince1025 });
    const v = await vdb('VDB3');
    await configure(v, s);
    const snap = await vdbSnapshot(v);
    const coverage = snap.coverage as Record<string, unknown>;
    expect(coverage).toMatchObject({ covered: false, decision: 'recover-short' });
    expect(coverage.reachableTimestamp).toBe(`${atQuarter![2]!.slice(0, 19).replace(' ', 'T')}Z`);
    expect(coverage.reachableLogPosition).toBeUndefined(); // a volume 2 position is not one HANA reports
    const recovers = () =>
      readFileSync(join(qasSys.paths.traceDir, 'DB_VDB3', 'backup.log'), 'utf8')
        .split('\n')
        .filter((l) => /RECOVER DATABASE FOR VDB3/.test(l));
    // Not UNTIL the requested time: HANA's strategy for it would name the backup that is gone, and CHECK ACCESS
    // refuses a strategy with a missing backup.
    expect(recovers().at(-1)).toContain(`UNTIL TIMESTAMP '${hanaTs(coverage.reachableTimestamp as string)}'`);
    expect(recovers().at(-1)).not.toMatch(/AT VOLUME/);
    // HANA stopped where volume 2's backups end: the point the check said was reachable, recorded and pinned.
    expect(snap.achievedTimestamp).toBe(coverage.reachableTimestamp);
    expect(snap.recoveryTimestamp).toBe(s.originTimestamp);
    expect(snap.pinnedLogPosition).toBe(snap.reachedLogPosition);
    expect((snap.recoveryWarnings as string[]).join('\n')).toMatch(
      /the backups of volume 2 end first, and a log position is named only on the master indexserver volume 3/,
    );

    // With volume 2's first log backup after the data backup gone too, even the data backup's point needs it:
    // refused before the target is touched.
    await land.faults.deleteBackup('PRD', 'ERP', Number(atQuarter![0]));
    const before = recoverLines('VDB3');
    const status = await activeStatus('VDB3');
    const err = await failure(configure(v, await snapshotNow({ coveragePolicy: 'proceed', rpoOffsetMinutes: minutesSince1025 })));
    expect(err.message).toMatch(
      new RegExp(
        `volume 2's first log backup after the data backup, ${atQuarter![0]} .*is listed in the backup catalog but ` +
          `not in the Backint tool.*The target tenant was not touched`,
      ),
    );
    expect(err.action).toMatch(/Retry once that log backup has reached the Backint tool/);
    expect(recoverLines('VDB3')).toBe(before);
    expect(await activeStatus('VDB3')).toBe(status);
  });

  test('drift beyond the limit with driftAction fail: refused before the target is touched', async () => {
    const s = await snapshotNow({ coveragePolicy: 'proceed', maxDriftSeconds: 60, driftAction: 'fail' });
    const v = await vdb('VDB3');
    const before = recoverLines('VDB3');
    const status = await activeStatus('VDB3');
    const err = await failure(configure(v, s));
    expect(err.message).toMatch(
      /would fall \d+ s short .* more than maxDriftSeconds 60 \(driftAction fail\)\. The target tenant was not touched/,
    );
    expect(recoverLines('VDB3')).toBe(before);
    expect(await activeStatus('VDB3')).toBe(status);
  });

  test('the pin holds: a later VDB of the snapshot reaches exactly the pinned point though more logs arrived', async () => {
    const { snapshot, vdbSnap: shortVdb, rows } = await short();
    const pinned = pinnedMetadata(snapshot, shortVdb)!; // what the engine writes with the first VDB snapshot
    expect(pinned).toMatchObject({ pinnedTimestamp: shortVdb.achievedTimestamp, pinnedLogPosition: shortVdb.reachedLogPosition });
    expect(pinnedMetadata(pinned, shortVdb)).toBeNull(); // a pin is never moved
    await land.clock.advance(LAG_S * 2); // the logs that were missing have reached the store since
    const v = await vdb('VDB3');
    await configure(v, pinned);
    const again = await vdbSnapshot(v);
    expect(again.reachedLogPosition).toBe(shortVdb.reachedLogPosition);
    expect(again.achievedTimestamp).toBe(shortVdb.achievedTimestamp);
    expect((again.coverage as Record<string, unknown>).requestedLogPosition).toBe(shortVdb.reachedLogPosition);
    expect(await markers('VDB3')).toEqual(rows);
    const readLog = readFileSync(join(qasSys.paths.traceDir, 'DB_VDB3', 'backup.log'), 'utf8');
    expect(readLog).toContain(`UNTIL LOG POSITION ${shortVdb.reachedLogPosition as string} AT VOLUME 3`);
  });

  test('rewind to a VDB snapshot recovers to exactly its reached point', async () => {
    const { virtualSource: v, vdbSnap } = await waited();
    await call('virtual', 'reconfigure', {
      virtualSource: v,
      repository: (await repositories()).qas,
      sourceConfig: {},
      snapshot: vdbSnap,
    });
    const again = await vdbSnapshot(v);
    expect(again.reachedLogPosition).toBe(vdbSnap.reachedLogPosition);
    expect(again.verificationResult).toBe(vdbSnap.verificationResult);
  });

  test('two VDBs of one snapshot provisioned 30 simulated minutes apart on a 3-volume tenant: same data and position', async () => {
    const volumes = await query(prdSys, 'PRD_ERP', 'SELECT VOLUME_ID, SERVICE_NAME FROM SYS.M_VOLUMES ORDER BY VOLUME_ID');
    expect(volumes.length).toBeGreaterThanOrEqual(3);
    const first = await waited(); // VDB1, the first VDB of its snapshot: it pins the snapshot
    const pinned = pinnedMetadata(first.snapshot, first.vdbSnap)!;
    const logRounds = async () =>
      Number(
        (
          await query(prdSys, 'PRD_RECOVERY', "SELECT COUNT(*) FROM SYS_DATABASES.M_BACKUP_CATALOG WHERE DATABASE_NAME = 'ERP'")
        )[0]![0],
      );
    const before = await logRounds();
    await land.clock.advance(1800); // commits every minute and their log backups keep arriving in between
    expect(await logRounds()).toBeGreaterThan(before);
    const v = await vdb('VDB3', { targetTenantUserStoreKey: 'QAS_VDB3' });
    await configure(v, pinned);
    const second = await vdbSnapshot(v);
    expect(second.reachedLogPosition).toBe(first.vdbSnap.reachedLogPosition);
    expect(second.achievedTimestamp).toBe(first.vdbSnap.achievedTimestamp);
    const rows = await markers('VDB3');
    expect(rows.length).toBeGreaterThan(60);
    expect(checksum(rows)).toBe(checksum(first.rows));
  });

  test('the newest catalog in the store is behind its log backups: the plugin waits for it, not recovering short', async () => {
    const setCatalogToBackint = (on: boolean) =>
      query(
        prdSys,
        'PRD_SYSTEM',
        "ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', 'catalog_backup_using_backint') = " +
          `'${on}' WITH RECONFIGURE`,
      );
    // t0 = a minute after a log backup round B0. Until B0 + 26 min the source writes its catalog to files (HANA's
    // default), so the round at B1 = B0 + 15 min puts its log backups into Backint and its catalog backup on disk.
    const b0 = nextBoundary(nowMs());
    await advanceTo(b0 + 60_000);
    await setCatalogToBackint(false);
    try {
      await advanceTo(b0 + 26 * 60_000); // B1's log backups are in the store since B1 + 10 min
    } finally {
      await setCatalogToBackint(true);
    }
    // The point B0 + 3 min is in B1's log backups, which the store shows; the newest catalog there is B0's.
    const extra = { rpoOffsetMinutes: 23, coverageWaitTimeoutSeconds: 3600 };
    const v = await vdb('VDB3', { targetTenantUserStoreKey: 'QAS_VDB3' });
    const before = recoverLines('VDB3');
    const refused = await failure(configure(v, await snapshotNow({ ...extra, coveragePolicy: 'fail' })));
    expect(refused.message).toMatch(/the backup catalog is behind: log backup \d+ .* is in the Backint tool, but the newest/);
    expect(refused.message).toMatch(/The target tenant was not touched/);
    expect(refused.action).toMatch(/catalog backup of the source that lists these log backups/);
    expect(recoverLines('VDB3')).toBe(before);

    const s = await snapshotNow(extra);
    expect(s.originTimestamp).toBe(new Date(b0 + 3 * 60_000).toISOString().replace('.000', ''));
    const p = configure(v, s);
    expect(await nextWait(p, waitReports().length)).toBe(true);
    expect(waitReports().at(-1)!.message).toMatch(/the backup catalog is behind/);
    // The next round (B2 = B1 + 15 min) writes a catalog to Backint again; it reaches the store 10 min later.
    await advanceTo(b0 + 30 * 60_000 + LAG_S * 1000 + 5000);
    await p;
    const snap = await vdbSnapshot(v);
    expect(snap.achievedTimestamp).toBe(s.originTimestamp);
    expect(snap.driftSeconds).toBe(0);
  });

  test('the pinned point can no longer be reached (log backup deleted): a clear failure, nothing touched', async () => {
    // A point in the chain of the 10:01 data backup (the 10:31 one is newer, every other test's): the last commit of
    // its second log backup (10:30) on the master indexserver volume (3). The recovery also needs dpserver's (volume
    // 4) 10:30 log backup, which is deleted (the proceed test above deletes xsengine's, so both run in any order).
    const holding = (await logBackupsBefore1031(3))[1]!;
    const deleted = (await logBackupsBefore1031(4))[1]!;
    const pinned = pinnedMetadata(await snapshotNow({ coveragePolicy: 'proceed' }), {
      reachedLogPosition: holding[1]!,
      achievedTimestamp: `${holding[2]!.slice(0, 19).replace(' ', 'T')}Z`,
    })!;
    await land.faults.deleteBackup('PRD', 'ERP', Number(deleted[0]));
    const v = await vdb('VDB3');
    const before = recoverLines('VDB3');
    const status = await activeStatus('VDB3');
    expect((await planOf({ virtualSource: v, repository: (await repositories()).qas, snapshot: pinned })).verdict).toBe('fail');
    const err = await failure(configure(v, pinned));
    expect(err.message).toMatch(
      new RegExp(
        `proceed does not apply to a pinned point\\): requested log position ${pinned.pinnedLogPosition as string} .*log ` +
          `backup ${deleted[0]} .*not in the Backint tool .*or deleted.*The target tenant was not touched`,
      ),
    );
    expect(err.action).toMatch(/provision from a newer dSource snapshot/);
    expect(recoverLines('VDB3')).toBe(before);
    expect(await activeStatus('VDB3')).toBe(status);
  });
});
