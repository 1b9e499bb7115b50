/**
 * Environments: add (verify SSH and the host key, record, discover; nothing is kept if any step fails)
 * and discovery/refresh (discovery.repository() → discovery.sourceConfig() per repository).
 */
import { UserError } from '../../sdk/errors.js';
import { checkRemotePath } from '../../sdk/paths.js';
import type { Engine } from '../engine.js';
import type { Json, EnvironmentRow } from '../store/types.js';
import type { DiscoveredRepository, NewEnvironment } from '../store/store.js';
import { primaryUser, remoteConnection, sshTarget } from './connections.js';
import { runJob, type JobContext } from './job.js';
import { discovery } from './plugin-calls.js';
import { requireEnvironment } from './resolve.js';

export type AddEnvironment = Omit<NewEnvironment, 'scratchPath'> & { scratchPath?: string };

function identityOf(definition: Json | undefined, object: Json): Json {
  const fields = Array.isArray(definition?.identityFields) ? (definition.identityFields as string[]) : Object.keys(object).sort();
  return Object.fromEntries(fields.map((f) => [f, object[f] ?? null]));
}

function nameOf(definition: Json | undefined, object: Json, identity: Json): string {
  const field = typeof definition?.nameField === 'string' ? definition.nameField : undefined;
  const v = field ? object[field] : undefined;
  return typeof v === 'string' && v ? v : Object.values(identity).map(String).join('/');
}

async function discover(ctx: JobContext, env: EnvironmentRow): Promise<DiscoveredRepository[]> {
  const sourceConnection = remoteConnection(env, primaryUser(ctx.engine.store, env));
  const defs = ctx.plugin.schema.definitions;
  const repos = await discovery.repositories(ctx, { sourceConnection });
  const out: DiscoveredRepository[] = [];
  for (const repository of repos) {
    const configs = await discovery.sourceConfigs(ctx, { sourceConnection, repository });
    const identity = identityOf(defs.repositoryDefinition, repository);
    out.push({
      name: nameOf(defs.repositoryDefinition, repository, identity),
      identity,
      object: repository,
      sourceConfigs: configs.map((c) => {
        const cid = identityOf(defs.sourceConfigDefinition, c);
        return { name: nameOf(defs.sourceConfigDefinition, c, cid), identity: cid, object: c };
      }),
    });
  }
  ctx.log.info(
    `Discovered ${out.length} repositories and ${out.reduce((n, r) => n + r.sourceConfigs.length, 0)} source configs ` +
      `on ${env.name}.`,
  );
  return out;
}

const SCRATCH_FIELD = 'scratch path (--scratch-path)';

export async function addEnvironment(engine: Engine, input: AddEnvironment): Promise<EnvironmentRow> {
  // The plugin refuses such a path when it uses it (dsource link, provision): refuse it here, by the same rule.
  if (input.scratchPath !== undefined) input = { ...input, scratchPath: checkRemotePath(input.scratchPath, SCRATCH_FIELD) };
  if (engine.store.environment(input.name))
    throw new UserError(
      `An environment named '${input.name}' already exists.`,
      `Choose another name, or refresh it with hana-vdb env discover ${input.name}.`,
    );
  const { value } = await runJob(
    engine,
    { operation: 'environment.add', objectType: 'environment', objectName: input.name },
    async (ctx) => {
      // Connect before recording anything: a wrong host key, key or password leaves no trace but the job.
      const probeTarget = sshTarget(
        {
          id: 0,
          name: input.name,
          reference: '',
          address: input.address,
          port: input.port,
          hostKeyFingerprint: input.hostKeyFingerprint,
          knownHostsFile: input.knownHostsFile,
          acceptNew: input.acceptNew,
          scratchPath: '',
          createdAt: '',
          discoveredAt: null,
        },
        { id: 0, reference: '', environmentId: 0, ...input.user },
      );
      const conn = await ctx.pool.get(probeTarget);
      ctx.log.info(`Connected to ${input.user.name}@${input.address}:${input.port}.`);
      let scratchPath = input.scratchPath;
      if (!scratchPath) {
        const home = await conn.runBash('printf %s "$HOME"', { check: true });
        if (!home.stdout.startsWith('/'))
          throw new UserError(
            `Cannot determine the home directory of ${input.user.name} on ${input.address}.`,
            'Pass --scratch-path DIR.',
          );
        scratchPath = checkRemotePath(`${home.stdout.replace(/\/$/, '')}/.hana-vdb-scratch`, SCRATCH_FIELD);
      }
      const env = engine.store.addEnvironment({ ...input, scratchPath });
      try {
        engine.store.recordDiscovery(env.id, await discover(ctx, env), ctx.plugin.migrationId);
      } catch (err) {
        engine.store.deleteEnvironment(env.id);
        throw err;
      }
      return engine.store.environmentById(env.id)!;
    },
  );
  return value;
}

export async function discoverEnvironment(engine: Engine, name: string): Promise<EnvironmentRow> {
  const env = requireEnvironment(engine.store, name);
  const { value } = await runJob(
    engine,
    { operation: 'environment.discover', objectType: 'environment', objectName: name },
    async (ctx) => {
      engine.store.recordDiscovery(env.id, await discover(ctx, env), ctx.plugin.migrationId);
      return engine.store.environmentById(env.id)!;
    },
  );
  return value;
}

export async function deleteEnvironment(engine: Engine, name: string): Promise<void> {
  const env = requireEnvironment(engine.store, name);
  const users = [
    ...engine.store
      .dsources()
      .filter((d) => d.environmentId === env.id)
      .map((d) => `dSource ${d.name}`),
    ...engine.store
      .vdbs()
      .filter((v) => v.environmentId === env.id)
      .map((v) => `VDB ${v.name}`),
  ];
  if (users.length) throw new UserError(`The environment '${name}' is used by ${users.join(', ')}.`, 'Delete those first.');
  engine.store.deleteEnvironment(env.id);
}
