// Snapshot metadata of the contract shape (snapshotDefinition in schemas/schema.json), produced the way the HANA plugin
// does: the recovery writes a record on the target host, postSnapshot reads it back.
import { Plugin, UserError } from '../../../../dist/src/sdk/index.js';
import { libs } from '../../../../dist/src/sdk/libs.js';

export const plugin = new Plugin();

const SYSTEMS = [
  { sid: 'PRD', instanceNumber: '00', hostName: 'hanaprd', tenants: ['ERP', 'HR'] },
  { sid: 'QAS', instanceNumber: '10', hostName: 'hanaqas', tenants: ['VDB1', 'VDB2', 'VDB3'] },
];

async function readJson(connection, file) {
  const r = await libs.runBash(connection, 'cat -- "$META_FILE"', { variables: { META_FILE: file }, check: true });
  return JSON.parse(r.stdout);
}

async function writeJson(connection, file, value) {
  await libs.runBash(connection, 'printf %s "$META_DATA" > "$META_FILE"', { variables: { META_FILE: file, META_DATA: JSON.stringify(value) }, check: true });
}

const minus = (iso, minutes) => new Date(Date.parse(iso) - minutes * 60000).toISOString().replace(/\.\d{3}Z$/, 'Z');

plugin.discovery.repository(() => SYSTEMS.map((s) => ({
  name: `${s.sid} HDB${s.instanceNumber} 2.00.070`, sid: s.sid, instanceNumber: s.instanceNumber, hostName: s.hostName,
  installationPath: `/usr/sap/${s.sid}/HDB${s.instanceNumber}`, version: '2.00.070.00', hdbsqlPath: `/usr/sap/${s.sid}/HDB${s.instanceNumber}/exe/hdbsql`,
  hdbuserstorePath: `/usr/sap/${s.sid}/HDB${s.instanceNumber}/exe/hdbuserstore`, traceDirectory: `/usr/sap/${s.sid}/HDB${s.instanceNumber}/${s.hostName}/trace`,
  osUser: `${s.sid.toLowerCase()}adm`,
})));
plugin.discovery.sourceConfig(({ repository }) =>
  SYSTEMS.find((s) => s.sid === repository.sid).tenants.map((t) => ({ name: `${t}@${repository.sid}`, sid: repository.sid, tenant: t })));

plugin.linked.mountSpecification(({ stagedSource }) => ({
  mounts: [{ remoteEnvironment: stagedSource.stagedConnection.environment, mountPath: `${stagedSource.stagedConnection.environment.host.scratchPath}/staging/${stagedSource.guid}` }],
}));
plugin.linked.postSnapshot(async ({ stagedSource, sourceConfig }) => {
  const p = stagedSource.parameters;
  const scenario = await readJson(stagedSource.stagedConnection, p.backintParameterFile);
  if (scenario.syncHangMarker) {
    await writeJson(stagedSource.stagedConnection, scenario.syncHangMarker, { started: true });
    await new Promise(() => {}); // killed here by the test: an interrupted job
  }
  if (scenario.syncFail) throw new UserError(scenario.syncFail, 'Check the fixture scenario.');
  const takenAt = scenario.takenAt;
  return { sourceSid: sourceConfig.sid, sourceTenant: p.sourceTenant, originTimestamp: minus(takenAt, p.rpoOffsetMinutes), rpoOffsetMinutes: p.rpoOffsetMinutes, takenAt };
});

const recordFile = (virtualSource) => `${virtualSource.mounts[0].mountPath}/recovery-record.json`;

async function recover({ virtualSource, snapshot }) {
  const p = virtualSource.parameters;
  const conn = virtualSource.connection;
  const s = (await readJson(conn, p.backintParameterFile)).recover;
  if (s.hangMarker) {
    await writeJson(conn, s.hangMarker, { started: true });
    await new Promise(() => {}); // the test kills this process here: a recovery interrupted mid-way
  }
  if (s.fail) throw new UserError(s.fail, 'Check the fixture scenario.');
  const recoveryTimestamp = snapshot.recoveryTimestamp ?? snapshot.originTimestamp;
  const record = {
    sourceSid: snapshot.sourceSid, sourceTenant: snapshot.sourceTenant, originTimestamp: snapshot.originTimestamp,
    rpoOffsetMinutes: snapshot.rpoOffsetMinutes, takenAt: snapshot.takenAt,
    executionTimestamp: s.executionTimestamp, recoveryTimestamp,
    achievedTimestamp: minus(recoveryTimestamp, (s.shortBySeconds ?? 0) / 60),
    recoveryInfo: s.recoveryInfo, reachedLogPosition: s.reachedLogPosition, operationId: s.operationId,
    ...(s.logShippingLagSeconds !== undefined ? { logShippingLagSeconds: s.logShippingLagSeconds } : {}),
    ...(s.logBackupIntervalSeconds !== undefined ? { coverage: { covered: false, policy: 'proceed', logBackupIntervalSeconds: s.logBackupIntervalSeconds } } : {}),
  };
  await writeJson(conn, recordFile(virtualSource), record);
  return { name: `${p.targetTenant}@QAS`, sid: 'QAS', tenant: p.targetTenant };
}

plugin.virtual.mountSpecification(({ virtualSource }) => ({
  mounts: [{ remoteEnvironment: virtualSource.connection.environment, mountPath: `${virtualSource.parameters.mountBase}/${virtualSource.guid}` }],
}));
plugin.virtual.configure(({ virtualSource, snapshot }) => recover({ virtualSource, snapshot }));
plugin.virtual.reconfigure(({ virtualSource, snapshot }) => recover({ virtualSource, snapshot }));
plugin.virtual.unconfigure(async () => {});
plugin.virtual.postSnapshot(async ({ virtualSource }) => readJson(virtualSource.connection, recordFile(virtualSource)));
