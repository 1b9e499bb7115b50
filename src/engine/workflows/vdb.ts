/**
 * VDB workflows in Delphix order:
 *   provision = virtual.mountSpecification → (mkdir) → virtual.configure → VDB snapshot
 *   refresh   = virtual.unconfigure → virtual.mountSpecification → (mkdir) → virtual.configure → VDB snapshot
 *   rewind    = virtual.unconfigure → virtual.mountSpecification → (mkdir) → virtual.reconfigure
 *   snapshot  = virtual.preSnapshot → virtual.postSnapshot
 *   start     = virtual.mountSpecification → (mkdir) → virtual.start;  stop = virtual.stop
 *   enable    = virtual.status → if INACTIVE: virtual.mountSpecification → (mkdir) → virtual.reconfigure
 *   disable   = virtual.unconfigure;  delete = virtual.unconfigure → virtual.cleanup
 * Provision, refresh and rewind are recorded in the VDB's recovery history. A failure leaves the VDB
 * marked failed (retry with provision/refresh, or delete it); nothing half-written stays "active".
 */
import { UserError } from '../../sdk/errors.js';
import { Status, type Mount, type VirtualSource } from '../../sdk/platform.js';
import type { Engine } from '../engine.js';
import type { Json, RecoveryOperation, SnapshotRow, VdbRow, VdbStatus } from '../store/types.js';
import { primaryUser, remoteConnection } from './connections.js';
import { errorText, runJob, type JobContext } from './job.js';
import { prepareMounts } from './mounts.js';
import { addVdbSnapshotPinning } from './pin.js';
import { virtual } from './plugin-calls.js';
import { requireEnvironment, requireRepository, requireSnapshot, requireVdb } from './resolve.js';
import { refuseOwnedTarget, vdbTarget } from './target.js';
import type { JobStart } from '../store/store.js';

function virtualSource(engine: Engine, vdb: VdbRow, mounts: Mount[] = vdb.mounts as unknown as Mount[]): VirtualSource {
  const env = engine.store.environmentById(vdb.environmentId)!;
  return { guid: vdb.guid, connection: remoteConnection(env, primaryUser(engine.store, env)), parameters: vdb.parameters, mounts };
}

const repositoryOf = (engine: Engine, vdb: VdbRow): Json => engine.store.repository(vdb.repositoryId)!.object;
const fresh = (engine: Engine, vdb: VdbRow): VdbRow => engine.store.vdb(vdb.name)!;

/** A job on a VDB also holds its target tenant, so no other job changes that tenant meanwhile. */
function vdbJob(engine: Engine, vdb: VdbRow, operation: string): JobStart {
  const target = vdbTarget(engine.store, vdb);
  return { operation, objectType: 'vdb', objectName: vdb.name, ...(target ? { target } : {}) };
}

async function mount(ctx: JobContext, vdb: VdbRow): Promise<VirtualSource> {
  const spec = await virtual.mountSpecification(ctx, {
    virtualSource: virtualSource(ctx.engine, vdb, []),
    repository: repositoryOf(ctx.engine, vdb),
  });
  const mounts = await prepareMounts(ctx, spec, 'virtual.mountSpecification()');
  ctx.engine.store.setVdbMounts(vdb.id, mounts as unknown as Json[]);
  return virtualSource(ctx.engine, vdb, mounts);
}

function requireSourceConfig(vdb: VdbRow, action: string): Json {
  if (!vdb.sourceConfig) throw new UserError(`The VDB '${vdb.name}' was never configured.`, action);
  return vdb.sourceConfig;
}

async function unconfigure(ctx: JobContext, vdb: VdbRow): Promise<void> {
  if (!vdb.sourceConfig) return; // never configured: nothing to take apart
  await virtual.unconfigure(ctx, {
    virtualSource: virtualSource(ctx.engine, vdb),
    repository: repositoryOf(ctx.engine, vdb),
    sourceConfig: vdb.sourceConfig,
  });
}

async function takeSnapshot(ctx: JobContext, vdb: VdbRow, status: VdbStatus): Promise<SnapshotRow> {
  const sourceConfig = requireSourceConfig(vdb, `Refresh it: hana-vdb vdb refresh ${vdb.name}.`);
  const args = { virtualSource: virtualSource(ctx.engine, vdb), repository: repositoryOf(ctx.engine, vdb), sourceConfig };
  await virtual.preSnapshot(ctx, args);
  const metadata = await virtual.postSnapshot(ctx, args);
  const { id, pinned } = addVdbSnapshotPinning(
    ctx.engine.store,
    vdb,
    vdb.provisionedFromSnapshotId,
    metadata,
    ctx.plugin.migrationId,
    ctx.job.id,
    status,
  );
  ctx.log.info(`VDB ${vdb.name}: snapshot ${id}.`);
  if (pinned)
    ctx.log.info(
      `dSource snapshot ${pinned.id} pinned to ${String(pinned.metadata.pinnedTimestamp)} ` +
        `(log position ${String(pinned.metadata.pinnedLogPosition)}): every VDB from it recovers to exactly this point.`,
    );
  return ctx.engine.store.snapshot(id)!;
}

/** Configure from a dSource snapshot, then take the VDB snapshot (provision and refresh). */
async function configureAndSnapshot(ctx: JobContext, vdb: VdbRow, dsSnapshot: SnapshotRow): Promise<SnapshotRow> {
  const vs = await mount(ctx, vdb);
  ctx.progress({ percent: 20, message: `Configuring VDB ${vdb.name} from snapshot ${dsSnapshot.id}` });
  ctx.band(20, 90);
  const sc = await virtual.configure(ctx, {
    virtualSource: vs,
    repository: repositoryOf(ctx.engine, vdb),
    snapshot: dsSnapshot.metadata,
  });
  ctx.engine.store.setVdbSourceConfig(vdb.id, sc, ctx.plugin.migrationId, dsSnapshot.id);
  ctx.progress({ percent: 90, message: `Taking the snapshot of VDB ${vdb.name}` });
  ctx.band(90, 100);
  const snap = await takeSnapshot(ctx, fresh(ctx.engine, vdb), 'active');
  ctx.progress({ percent: 100, message: `VDB ${vdb.name} is active` });
  return snap;
}

/** Run a recovery-type workflow: history row, VDB marked failed on error. */
async function recovery<T extends SnapshotRow | VdbRow>(
  ctx: JobContext,
  vdb: VdbRow,
  operation: RecoveryOperation,
  dsSnapshotId: number | null,
  targetSnapshotId: number | null,
  steps: () => Promise<T>,
): Promise<T> {
  const hid = ctx.engine.store.startRecovery({
    vdbId: vdb.id,
    jobId: ctx.job.id,
    operation,
    dsourceSnapshotId: dsSnapshotId,
    targetSnapshotId,
  });
  try {
    const result = await steps();
    const snap = 'kind' in result ? (result as SnapshotRow) : undefined;
    const target = targetSnapshotId !== null ? ctx.engine.store.snapshot(targetSnapshotId) : undefined;
    ctx.engine.store.finishRecovery(hid, {
      outcome: 'succeeded',
      vdbSnapshotId: snap?.id ?? null,
      metadata: snap?.metadata ?? target?.metadata ?? null,
    });
    return result;
  } catch (err) {
    ctx.engine.redactor.redactError(err);
    ctx.engine.store.setVdbStatus(vdb.id, 'failed');
    ctx.engine.store.finishRecovery(hid, { outcome: 'failed', error: errorText(err) });
    throw err;
  }
}

export interface ProvisionInput {
  name: string;
  snapshotId: number;
  environment: string;
  repository: string;
  /** virtualSourceDefinition, validated with defaults filled in. */
  parameters: Json;
}

export async function provisionVdb(engine: Engine, input: ProvisionInput): Promise<{ vdb: VdbRow; snapshot: SnapshotRow }> {
  const snap = requireSnapshot(engine.store, input.snapshotId);
  if (snap.kind !== 'dsource')
    throw new UserError(
      `Snapshot ${snap.id} is a snapshot of VDB ${snap.vdbName}, not of a dSource.`,
      'Provision from a dSource snapshot (hana-vdb list snapshots --dsource NAME).',
    );
  const env = requireEnvironment(engine.store, input.environment);
  const repo = requireRepository(engine.store, env, input.repository);
  const existing = engine.store.vdb(input.name);
  if (existing && existing.status !== 'failed')
    throw new UserError(
      `A VDB named '${input.name}' already exists (status ${existing.status}).`,
      `Choose another name, or refresh it with hana-vdb vdb refresh ${input.name}.`,
    );
  const plugin = await engine.plugin();
  const wanted = { environmentId: env.id, repositoryId: repo.id, parameters: input.parameters };
  const target = vdbTarget(engine.store, wanted);
  const start: JobStart = {
    operation: 'vdb.provision',
    objectType: 'vdb',
    objectName: input.name,
    ...(target ? { target } : {}),
    check: () => refuseOwnedTarget(engine.store, wanted, input.name),
  };
  const { value } = await runJob(engine, start, async (ctx) => {
    const vdb = engine.store.beginProvision({
      name: input.name,
      environmentId: env.id,
      repositoryId: repo.id,
      dsourceId: snap.dsourceId,
      parameters: input.parameters,
      migrationId: plugin.migrationId,
      snapshotId: snap.id,
    });
    const snapshot = await recovery(ctx, vdb, 'provision', snap.id, null, () => configureAndSnapshot(ctx, vdb, snap));
    return { vdb: fresh(engine, vdb), snapshot };
  });
  return value;
}

export async function refreshVdb(
  engine: Engine,
  name: string,
  snapshotId?: number,
): Promise<{ vdb: VdbRow; snapshot: SnapshotRow }> {
  const vdb = requireVdb(engine.store, name);
  if (vdb.status === 'disabled')
    throw new UserError(`The VDB '${name}' is disabled.`, `Enable it first: hana-vdb vdb enable ${name}.`);
  const dsSnap =
    snapshotId !== undefined ? requireSnapshot(engine.store, snapshotId) : engine.store.latestDSourceSnapshot(vdb.dsourceId);
  if (!dsSnap)
    throw new UserError(`The dSource '${vdb.dsourceName}' has no snapshot.`, `Sync it: hana-vdb dsource sync ${vdb.dsourceName}.`);
  if (dsSnap.kind !== 'dsource' || dsSnap.dsourceId !== vdb.dsourceId) {
    throw new UserError(
      `Snapshot ${dsSnap.id} is not a snapshot of dSource '${vdb.dsourceName}', which VDB '${name}' comes from.`,
      `Pick one of hana-vdb list snapshots --dsource ${vdb.dsourceName}.`,
    );
  }
  const { value } = await runJob(engine, vdbJob(engine, vdb, 'vdb.refresh'), async (ctx) => {
    const snapshot = await recovery(ctx, vdb, 'refresh', dsSnap.id, null, async () => {
      engine.store.setVdbStatus(vdb.id, 'refreshing');
      await unconfigure(ctx, vdb);
      engine.store.setVdbSourceConfig(vdb.id, null, null);
      return configureAndSnapshot(ctx, fresh(engine, vdb), dsSnap);
    });
    return { vdb: fresh(engine, vdb), snapshot };
  });
  return value;
}

export async function rewindVdb(engine: Engine, name: string, snapshotId: number): Promise<VdbRow> {
  const vdb = requireVdb(engine.store, name);
  const target = requireSnapshot(engine.store, snapshotId);
  const ownVdbSnap = target.kind === 'vdb' && target.vdbId === vdb.id;
  const parentSnap = target.kind === 'dsource' && target.dsourceId === vdb.dsourceId;
  if (!ownVdbSnap && !parentSnap) {
    throw new UserError(
      `Snapshot ${snapshotId} belongs neither to VDB '${name}' nor to its dSource '${vdb.dsourceName}'.`,
      `Pick one of hana-vdb list snapshots --vdb ${name}.`,
    );
  }
  if (vdb.status === 'disabled')
    throw new UserError(`The VDB '${name}' is disabled.`, `Enable it first: hana-vdb vdb enable ${name}.`);
  const sourceConfig = requireSourceConfig(vdb, `Refresh it instead: hana-vdb vdb refresh ${name}.`);
  const { value } = await runJob(engine, vdbJob(engine, vdb, 'vdb.rewind'), (ctx) =>
    recovery(ctx, vdb, 'rewind', ownVdbSnap ? target.parentSnapshotId : target.id, target.id, async () => {
      engine.store.setVdbStatus(vdb.id, 'rewinding');
      await unconfigure(ctx, vdb);
      const vs = await mount(ctx, vdb);
      const sc = await virtual.reconfigure(ctx, {
        virtualSource: vs,
        repository: repositoryOf(engine, vdb),
        sourceConfig,
        snapshot: target.metadata,
      });
      engine.store.setVdbSourceConfig(vdb.id, sc, ctx.plugin.migrationId);
      if (ownVdbSnap) engine.store.setVdbCurrentSnapshot(vdb.id, target.id);
      engine.store.setVdbStatus(vdb.id, 'active');
      return fresh(engine, vdb);
    }),
  );
  return value;
}

function requireStatus(vdb: VdbRow, allowed: VdbStatus[], what: string): void {
  if (!allowed.includes(vdb.status)) {
    const hint =
      vdb.status === 'failed'
        ? `Refresh it (hana-vdb vdb refresh ${vdb.name}) or delete it.`
        : vdb.status === 'disabled'
          ? `Enable it first (hana-vdb vdb enable ${vdb.name}).`
          : `It must be ${allowed.join(' or ')}.`;
    throw new UserError(`Cannot ${what} VDB '${vdb.name}': it is ${vdb.status}.`, hint);
  }
}

export async function snapshotVdb(engine: Engine, name: string): Promise<SnapshotRow> {
  const vdb = requireVdb(engine.store, name);
  requireStatus(vdb, ['active'], 'snapshot');
  const { value } = await runJob(engine, vdbJob(engine, vdb, 'vdb.snapshot'), (ctx) => takeSnapshot(ctx, vdb, 'active'));
  return value;
}

function simple(
  operation: string,
  what: string,
  allowed: VdbStatus[],
  steps: (ctx: JobContext, vdb: VdbRow) => Promise<VdbStatus>,
) {
  return async (engine: Engine, name: string): Promise<VdbRow> => {
    const vdb = requireVdb(engine.store, name);
    requireStatus(vdb, allowed, what);
    const { value } = await runJob(engine, vdbJob(engine, vdb, operation), async (ctx) => {
      engine.store.setVdbStatus(vdb.id, await steps(ctx, vdb));
      return fresh(engine, vdb);
    });
    return value;
  };
}

export const startVdb = simple('vdb.start', 'start', ['stopped', 'active'], async (ctx, vdb) => {
  const vs = await mount(ctx, vdb);
  await virtual.start(ctx, {
    virtualSource: vs,
    repository: repositoryOf(ctx.engine, vdb),
    sourceConfig: requireSourceConfig(vdb, ''),
  });
  return 'active';
});

export const stopVdb = simple('vdb.stop', 'stop', ['active', 'stopped'], async (ctx, vdb) => {
  await virtual.stop(ctx, {
    virtualSource: virtualSource(ctx.engine, vdb),
    repository: repositoryOf(ctx.engine, vdb),
    sourceConfig: requireSourceConfig(vdb, ''),
  });
  return 'stopped';
});

export const disableVdb = simple('vdb.disable', 'disable', ['active', 'stopped'], async (ctx, vdb) => {
  await unconfigure(ctx, vdb);
  return 'disabled';
});

export async function enableVdb(engine: Engine, name: string): Promise<VdbRow> {
  const vdb = requireVdb(engine.store, name);
  requireStatus(vdb, ['disabled'], 'enable');
  const sourceConfig = requireSourceConfig(vdb, `Refresh it: hana-vdb vdb refresh ${name}.`);
  const { value } = await runJob(engine, vdbJob(engine, vdb, 'vdb.enable'), async (ctx) => {
    const args = { virtualSource: virtualSource(engine, vdb), repository: repositoryOf(engine, vdb), sourceConfig };
    const status = await virtual.status(ctx, args);
    if (status === Status.INACTIVE) {
      const current = vdb.currentSnapshotId !== null ? engine.store.snapshot(vdb.currentSnapshotId) : undefined;
      if (!current)
        throw new UserError(`The VDB '${name}' has no snapshot to re-enable from.`, `Refresh it: hana-vdb vdb refresh ${name}.`);
      return recovery(ctx, vdb, 'enable', current.parentSnapshotId, current.id, async () => {
        const vs = await mount(ctx, vdb);
        const sc = await virtual.reconfigure(ctx, {
          virtualSource: vs,
          repository: args.repository,
          sourceConfig,
          snapshot: current.metadata,
        });
        engine.store.setVdbSourceConfig(vdb.id, sc, ctx.plugin.migrationId);
        engine.store.setVdbStatus(vdb.id, 'active');
        return fresh(engine, vdb);
      });
    }
    engine.store.setVdbStatus(vdb.id, 'active');
    return fresh(engine, vdb);
  });
  return value;
}

/** `force`: plugin failures are logged and the VDB is removed from the store anyway. */
export async function deleteVdb(engine: Engine, name: string, force = false): Promise<void> {
  const vdb = requireVdb(engine.store, name);
  await runJob(engine, vdbJob(engine, vdb, 'vdb.delete'), async (ctx) => {
    const attempt = async (step: () => Promise<unknown>) => {
      try {
        await step();
      } catch (err) {
        if (!force) throw err;
        ctx.log.warn(`Ignored (--force): ${errorText(engine.redactor.redactError(err))}`);
      }
    };
    if (vdb.status !== 'disabled') await attempt(() => unconfigure(ctx, vdb));
    if (vdb.sourceConfig) {
      await attempt(() =>
        virtual.cleanup(ctx, {
          virtualSource: virtualSource(engine, vdb),
          repository: repositoryOf(engine, vdb),
          sourceConfig: vdb.sourceConfig!,
        }),
      );
    }
    engine.store.deleteVdb(vdb.id);
  });
}
