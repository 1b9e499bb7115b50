/**
 * Every plugin operation the workflows call, named, with its argument and result types. A result enters
 * the engine here: its shape is checked for the type the caller gets (a plugin bug is an
 * IncorrectReturnTypeError naming the operation), so no workflow casts what a plugin returned.
 */
import { IncorrectReturnTypeError } from '../../sdk/errors.js';
import {
  Status,
  type MountSpecification,
  type RemoteConnection,
  type StagedSource,
  type VirtualSource,
} from '../../sdk/platform.js';
import type { Area } from '../../sdk/plugin.js';
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
