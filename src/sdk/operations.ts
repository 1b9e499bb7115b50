/**
 * Argument shapes of every Delphix plugin operation (plugin_importer.yaml), camelCased:
 * source_connection → sourceConnection, staged_source → stagedSource, direct_source → directSource,
 * source_config → sourceConfig, optional_snapshot_parameters → optionalSnapshotParameters,
 * virtual_source → virtualSource, old_<type> → old<Type>. Every operation takes ONE object argument
 * with exactly these keys (TypeScript has no keyword arguments) and may be async.
 */
import type {
  MountSpecification,
  PluginObject,
  RemoteConnection,
  StagedSource,
  DirectSource,
  Status,
  VirtualSource,
} from './platform.js';

type Async<T> = T | Promise<T>;

export interface RepositoryArgs {
  sourceConnection: RemoteConnection;
}
export interface SourceConfigArgs {
  sourceConnection: RemoteConnection;
  repository: PluginObject;
}

export interface StagedArgs {
  stagedSource: StagedSource;
  repository: PluginObject;
  sourceConfig: PluginObject;
}
export interface StagedSnapshotArgs extends StagedArgs {
  optionalSnapshotParameters: PluginObject | null;
}
export interface StagedMountArgs {
  stagedSource: StagedSource;
  repository: PluginObject;
}
export interface DirectArgs {
  directSource: DirectSource;
  repository: PluginObject;
  sourceConfig: PluginObject;
}
export interface DirectSnapshotArgs extends DirectArgs {
  optionalSnapshotParameters: PluginObject | null;
}

export interface VirtualArgs {
  virtualSource: VirtualSource;
  repository: PluginObject;
  sourceConfig: PluginObject;
}
export interface VirtualConfigureArgs {
  virtualSource: VirtualSource;
  repository: PluginObject;
  snapshot: PluginObject;
}
export interface VirtualReconfigureArgs extends VirtualArgs {
  snapshot: PluginObject;
}
export interface VirtualMountArgs {
  virtualSource: VirtualSource;
  repository: PluginObject;
}

export interface DiscoveryOperations {
  repository?: (a: RepositoryArgs) => Async<PluginObject[]>;
  sourceConfig?: (a: SourceConfigArgs) => Async<PluginObject[]>;
}

export interface LinkedOperations {
  preSnapshot?: (a: StagedSnapshotArgs & DirectSnapshotArgs) => Async<void>;
  postSnapshot?: (a: StagedSnapshotArgs & DirectSnapshotArgs) => Async<PluginObject>;
  startStaging?: (a: StagedArgs) => Async<void>;
  stopStaging?: (a: StagedArgs) => Async<void>;
  status?: (a: StagedArgs) => Async<Status>;
  worker?: (a: StagedArgs) => Async<void>;
  mountSpecification?: (a: StagedMountArgs) => Async<MountSpecification>;
  sourceSize?: (a: StagedArgs & DirectArgs) => Async<number>;
}

export interface VirtualOperations {
  configure?: (a: VirtualConfigureArgs) => Async<PluginObject>;
  unconfigure?: (a: VirtualArgs) => Async<void>;
  reconfigure?: (a: VirtualReconfigureArgs) => Async<PluginObject>;
  cleanup?: (a: VirtualArgs) => Async<void>;
  start?: (a: VirtualArgs) => Async<void>;
  stop?: (a: VirtualArgs) => Async<void>;
  preSnapshot?: (a: VirtualArgs) => Async<void>;
  postSnapshot?: (a: VirtualArgs) => Async<PluginObject>;
  status?: (a: VirtualArgs) => Async<Status>;
  initialize?: (a: VirtualMountArgs) => Async<PluginObject>;
  mountSpecification?: (a: VirtualMountArgs) => Async<MountSpecification>;
  sourceSize?: (a: VirtualArgs) => Async<number>;
}

/** Upgrade object types and their single argument name. */
export const UPGRADE_TYPES = {
  repository: 'oldRepository',
  sourceConfig: 'oldSourceConfig',
  linkedSource: 'oldLinkedSource',
  virtualSource: 'oldVirtualSource',
  snapshot: 'oldSnapshot',
} as const;
export type UpgradeType = keyof typeof UPGRADE_TYPES;
/** A migration's argument: the one old object under its SDK name (`oldSnapshot` for a snapshot migration). */
export type MigrationArgs = { readonly [K in (typeof UPGRADE_TYPES)[UpgradeType]]: PluginObject };
export type Migration = (a: MigrationArgs) => Async<PluginObject>;
