/**
 * Every plugin operation the workflows call, named, with its argument and result types. A result enters
 * the engine here: its shape is checked for the type the caller gets (a plugin bug is an
 * IncorrectReturnTypeError naming the operation), so no workflow casts what a plugin returned.
 */
import { IncorrectPluginCodeError, IncorrectReturnTypeError, UserError } from '../../sdk/errors.js';
import { withEngineLibs } from '../../sdk/libs.js';
import type { DefinitionName } from '../../sdk/schema.js';
import {
  Status,
  type MountSpecification,
  type RemoteConnection,
  type StagedSource,
  type VirtualSource,
} from '../../sdk/platform.js';
import type { Area } from '../../sdk/plugin.js';
import { engineLibs } from '../plugin-host/libs.js';
import { checkMountSpecification, checkReturnShape, type ReturnKind } from '../plugin-host/returns.js';
import type { Json } from '../store/types.js';
import type { JobContext } from './job.js';

/** What a wrapper needs of a job: its `call`. */
export type Caller = Pick<JobContext, 'call'>;

export interface StagedArgs {
  stagedSource: StagedSource;
  repository: Json;
  sourceConfig: Json;
}
export interface SyncArgs extends StagedArgs {
  optionalSnapshotParameters: Json;
}
export interface VirtualArgs {
  virtualSource: VirtualSource;
  repository: Json;
  sourceConfig: Json;
}
export interface ConfigureArgs {
  virtualSource: VirtualSource;
  repository: Json;
  snapshot: Json;
}
export type ReconfigureArgs = VirtualArgs & { snapshot: Json };

type Args = object;

async function required(ctx: Caller, area: Area, name: string, args: Args, returns: ReturnKind): Promise<unknown> {
  const { value } = await ctx.call(area, name, args as Record<string, unknown>, returns, true);
  checkReturnShape(`${area}.${name}()`, returns, value);
  return value;
}

async function object(ctx: Caller, area: Area, name: string, args: Args, returns: ReturnKind & { kind: 'object' }): Promise<Json> {
  return (await required(ctx, area, name, args, returns)) as Json;
}

async function list(ctx: Caller, area: Area, name: string, args: Args, returns: ReturnKind & { kind: 'list' }): Promise<Json[]> {
  return (await required(ctx, area, name, args, returns)) as Json[];
}

async function mountSpecification(ctx: Caller, area: Area, args: Args): Promise<MountSpecification> {
  const value = await required(ctx, area, 'mountSpecification', args, { kind: 'mountSpecification' });
  return checkMountSpecification(`${area}.mountSpecification()`, value);
}

/** An optional operation returning nothing: absent is fine. */
async function optional(ctx: Caller, area: Area, name: string, args: Args): Promise<void> {
  const { value } = await ctx.call(area, name, args as Record<string, unknown>, { kind: 'void' });
  checkReturnShape(`${area}.${name}()`, { kind: 'void' }, value);
}

export const discovery = {
  repositories: (ctx: Caller, args: { sourceConnection: RemoteConnection }): Promise<Json[]> =>
    list(ctx, 'discovery', 'repository', args, { kind: 'list', definition: 'repositoryDefinition' }),
  sourceConfigs: (ctx: Caller, args: { sourceConnection: RemoteConnection; repository: Json }): Promise<Json[]> =>
    list(ctx, 'discovery', 'sourceConfig', args, { kind: 'list', definition: 'sourceConfigDefinition' }),
};

export const linked = {
  mountSpecification: (ctx: Caller, args: { stagedSource: StagedSource; repository: Json }): Promise<MountSpecification> =>
    mountSpecification(ctx, 'linked', args),
  preSnapshot: (ctx: Caller, args: SyncArgs): Promise<void> => optional(ctx, 'linked', 'preSnapshot', args),
  postSnapshot: (ctx: Caller, args: SyncArgs): Promise<Json> =>
    object(ctx, 'linked', 'postSnapshot', args, { kind: 'object', definition: 'snapshotDefinition' }),
  startStaging: (ctx: Caller, args: StagedArgs): Promise<void> => optional(ctx, 'linked', 'startStaging', args),
  stopStaging: (ctx: Caller, args: StagedArgs): Promise<void> => optional(ctx, 'linked', 'stopStaging', args),
};

async function status(ctx: Caller, args: VirtualArgs): Promise<Status> {
  const { implemented, value } = await ctx.call('virtual', 'status', args as unknown as Record<string, unknown>, {
    kind: 'status',
  });
  // An absent status operation means the engine assumes the VDB is running, as Delphix does.
  if (!implemented) return Status.ACTIVE;
  if (value !== Status.ACTIVE && value !== Status.INACTIVE)
    throw new IncorrectReturnTypeError(`The virtual.status() operation returned ${String(value)}, not a Status.`);
  return value;
}

export const virtual = {
  mountSpecification: (ctx: Caller, args: { virtualSource: VirtualSource; repository: Json }): Promise<MountSpecification> =>
    mountSpecification(ctx, 'virtual', args),
  configure: (ctx: Caller, args: ConfigureArgs): Promise<Json> =>
    object(ctx, 'virtual', 'configure', args, { kind: 'object', definition: 'sourceConfigDefinition' }),
  reconfigure: (ctx: Caller, args: ReconfigureArgs): Promise<Json> =>
    object(ctx, 'virtual', 'reconfigure', args, { kind: 'object', definition: 'sourceConfigDefinition' }),
  unconfigure: (ctx: Caller, args: VirtualArgs): Promise<void> => optional(ctx, 'virtual', 'unconfigure', args),
  preSnapshot: (ctx: Caller, args: VirtualArgs): Promise<void> => optional(ctx, 'virtual', 'preSnapshot', args),
  postSnapshot: (ctx: Caller, args: VirtualArgs): Promise<Json> =>
    object(ctx, 'virtual', 'postSnapshot', args, { kind: 'object', definition: 'snapshotDefinition' }),
  start: (ctx: Caller, args: VirtualArgs): Promise<void> => optional(ctx, 'virtual', 'start', args),
  stop: (ctx: Caller, args: VirtualArgs): Promise<void> => optional(ctx, 'virtual', 'stop', args),
  status,
  cleanup: (ctx: Caller, args: VirtualArgs): Promise<void> => optional(ctx, 'virtual', 'cleanup', args),
};

/** One line of the backup source check (extension.sourceCheck). */
export interface SourceCheckLine {
  id: string;
  title: string;
  verdict: 'ok' | 'warn' | 'fail';
  found: string;
  fix: string | null;
}

/** extension.sourceCheck's report: the worst verdict, the lines, and what the plugin adds (source, target, ...). */
export type SourceCheckReport = Json & { verdict: 'ok' | 'warn' | 'fail'; lines: SourceCheckLine[] };

export interface SourceCheckArgs {
  stagedSource: StagedSource;
  sourceConfig: Json;
  virtualSource: VirtualSource;
  repository: Json;
}

/** What calling an extension needs of a job: its plugin, SSH pool, log and progress. */
export type ExtensionCaller = Pick<JobContext, 'engine' | 'job' | 'plugin' | 'pool' | 'log' | 'progress'>;

const VERDICTS = ['ok', 'warn', 'fail'];

function sourceCheckReport(value: unknown): SourceCheckReport {
  const op = 'extension.sourceCheck()';
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new IncorrectReturnTypeError(`The ${op} operation must return an object.`);
  const r = value as Json;
  const lineOk = (l: unknown) => {
    const o = l as Json | null;
    return (
      typeof o === 'object' &&
      o !== null &&
      typeof o.id === 'string' &&
      typeof o.title === 'string' &&
      VERDICTS.includes(o.verdict as string) &&
      typeof o.found === 'string' &&
      (o.fix === null || typeof o.fix === 'string')
    );
  };
  if (!VERDICTS.includes(r.verdict as string) || !Array.isArray(r.lines) || !r.lines.every(lineOk))
    throw new IncorrectReturnTypeError(
      `The ${op} operation returned an object without a verdict (ok, warn, fail) and lines {id, title, verdict, found, fix}.`,
    );
  return r as SourceCheckReport;
}

/**
 * Extension operations are not Delphix's: the plugin may lack them, and their arguments are validated here the way
 * invokeOperation validates a Delphix operation's.
 */
async function sourceCheck(ctx: ExtensionCaller, args: SourceCheckArgs): Promise<SourceCheckReport> {
  const impl = ctx.plugin.plugin.extensionOperation?.('sourceCheck');
  if (!impl)
    throw new IncorrectPluginCodeError(
      `The plugin ${ctx.plugin.config.name} does not implement extension.sourceCheck(), which hana-vdb dsource check needs.`,
    );
  const check = (definition: DefinitionName, value: unknown, what: string) => {
    try {
      ctx.plugin.schema.validate(definition, value);
    } catch (e) {
      if (e instanceof UserError)
        throw new UserError(`The ${what} for extension.sourceCheck() is not valid: ${e.message}`, e.action);
      throw e;
    }
  };
  check('linkedSourceDefinition', args.stagedSource.parameters, 'dSource parameters');
  check('sourceConfigDefinition', args.sourceConfig, "dSource's source config");
  check('virtualSourceDefinition', args.virtualSource.parameters, 'VDB parameters');
  check('repositoryDefinition', args.repository, 'target repository');
  const { engine } = ctx;
  const libs = engineLibs({ store: engine.store, pool: ctx.pool, redactor: engine.redactor, log: ctx.log, progress: ctx.progress });
  const step = engine.store.startJobStep(ctx.job.id, 'extension.sourceCheck');
  try {
    const value: unknown = await withEngineLibs(libs, async () => impl(structuredClone(args)));
    const report = sourceCheckReport(value);
    engine.store.finishJobStep(step, 'succeeded');
    return report;
  } catch (e) {
    engine.store.finishJobStep(step, 'failed');
    throw e;
  }
}

export const extension = { sourceCheck };
