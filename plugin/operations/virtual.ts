/**
 * VDB operations. A VDB is a tenant of the target system recovered to a point in time from the source's
 * Backint backups; its mount (<mountBase>/<guid>) holds the recovery record and per-operation directories.
 * Refresh = unconfigure → configure; rewind = unconfigure → reconfigure (to the VDB snapshot's recoveryTimestamp).
 */
import { UserError } from '../../src/sdk/errors.js';
import { runRemote } from '../../src/hana/remote/run.js';
import { Status, type MountSpecification, type PluginObject, type VirtualSource } from '../../src/sdk/platform.js';
import { hanaErrorContext, type HanaErrorContext } from '../../src/hana/errors.js';
import { joinPath } from '../../src/hana/identifiers.js';
import { recoverGuarded } from '../../src/hana/recovery/guarantees.js';
import { readRecord, recordPath, stateDir } from '../../src/hana/recovery/record.js';
import { requirePreflight } from './preflight.js';
import { startTenant, stopTenant, tenantActiveStatus } from '../../src/hana/tenant.js';
import {
  coverageOf,
  hdbsqlTarget,
  mountPathOf,
  recoveryPolicyOf,
  repositoryOf,
  snapshotTarget,
  virtualParameters,
  type Repository,
  type VirtualParameters,
} from './objects.js';

function context(repo: Repository, p: VirtualParameters, doing: string): HanaErrorContext {
  return hanaErrorContext(repo, p.targetUserStoreKey, doing, {
    tenant: p.targetTenant,
    ...(p.backintParameterFile ? { backintParameterFile: p.backintParameterFile } : {}),
  });
}

export async function mountSpecification(virtualSource: VirtualSource, _repository: PluginObject): Promise<MountSpecification> {
  const p = virtualParameters(virtualSource.parameters);
  return {
    mounts: [{ remoteEnvironment: virtualSource.connection.environment, mountPath: joinPath(p.mountBase, virtualSource.guid) }],
  };
}

async function recover(virtualSource: VirtualSource, repository: PluginObject, snapshot: PluginObject): Promise<PluginObject> {
  const repo = repositoryOf(repository);
  const p = virtualParameters(virtualSource.parameters);
  const snap = snapshotTarget(snapshot);
  const what = `recovering ${p.targetTenant}@${repo.sid} from ${snap.sourceTenant}@${snap.sourceSid}`;
  // Read-only checks first: a failing one leaves the target tenant as it is (running).
  const backintParameterFile = await requirePreflight(virtualSource, repo, p, snap, what);
  const { record } = await recoverGuarded({
    connection: virtualSource.connection,
    system: repo,
    target: hdbsqlTarget(repo, p.targetUserStoreKey),
    tenant: p.targetTenant,
    source: {
      sid: snap.sourceSid,
      tenant: snap.sourceTenant,
      backupSource: snap.backupSource,
      checkAccess: snap.checkAccess,
      ...(snap.commvaultSourceClient ? { commvaultSourceClient: snap.commvaultSourceClient } : {}),
    },
    base: snap.base,
    until: snap.until,
    mountPath: mountPathOf(virtualSource),
    backintParameterFile,
    policy: recoveryPolicyOf(p.policyOverride, snap.policy),
    coverage: coverageOf(repo, p, backintParameterFile),
    pin: snap.pin,
    verification:
      p.verificationQuery && p.targetTenantUserStoreKey
        ? { target: hdbsqlTarget(repo, p.targetTenantUserStoreKey), query: p.verificationQuery }
        : null,
    what,
  });
  return {
    name: `${p.targetTenant}@${repo.sid}`,
    sid: repo.sid,
    tenant: p.targetTenant,
    ...(record.tenantActiveStatus === 'YES' || record.tenantActiveStatus === 'NO'
      ? { activeStatus: record.tenantActiveStatus }
      : {}),
  };
}

/** Provision and refresh: recover the target tenant to the snapshot's point in time. */
export function configure(virtualSource: VirtualSource, repository: PluginObject, snapshot: PluginObject): Promise<PluginObject> {
  return recover(virtualSource, repository, snapshot);
}

/** Rewind (and enable): recover again to the given snapshot; a VDB snapshot's recoveryTimestamp is reused. */
export function reconfigure(
  virtualSource: VirtualSource,
  repository: PluginObject,
  _sourceConfig: PluginObject,
  snapshot: PluginObject,
): Promise<PluginObject> {
  return recover(virtualSource, repository, snapshot);
}

function stateOf(virtualSource: VirtualSource, repository: PluginObject) {
  const repo = repositoryOf(repository);
  const p = virtualParameters(virtualSource.parameters);
  return { repo, p, target: hdbsqlTarget(repo, p.targetUserStoreKey) };
}

const REMOVE_STATE = 'rm -rf -- "$HANA_VDB_STATE_DIR"';

/** Disassociate: stop the tenant and remove everything this VDB keeps on the host (Delphix: unconfigure cleans up). */
export async function unconfigure(
  virtualSource: VirtualSource,
  repository: PluginObject,
  _sourceConfig: PluginObject,
): Promise<void> {
  const { repo, p, target } = stateOf(virtualSource, repository);
  await stopTenant(virtualSource.connection, target, p.targetTenant, context(repo, p, `stopping tenant ${p.targetTenant}`));
  await runRemote(
    virtualSource.connection,
    REMOVE_STATE,
    { HANA_VDB_STATE_DIR: stateDir(mountPathOf(virtualSource)) },
    { check: true },
  );
}

/** Delete: the tenant itself belongs to the target system and stays; our state on the host goes (idempotent). */
export async function cleanup(virtualSource: VirtualSource, _repository: PluginObject, _sourceConfig: PluginObject): Promise<void> {
  if (virtualSource.mounts.length === 0) return;
  await runRemote(
    virtualSource.connection,
    REMOVE_STATE,
    { HANA_VDB_STATE_DIR: stateDir(mountPathOf(virtualSource)) },
    { check: true },
  );
}

export async function start(virtualSource: VirtualSource, repository: PluginObject, _sourceConfig: PluginObject): Promise<void> {
  const { repo, p, target } = stateOf(virtualSource, repository);
  await startTenant(virtualSource.connection, target, p.targetTenant, context(repo, p, `starting tenant ${p.targetTenant}`));
}

export async function stop(virtualSource: VirtualSource, repository: PluginObject, _sourceConfig: PluginObject): Promise<void> {
  const { repo, p, target } = stateOf(virtualSource, repository);
  await stopTenant(virtualSource.connection, target, p.targetTenant, context(repo, p, `stopping tenant ${p.targetTenant}`));
}

export async function status(virtualSource: VirtualSource, repository: PluginObject, _sourceConfig: PluginObject): Promise<Status> {
  const { repo, p, target } = stateOf(virtualSource, repository);
  const s = await tenantActiveStatus(
    virtualSource.connection,
    target,
    p.targetTenant,
    context(repo, p, `reading the state of tenant ${p.targetTenant}`),
  );
  return s === 'YES' ? Status.ACTIVE : Status.INACTIVE;
}

export async function preSnapshot(_v: VirtualSource, _r: PluginObject, _c: PluginObject): Promise<void> {
  // Nothing to quiesce: the VDB snapshot records the recovery, it copies no data.
}

/** The VDB snapshot: the dSource snapshot's fields plus what the last recovery recorded on the host. */
export async function postSnapshot(
  virtualSource: VirtualSource,
  _repository: PluginObject,
  _sourceConfig: PluginObject,
): Promise<PluginObject> {
  const file = recordPath(mountPathOf(virtualSource));
  const r = await readRecord(virtualSource.connection, file);
  if (!r)
    throw new UserError(
      `The VDB has no recovery record (${file}).`,
      'Refresh the VDB to recover it; the record is written by every recovery.',
    );
  if (r.status !== 'succeeded') {
    throw new UserError(
      `The VDB's last recovery ${r.status === 'running' ? 'has not finished' : 'failed'}` +
        `${r.failure ? `: ${r.failure.message}` : ''}.`,
      r.failure?.action || 'Wait for the recovery to finish, or refresh the VDB.',
    );
  }
  const g = r.guarantees;
  const optional = {
    executionTimestamp: r.executionTimestamp,
    achievedTimestamp: r.achievedTimestamp,
    recoveryInfo: r.recoveryInfo,
    reachedLogPosition: r.reachedLogPosition,
    operationId: r.operationId,
    recoveryPolicy: g?.recoveryPolicy ?? null,
    pinnedTimestamp: g?.pinnedTimestamp ?? null,
    pinnedLogPosition: g?.pinnedLogPosition ?? null,
    driftSeconds: g?.driftSeconds ?? null,
    coverage: g?.coverage ?? null,
    logShippingLagSeconds: g?.logShippingLagSeconds ?? null,
    verificationResult: g?.verificationResult ?? null,
    recoveryWarnings: g && g.warnings.length ? g.warnings.slice(0, 50).map((w) => w.slice(0, 4000)) : null,
  };
  return {
    ...r.snapshot,
    recoveryTimestamp: r.recoveryTimestamp,
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== null)),
  };
}
