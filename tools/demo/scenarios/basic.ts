/**
 * The main job: a source tenant receives marker rows while log backups reach the Backint store
 * with a lag; link a dSource with an RPO offset, provision a VDB from its snapshot, let time pass, sync and
 * refresh the VDB, and report every recorded timestamp with a checksum of what each VDB really holds.
 */
import type { DemoEnv } from '../env.js';
import { snapshotEntry, vdbEntry, type DemoReport } from '../report.js';

export const BASIC = {
  rpoOffsetMinutes: 30,
  markerEverySeconds: 60,
  logBackupTimeoutSeconds: 900,
  logShippingLagSeconds: 600,
};

export async function runBasicScenario(env: DemoEnv): Promise<DemoReport> {
  const { source, target } = env;
  const sourceKey = `${source.sid}_RECOVERY`;
  env.say(`Writing a marker row into ${source.sid}/ERP every ${BASIC.markerEverySeconds} s of simulated time`);
  await env.landscape.workload.startMarkers({ sid: source.sid, database: 'ERP', everySeconds: BASIC.markerEverySeconds });
  await env.advance(600);
  env.say('Full data backup of ERP through Backint');
  await env.hdbsql(source, `${source.sid}_SYSTEM`, "BACKUP DATA FOR ERP USING BACKINT ('DEMO_FULL')");
  env.say('Two hours pass: marker rows every minute, a log backup every 15 minutes, each reaching the store 10 minutes late');
  await env.advance(7200);

  const dsourceParams = {
    backupSource: env.backupSource,
    sourceTenant: 'ERP',
    rpoOffsetMinutes: BASIC.rpoOffsetMinutes,
    sourceUserStoreKey: sourceKey,
    backintParameterFile: source.backintParameterFile,
  };
  const first = await env.linkDSource('erp', dsourceParams);
  const vdbParams = {
    targetTenant: 'VDB1',
    targetUserStoreKey: `${target.sid}_RECOVERY`,
    sourceCatalogUserStoreKey: sourceKey,
    backintParameterFile: target.backintParameterFile,
    mountBase: `${env.simRoot}/mnt`,
  };
  const provisioned = await env.provision('vdb1', first.id, vdbParams);
  const afterProvision = vdbEntry('vdb1', provisioned.snapshot, await env.tableChecksum(target, 'VDB1', 'MARKERS'));

  env.say('One more hour passes on the source');
  await env.advance(3600);
  const second = await env.syncDSource('erp');
  const refreshed = await env.refresh('vdb1', second.id);
  const afterRefresh = vdbEntry('vdb1', refreshed.snapshot, await env.tableChecksum(target, 'VDB1', 'MARKERS'));

  return {
    scenario: 'basic',
    dataDir: env.engineDataDir,
    dsource: { name: 'erp', sourceSid: source.sid, sourceTenant: 'ERP', rpoOffsetMinutes: BASIC.rpoOffsetMinutes },
    snapshots: env.engine.store.snapshots({ dsourceName: 'erp' }).map(snapshotEntry),
    vdbs: [afterProvision, afterRefresh],
  };
}
