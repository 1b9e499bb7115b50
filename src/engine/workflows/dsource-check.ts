/**
 * `hana-vdb dsource check NAME`: runs the plugin's extension.sourceCheck from a TARGET host — what a provision
 * would ask of the dSource's Backint tool there — and records it as a job. Nothing changes: no VDB, snapshot or
 * dSource is touched, and the job locks neither the dSource nor a VDB (a check may run while they work).
 *
 * The target: the check needs a host and the keys a VDB uses there (its parameters), so it is named the way a VDB
 * is. `--vdb VDB` takes that VDB's environment, repository and parameters. `--env/--repository` name a target; its
 * parameters come from `--params` or else from a VDB of this dSource already there. Without either, the dSource's
 * VDBs decide when they all sit on one target (the place provisions go today); otherwise the user must choose.
 */
import { UserError } from '../../sdk/errors.js';
import type { StagedSource, VirtualSource } from '../../sdk/platform.js';
import type { Engine } from '../engine.js';
import type { DSourceRow, EnvironmentRow, Json, VdbRow } from '../store/types.js';
import { primaryUser, remoteConnection } from './connections.js';
import { runJob } from './job.js';
import { extension, type SourceCheckReport } from './plugin-calls.js';
import { requireDSource, requireEnvironment, requireRepository, requireVdb } from './resolve.js';

export interface DSourceCheckInput {
  dsource: string;
  vdb?: string;
  environment?: string;
  repository?: string;
  /** virtualSourceDefinition, validated with defaults (the CLI's --params). */
  parameters?: Json;
}

export interface DSourceCheckResult {
  dsource: string;
  target: { environment: string; repository: string; vdb: string | null };
  report: SourceCheckReport;
}

interface CheckTarget {
  env: EnvironmentRow;
  repository: { name: string; object: Json };
  parameters: Json;
  vdb: string | null;
}

const USAGE = 'hana-vdb dsource check NAME [--vdb VDB | --env ENV --repository REPO [--params FILE]]';

function fromVdb(engine: Engine, ds: DSourceRow, vdb: VdbRow): CheckTarget {
  if (vdb.dsourceId !== ds.id)
    throw new UserError(
      `VDB '${vdb.name}' was provisioned from dSource '${vdb.dsourceName}', not '${ds.name}'.`,
      `Name a VDB of ${ds.name} (hana-vdb list vdbs), or the target with --env, --repository and --params.`,
    );
  const repo = engine.store.repository(vdb.repositoryId)!;
  return { env: engine.store.environmentById(vdb.environmentId)!, repository: repo, parameters: vdb.parameters, vdb: vdb.name };
}

function newestOf(vdbs: VdbRow[]): VdbRow {
  return [...vdbs].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id - a.id)[0]!;
}

function named(engine: Engine, ds: DSourceRow, input: DSourceCheckInput): CheckTarget {
  const env = requireEnvironment(engine.store, input.environment!);
  const repo = requireRepository(engine.store, env, input.repository!);
  if (input.parameters) return { env, repository: repo, parameters: input.parameters, vdb: null };
  const there = engine.store.vdbsOfDSource(ds.id).filter((v) => v.repositoryId === repo.id);
  if (there.length === 0)
    throw new UserError(
      `No VDB of dSource '${ds.name}' is on ${env.name} / ${repo.name}, so the check has no VDB parameters (target keys) to use.`,
      `Give the parameters you would provision with: --params vdb.json (Usage: ${USAGE}).`,
    );
  const v = newestOf(there);
  return { env, repository: repo, parameters: v.parameters, vdb: v.name };
}

/** The target of a check (see the file comment for the rules). */
export function checkTarget(engine: Engine, ds: DSourceRow, input: DSourceCheckInput): CheckTarget {
  if (input.vdb !== undefined) {
    if (input.environment !== undefined || input.repository !== undefined || input.parameters !== undefined)
      throw new UserError(
        '--vdb takes the target and parameters of that VDB; do not combine it with --env, --repository or --params.',
        `Usage: ${USAGE}`,
      );
    return fromVdb(engine, ds, requireVdb(engine.store, input.vdb));
  }
  if ((input.environment === undefined) !== (input.repository === undefined))
    throw new UserError('--env and --repository name the target together.', `Usage: ${USAGE}`);
  if (input.environment !== undefined) return named(engine, ds, input);
  if (input.parameters !== undefined)
    throw new UserError('--params needs the target it is for: --env ENV --repository REPO.', `Usage: ${USAGE}`);
  const vdbs = engine.store.vdbsOfDSource(ds.id);
  if (vdbs.length === 0)
    throw new UserError(
      `dSource '${ds.name}' has no VDB yet, so there is no target to check from.`,
      `Name the target a provision would use: --env ENV --repository REPO --params vdb.json (Usage: ${USAGE}).`,
    );
  const targets = [...new Set(vdbs.map((v) => `${v.environmentName} / ${v.repositoryName}`))];
  if (targets.length > 1)
    throw new UserError(
      `The VDBs of dSource '${ds.name}' are on ${targets.length} targets (${targets.join('; ')}); a check runs from one.`,
      `Choose one: --vdb VDB, or --env ENV --repository REPO (Usage: ${USAGE}).`,
    );
  return fromVdb(engine, ds, newestOf(vdbs));
}

export async function checkDSource(engine: Engine, input: DSourceCheckInput): Promise<DSourceCheckResult> {
  const ds = requireDSource(engine.store, input.dsource);
  const target = checkTarget(engine, ds, input);
  const sourceEnv = engine.store.environmentById(ds.environmentId)!;
  const sourceConnection = remoteConnection(sourceEnv, primaryUser(engine.store, sourceEnv));
  const stagedSource: StagedSource = {
    guid: ds.guid,
    sourceConnection,
    stagedConnection: sourceConnection,
    parameters: ds.parameters,
  };
  const virtualSource: VirtualSource = {
    guid: target.vdb ? engine.store.vdb(target.vdb)!.guid : `check-${ds.guid}`,
    connection: remoteConnection(target.env, primaryUser(engine.store, target.env)),
    parameters: target.parameters,
    mounts: [],
  };
  const { value } = await runJob(
    engine,
    // Its own lock key: a check never waits for, nor blocks, a sync of the dSource or a VDB operation.
    { operation: 'dsource.check', objectType: 'dsource', objectName: `${ds.name} (check)` },
    (ctx) =>
      extension.sourceCheck(ctx, {
        stagedSource,
        sourceConfig: engine.store.sourceConfig(ds.sourceConfigId)!.object,
        virtualSource,
        repository: target.repository.object,
      }),
  );
  return {
    dsource: ds.name,
    target: { environment: target.env.name, repository: target.repository.name, vdb: target.vdb },
    report: value,
  };
}
