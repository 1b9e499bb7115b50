/**
 * `hana-vdb plan` (RMAN's RESTORE PREVIEW): asks the plugin's extension.plan what a provision or refresh would
 * recover from and to, for an existing VDB or for one about to be provisioned. Nothing changes: the plugin only
 * reads the source's catalog and the Backint tool; the engine records the run as a job (so it is in the log) but
 * touches no VDB or snapshot.
 */
import { IncorrectPluginCodeError, UserError } from '../../sdk/errors.js';
import { withEngineLibs } from '../../sdk/libs.js';
import type { VirtualSource } from '../../sdk/platform.js';
import type { DefinitionName } from '../../sdk/schema.js';
import type { Engine } from '../engine.js';
import { engineLibs } from '../plugin-host/libs.js';
import type { Json, SnapshotRow } from '../store/types.js';
import { primaryUser, remoteConnection } from './connections.js';
import { runJob } from './job.js';
import { requireEnvironment, requireRepository, requireSnapshot, requireVdb } from './resolve.js';

export type PlanInput =
  { vdb: string; snapshotId?: number } | { snapshotId: number; environment: string; repository: string; parameters: Json };

export interface PlanResult {
  vdb: string | null;
  snapshotId: number;
  plan: Json;
}

function dsourceSnapshot(engine: Engine, id: number): SnapshotRow {
  const snap = requireSnapshot(engine.store, id);
  if (snap.kind !== 'dsource')
    throw new UserError(
      `Snapshot ${id} is a snapshot of VDB ${snap.vdbName}, not of a dSource.`,
      'Plan from a dSource snapshot (hana-vdb list snapshots --dsource NAME).',
    );
  return snap;
}

interface PlanTarget {
  snapshot: SnapshotRow;
  envId: number;
  repository: Json;
  parameters: Json;
  guid: string;
  name: string | null;
}

/** What a plan is made for: an existing VDB (its parameters, the snapshot a refresh would use) or a new one. */
function planTarget(engine: Engine, input: PlanInput): PlanTarget {
  if ('vdb' in input) {
    const vdb = requireVdb(engine.store, input.vdb);
    // Without --snapshot: what a refresh would use, the dSource's newest snapshot.
    const snap =
      input.snapshotId !== undefined
        ? requireSnapshot(engine.store, input.snapshotId)
        : engine.store.latestDSourceSnapshot(vdb.dsourceId);
    if (!snap)
      throw new UserError(
        `The dSource '${vdb.dsourceName}' has no snapshot.`,
        `Sync it: hana-vdb dsource sync ${vdb.dsourceName}.`,
      );
    if (snap.dsourceId !== vdb.dsourceId)
      throw new UserError(
        `Snapshot ${snap.id} is not a snapshot of dSource '${vdb.dsourceName}'.`,
        `Pick one of hana-vdb list snapshots --dsource ${vdb.dsourceName}.`,
      );
    const repository = engine.store.repository(vdb.repositoryId)!.object;
    return { snapshot: snap, envId: vdb.environmentId, repository, parameters: vdb.parameters, guid: vdb.guid, name: vdb.name };
  }
  const snapshot = dsourceSnapshot(engine, input.snapshotId);
  const env = requireEnvironment(engine.store, input.environment);
  const repository = requireRepository(engine.store, env, input.repository).object;
  return { snapshot, envId: env.id, repository, parameters: input.parameters, guid: `plan-${snapshot.id}`, name: null };
}

export async function planVdb(engine: Engine, input: PlanInput): Promise<PlanResult> {
  const { snapshot, envId, repository, parameters, guid, name } = planTarget(engine, input);
  const loaded = await engine.plugin();
  const impl = loaded.plugin.extensionOperation?.('plan');
  if (!impl)
    throw new IncorrectPluginCodeError(
      `The plugin ${loaded.config.name} does not implement extension.plan(), which hana-vdb plan needs.`,
    );
  const check = (definition: DefinitionName, value: unknown, what: string) => {
    try {
      loaded.schema.validate(definition, value);
    } catch (e) {
      if (e instanceof UserError) throw new UserError(`The ${what} for extension.plan() is not valid: ${e.message}`, e.action);
      throw e;
    }
  };
  check('virtualSourceDefinition', parameters, 'VDB parameters');
  check('repositoryDefinition', repository, 'repository');
  check('snapshotDefinition', snapshot.metadata, 'snapshot');

  const env = engine.store.environmentById(envId)!;
  const { value } = await runJob(
    engine,
    { operation: 'vdb.plan', objectType: 'vdb', objectName: name ?? `plan-of-snapshot-${snapshot.id}` },
    async (ctx) => {
      const libs = engineLibs({
        store: engine.store,
        pool: ctx.pool,
        redactor: engine.redactor,
        log: ctx.log,
        progress: ctx.progress,
      });
      const virtualSource: VirtualSource = {
        guid,
        connection: remoteConnection(env, primaryUser(engine.store, env)),
        parameters,
        mounts: [],
      };
      const args = structuredClone({ virtualSource, repository, snapshot: snapshot.metadata });
      const plan: unknown = await withEngineLibs(libs, async () => impl(args));
      if (typeof plan !== 'object' || plan === null || Array.isArray(plan))
        throw new IncorrectPluginCodeError('extension.plan() must return an object.');
      return plan as Json;
    },
  );
  return { vdb: name, snapshotId: snapshot.id, plan: value };
}
