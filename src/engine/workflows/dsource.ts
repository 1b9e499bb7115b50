/**
 * dSource workflows in Delphix order (STAGED):
 *   link    = create + initial sync with resync semantics (rolled back entirely on failure)
 *   sync    = linked.mountSpecification → (mkdir) → linked.preSnapshot → linked.postSnapshot
 *   enable  = linked.mountSpecification → (mkdir) → linked.startStaging
 *   disable = linked.stopStaging;  delete = linked.stopStaging (when enabled) → removed
 */
import { UserError } from '../../sdk/errors.js';
import type { StagedSource } from '../../sdk/platform.js';
import type { Engine } from '../engine.js';
import type { DSourceRow, Json, SnapshotRow } from '../store/types.js';
import { primaryUser, remoteConnection } from './connections.js';
import { runJob, type JobContext } from './job.js';
import { prepareMounts } from './mounts.js';
import { linked } from './plugin-calls.js';
import { requireDSource, requireEnvironment, requireRepository, requireSourceConfig } from './resolve.js';

function stagedSource(engine: Engine, ds: DSourceRow, mounts: StagedSource['mounts'] = []): StagedSource {
  const env = engine.store.environmentById(ds.environmentId)!;
  const connection = remoteConnection(env, primaryUser(engine.store, env));
  const base: StagedSource = {
    guid: ds.guid,
    sourceConnection: connection,
    stagedConnection: connection,
    parameters: ds.parameters,
  };
  if (mounts.length === 1) return { ...base, mount: mounts[0] };
  if (mounts.length > 1) return { ...base, mounts };
  return base;
}

function objects(engine: Engine, ds: DSourceRow): { repository: Json; sourceConfig: Json } {
  return {
    repository: engine.store.repository(ds.repositoryId)!.object,
    sourceConfig: engine.store.sourceConfig(ds.sourceConfigId)!.object,
  };
}

async function mount(ctx: JobContext, ds: DSourceRow): Promise<StagedSource> {
  const { repository } = objects(ctx.engine, ds);
  const spec = await linked.mountSpecification(ctx, { stagedSource: stagedSource(ctx.engine, ds), repository });
  const mounts = await prepareMounts(ctx, spec, 'linked.mountSpecification()');
  ctx.engine.store.setDSourceMounts(ds.id, mounts as unknown as Json[]);
  return stagedSource(ctx.engine, ds, mounts);
}

async function syncSteps(ctx: JobContext, ds: DSourceRow, parameters: Json): Promise<SnapshotRow> {
  const staged = await mount(ctx, ds);
  const { repository, sourceConfig } = objects(ctx.engine, ds);
  const args = { stagedSource: staged, repository, sourceConfig, optionalSnapshotParameters: parameters };
  ctx.progress({ percent: 10, message: `Syncing dSource ${ds.name}` });
  ctx.band(10, 95);
  await linked.preSnapshot(ctx, args);
  const metadata = await linked.postSnapshot(ctx, args);
  const id = ctx.engine.store.addDSourceSnapshot(ds.id, metadata, ctx.plugin.migrationId, ctx.job.id, 'enabled');
  ctx.progress({ percent: 100, message: `Snapshot ${id} of dSource ${ds.name} taken` });
  ctx.log.info(`dSource ${ds.name}: snapshot ${id}.`);
  return ctx.engine.store.snapshot(id)!;
}

export interface LinkInput {
  name: string;
  environment: string;
  repository: string;
  sourceConfig: string;
  /** linkedSourceDefinition, already validated with defaults filled in. */
  parameters: Json;
}

export async function linkDSource(engine: Engine, input: LinkInput): Promise<{ dsource: DSourceRow; snapshot: SnapshotRow }> {
  const env = requireEnvironment(engine.store, input.environment);
  const repo = requireRepository(engine.store, env, input.repository);
  const sc = requireSourceConfig(engine.store, repo, input.sourceConfig);
  if (engine.store.dsource(input.name))
    throw new UserError(
      `A dSource named '${input.name}' already exists.`,
      `Choose another name, or sync it with hana-vdb dsource sync ${input.name}.`,
    );
  const plugin = await engine.plugin();
  const { value } = await runJob(
    engine,
    { operation: 'dsource.link', objectType: 'dsource', objectName: input.name },
    async (ctx) => {
      const id = engine.store.createDSource({
        name: input.name,
        environmentId: env.id,
        repositoryId: repo.id,
        sourceConfigId: sc.id,
        parameters: input.parameters,
        migrationId: plugin.migrationId,
      });
      try {
        const ds = engine.store.dsourceById(id)!;
        const snapshot = await syncSteps(ctx, ds, plugin.schema.withDefaults('snapshotParametersDefinition', { resync: true }));
        return { dsource: engine.store.dsourceById(id)!, snapshot };
      } catch (err) {
        engine.store.deleteDSource(id);
        throw err;
      }
    },
  );
  return value;
}

/** `parameters`: snapshotParametersDefinition (validated, defaults filled in). */
export async function syncDSource(engine: Engine, name: string, parameters: Json): Promise<SnapshotRow> {
  const ds = requireDSource(engine.store, name);
  if (ds.status !== 'enabled')
    throw new UserError(
      `The dSource '${name}' is ${ds.status}; only an enabled dSource can be synced.`,
      ds.status === 'disabled'
        ? `Enable it first: hana-vdb dsource enable ${name}.`
        : `Delete it (hana-vdb dsource delete ${name}) and link it again.`,
    );
  const { value } = await runJob(engine, { operation: 'dsource.sync', objectType: 'dsource', objectName: name }, (ctx) =>
    syncSteps(ctx, engine.store.dsource(name)!, parameters),
  );
  return value;
}

export async function enableDSource(engine: Engine, name: string): Promise<DSourceRow> {
  const ds = requireDSource(engine.store, name);
  if (ds.status !== 'disabled')
    throw new UserError(`The dSource '${name}' is ${ds.status}, not disabled.`, 'Only a disabled dSource can be enabled.');
  const { value } = await runJob(engine, { operation: 'dsource.enable', objectType: 'dsource', objectName: name }, async (ctx) => {
    const staged = await mount(ctx, ds);
    const { repository, sourceConfig } = objects(engine, ds);
    await linked.startStaging(ctx, { stagedSource: staged, repository, sourceConfig });
    engine.store.setDSourceStatus(ds.id, 'enabled');
    return engine.store.dsourceById(ds.id)!;
  });
  return value;
}

async function stopStaging(ctx: JobContext, ds: DSourceRow): Promise<void> {
  const { repository, sourceConfig } = objects(ctx.engine, ds);
  await linked.stopStaging(ctx, { stagedSource: stagedSource(ctx.engine, ds, ds.mounts as never), repository, sourceConfig });
}

export async function disableDSource(engine: Engine, name: string): Promise<DSourceRow> {
  const ds = requireDSource(engine.store, name);
  if (ds.status !== 'enabled')
    throw new UserError(`The dSource '${name}' is ${ds.status}, not enabled.`, 'Only an enabled dSource can be disabled.');
  const { value } = await runJob(engine, { operation: 'dsource.disable', objectType: 'dsource', objectName: name }, async (ctx) => {
    await stopStaging(ctx, ds);
    engine.store.setDSourceStatus(ds.id, 'disabled');
    return engine.store.dsourceById(ds.id)!;
  });
  return value;
}

export async function deleteDSource(engine: Engine, name: string): Promise<void> {
  const ds = requireDSource(engine.store, name);
  const vdbs = engine.store.vdbsOfDSource(ds.id);
  if (vdbs.length)
    throw new UserError(
      `The dSource '${name}' has VDBs: ${vdbs.map((v) => v.name).join(', ')}.`,
      'Delete those VDBs first (hana-vdb vdb delete NAME).',
    );
  await runJob(engine, { operation: 'dsource.delete', objectType: 'dsource', objectName: name }, async (ctx) => {
    if (ds.status === 'enabled') await stopStaging(ctx, ds);
    engine.store.deleteDSource(ds.id);
  });
}
