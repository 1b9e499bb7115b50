/**
 * dSource operations. A snapshot is metadata only (no data is copied): the source tenant and the point in
 * time VDBs recover to, originTimestamp = takenAt − rpoOffsetMinutes (UTC, seconds). takenAt is "now" on the
 * clock of the source HANA (CURRENT_UTCTIMESTAMP on its SYSTEMDB): the logs we recover are stamped by that clock,
 * and asking it also proves the dSource's key works.
 */
import { UserError } from '../../src/sdk/errors.js';
import { hanaErrorContext } from '../../src/hana/errors.js';
import type { MountSpecification, PluginObject, StagedSource } from '../../src/sdk/platform.js';
import { currentUtcTimestamp } from '../../src/hana/sql.js';
import { hdbsqlOrUserError, requireTenant } from '../../src/hana/tenant.js';
import { originTimestamp, parseHanaTimestamp } from '../../src/hana/time.js';
import { joinPath, parseAbsolutePath, parseSid } from '../../src/hana/identifiers.js';
import { requireReadableFile } from '../../src/hana/remote/readable-file.js';
import { BACKINT_FILE, hdbsqlTarget, linkedParameters, repositoryOf } from './objects.js';

export async function preSnapshot(_s: StagedSource, _r: PluginObject, _c: PluginObject, _p: PluginObject | null): Promise<void> {
  // Nothing to prepare: no data moves at sync time.
}

export async function postSnapshot(
  stagedSource: StagedSource,
  repository: PluginObject,
  sourceConfig: PluginObject,
  _p: PluginObject | null,
): Promise<PluginObject> {
  const params = linkedParameters(stagedSource.parameters);
  // Checked when the dSource is linked (and at each sync), with the message a provision would give.
  await requireReadableFile(stagedSource.sourceConnection, params.backintParameterFile, 'backintParameterFile', BACKINT_FILE);
  const repo = repositoryOf(repository);
  const sourceSid = parseSid(sourceConfig.sid ?? repo.sid, 'sourceConfig.sid');
  const target = hdbsqlTarget(repo, params.sourceUserStoreKey);
  const ctx = hanaErrorContext(repo, params.sourceUserStoreKey, `reading the clock of ${sourceSid}`, {
    sid: sourceSid,
    tenant: params.sourceTenant,
  });
  await requireTenant(stagedSource.sourceConnection, target, params.sourceTenant, ctx);
  const out = await hdbsqlOrUserError(stagedSource.sourceConnection, target, currentUtcTimestamp(), ctx);
  const raw = out.rows[0]?.[0] ?? '';
  const now = parseHanaTimestamp(raw);
  if (!now)
    throw new UserError(
      `${sourceSid} answered CURRENT_UTCTIMESTAMP with ${JSON.stringify(raw)}, which is not a timestamp.`,
      'Check the HANA client (hdbsql) of the source installation.',
    );
  return {
    sourceSid,
    sourceTenant: params.sourceTenant,
    originTimestamp: originTimestamp(now, params.rpoOffsetMinutes),
    rpoOffsetMinutes: params.rpoOffsetMinutes,
    takenAt: now,
    // The dSource's policy travels with the snapshot: VDB operations only see the snapshot (and their own overrides).
    recoveryPolicy: params.policy,
    // Which tool a VDB of this snapshot recovers through (the Commvault parameter-file check depends on it).
    backupSource: params.backupSource,
    checkAccessUsingBackint: params.checkAccessUsingBackint,
    ...(params.commvaultSourceClient ? { commvaultSourceClient: params.commvaultSourceClient } : {}),
  };
}

/**
 * STAGED plugins must return a staging mount; nothing is stored in it (snapshots are metadata only). It lives under
 * the staging host's scratch path, one directory per dSource.
 */
export async function mountSpecification(stagedSource: StagedSource, _repository: PluginObject): Promise<MountSpecification> {
  const scratch = parseAbsolutePath(
    stagedSource.stagedConnection.environment.host.scratchPath,
    'stagedConnection.environment.host.scratchPath',
  );
  return {
    mounts: [
      {
        remoteEnvironment: stagedSource.stagedConnection.environment,
        mountPath: joinPath(scratch, 'hana-vdb', 'staging', stagedSource.guid),
      },
    ],
  };
}
