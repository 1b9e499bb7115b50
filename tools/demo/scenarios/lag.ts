/**
 * `hana-vdb demo --scenario lag`: log backups reach the Backint store 10 minutes after HANA wrote
 * them, and the dSource snapshot is taken with no RPO offset, so its point in time lies beyond what the store
 * holds. Under the default policy (wait) the first VDB waits until the logs have arrived instead of recovering
 * short; its achieved point is pinned on the snapshot. More logs arrive; a second VDB from the same snapshot
 * reaches exactly the same point. Both are checked against what the catalog said was reachable.
 */
import type { SnapshotRow } from '../../../src/engine/store/types.js';
import type { DemoEnv } from '../env.js';
import { snapshotEntry, vdbEntry, type DemoReport, type DemoVdb } from '../report.js';

export const LAG = {
  markerEverySeconds: 60,
  logShippingLagSeconds: 600,
  coverageWaitTimeoutSeconds: 1800,
  /** Simulated time that passes between the two provisions. */
  betweenProvisionsSeconds: 1800,
};

export interface LagFindings {
  /** Both VDBs: same achievedTimestamp, reachedLogPosition and dataChecksum. */
  identical: boolean;
  /** No VDB fell short of the point the catalog said was reachable (the requested time, once covered). */
  noneShort: boolean;
  pinnedTimestamp: string | null;
  pinnedLogPosition: string | null;
  /** Per VDB: what the coverage check saw and what the recovery achieved. */
  checks: Array<{
    vdb: string;
    covered: boolean;
    waitedSeconds: number | null;
    reachableTimestamp: string | null;
    expectedNotBefore: string | null;
    achievedTimestamp: string | null;
    logShippingLagSeconds: number | null;
    short: boolean;
  }>;
}

export type LagScenarioResult = DemoReport & { findings: LagFindings };

/** Keep simulated time moving while `work` runs (the wait policy polls until the logs arrive). */
async function whileTimePasses<T>(env: DemoEnv, work: Promise<T>): Promise<T> {
  let done = false;
  const settled = work.finally(() => {
    done = true;
  });
  while (!done) {
    // About 30 simulated seconds per real second: the coverage check polls every 2 real seconds, so the
    // log-shipping lag it measures is exact to about a minute of simulated time.
    await env.advance(10, 10);
    await Promise.race([settled.catch(() => undefined), new Promise((r) => setTimeout(r, 300))]);
  }
  return settled;
}

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

function check(name: string, snap: SnapshotRow): LagFindings['checks'][number] {
  const m = snap.metadata;
  const c = (m.coverage ?? {}) as Record<string, unknown>;
  const achieved = str(m.achievedTimestamp);
  const reachable = str(c.reachableTimestamp);
  const notBefore = str(c.expectedNotBefore) ?? reachable;
  // Short = below what the catalog said this recovery would reach (for a pinned recovery: the pinned point).
  const floor = str(m.pinnedTimestamp) && str(c.requestedLogPosition) ? str(m.pinnedTimestamp) : notBefore;
  return {
    vdb: name,
    covered: c.covered === true,
    waitedSeconds: num(c.waitedSeconds),
    reachableTimestamp: reachable,
    expectedNotBefore: notBefore,
    achievedTimestamp: achieved,
    logShippingLagSeconds: num(m.logShippingLagSeconds),
    short: !achieved || !floor || achieved < floor,
  };
}

export async function runLagScenario(env: DemoEnv): Promise<LagScenarioResult> {
  const { source, target } = env;
  env.say(`Log backups reach the Backint store ${LAG.logShippingLagSeconds / 60} minutes after HANA writes them`);
  await env.landscape.faults.logShippingLag(LAG.logShippingLagSeconds);
  env.say(`Writing a marker row into ${source.sid}/ERP every ${LAG.markerEverySeconds} s of simulated time`);
  await env.landscape.workload.startMarkers({ sid: source.sid, database: 'ERP', everySeconds: LAG.markerEverySeconds });
  await env.advance(600);
  env.say('Full data backup of ERP through Backint');
  await env.hdbsql(source, `${source.sid}_SYSTEM`, "BACKUP DATA FOR ERP USING BACKINT ('LAG_FULL')");
  await env.advance(7200);

  const snapshot = await env.linkDSource('erp-lag', {
    backupSource: env.backupSource,
    sourceTenant: 'ERP',
    rpoOffsetMinutes: 0, // the snapshot's point lies beyond what the Backint store holds
    sourceUserStoreKey: `${source.sid}_RECOVERY`,
    backintParameterFile: source.backintParameterFile,
    coveragePolicy: 'wait',
    coverageWaitTimeoutSeconds: LAG.coverageWaitTimeoutSeconds,
  });
  const vdbParams = (tenant: string) => ({
    targetTenant: tenant,
    targetUserStoreKey: `${target.sid}_RECOVERY`,
    sourceCatalogUserStoreKey: `${source.sid}_RECOVERY`,
    backintParameterFile: target.backintParameterFile,
    mountBase: `${env.simRoot}/mnt`,
    targetTenantUserStoreKey: `${target.sid}_${tenant}`,
    verificationQuery: 'SELECT COUNT(*), MAX(ID) FROM MARKERS',
  });

  env.say(
    `Provisioning VDB lag1 from snapshot ${snapshot.id} (origin ` +
      `${String(snapshot.metadata.originTimestamp)}): the policy waits for the logs`,
  );
  const first = await whileTimePasses(env, env.provision('lag1', snapshot.id, vdbParams('VDB1')));
  const firstEntry: DemoVdb = vdbEntry('lag1', first.snapshot, await env.tableChecksum(target, 'VDB1', 'MARKERS'));

  env.say(`${LAG.betweenProvisionsSeconds / 60} more minutes pass: more marker rows and log backups arrive`);
  await env.advance(LAG.betweenProvisionsSeconds);
  env.say(`Provisioning VDB lag2 from the same snapshot ${snapshot.id}: it recovers to the pinned point`);
  const second = await whileTimePasses(env, env.provision('lag2', snapshot.id, vdbParams('VDB2')));
  const secondEntry: DemoVdb = vdbEntry('lag2', second.snapshot, await env.tableChecksum(target, 'VDB2', 'MARKERS'));

  const pinned = env.engine.store.snapshot(snapshot.id)!.metadata;
  const checks = [check('lag1', first.snapshot), check('lag2', second.snapshot)];
  const identical =
    firstEntry.achievedTimestamp === secondEntry.achievedTimestamp &&
    firstEntry.reachedLogPosition === secondEntry.reachedLogPosition &&
    firstEntry.dataChecksum === secondEntry.dataChecksum;
  return {
    scenario: 'lag',
    dataDir: env.engineDataDir,
    dsource: { name: 'erp-lag', sourceSid: source.sid, sourceTenant: 'ERP', rpoOffsetMinutes: 0 },
    snapshots: env.engine.store.snapshots({ dsourceName: 'erp-lag' }).map(snapshotEntry),
    vdbs: [firstEntry, secondEntry],
    findings: {
      identical,
      noneShort: checks.every((c) => !c.short),
      pinnedTimestamp: str(pinned.pinnedTimestamp),
      pinnedLogPosition: str(pinned.pinnedLogPosition),
      checks,
    },
  };
}
