/**
 * The Plugin object (dlpx.virtualization.platform.Plugin): per-area registries of operations and the
 * upgrade migrations. Registering returns the implementation unchanged so it stays directly testable.
 *
 *   export const plugin = new Plugin();
 *   plugin.virtual.configure(({ virtualSource, repository, snapshot }) => ...);
 *   plugin.upgrade.snapshot('2025.11.1', ({ oldSnapshot }) => ({ ...oldSnapshot, x: 1 }));
 */
import { DecoratorNotFunctionError, OperationAlreadyDefinedError } from './errors.js';
import type {
  DiscoveryOperations,
  LinkedOperations,
  VirtualOperations,
  VirtualConfigureArgs,
  Migration,
  UpgradeType,
} from './operations.js';
import type { PluginObject, StagedSource, VirtualSource } from './platform.js';
import { Migrations } from './migrations.js';

type Registry<Ops> = { [K in keyof Ops]-?: (impl: NonNullable<Ops[K]>) => NonNullable<Ops[K]> };

export type Area = 'discovery' | 'linked' | 'virtual';
export const AREAS: readonly Area[] = ['discovery', 'linked', 'virtual'];

/** Operation names per area, in SDK order (camelCase of plugin_importer.yaml's *_impl names). */
export const OPERATION_NAMES: Record<Area, readonly string[]> = {
  discovery: ['repository', 'sourceConfig'],
  linked: ['preSnapshot', 'postSnapshot', 'startStaging', 'stopStaging', 'status', 'worker', 'mountSpecification', 'sourceSize'],
  virtual: [
    'configure',
    'unconfigure',
    'reconfigure',
    'cleanup',
    'start',
    'stop',
    'preSnapshot',
    'postSnapshot',
    'status',
    'initialize',
    'mountSpecification',
    'sourceSize',
  ],
};

/** dvp's manifest key per operation (`virtual.initialize` is `hasInitialize` in dvp). */
export const MANIFEST_KEYS: Record<Area, Record<string, string>> = {
  discovery: { repository: 'hasRepositoryDiscovery', sourceConfig: 'hasSourceConfigDiscovery' },
  linked: Object.fromEntries(OPERATION_NAMES.linked.map((n) => [n, `hasLinked${n.charAt(0).toUpperCase()}${n.slice(1)}`])),
  virtual: Object.fromEntries(
    OPERATION_NAMES.virtual.map((n) => [
      n,
      n === 'initialize' ? 'hasInitialize' : `hasVirtual${n.charAt(0).toUpperCase()}${n.slice(1)}`,
    ]),
  ),
};

/** Which operations a plugin implements and its migration ids, as dvp's build artifact `manifest`. */
export type PluginManifest = { type: 'PluginManifest'; migrationIdList: string[] } & Record<string, boolean | string | string[]>;

/**
 * Marks Plugin instances. A registered symbol, not instanceof, because a plugin may load its own copy of the
 * SDK (e.g. dist/src/sdk) while the engine or validator runs another (src/sdk under Jest).
 */
const PLUGIN_BRAND = Symbol.for('hana-vdb.sdk.Plugin');

/** Any registered implementation: every operation takes one object of named arguments. */
export type OperationImpl = (args: object) => unknown;

/** The decorators of one area: each registers its implementation once, under `label.name()` in errors. */
function registry<Ops>(label: string, names: readonly string[], store: Map<string, OperationImpl>): Registry<Ops> {
  const reg: Record<string, (impl: OperationImpl) => OperationImpl> = {};
  for (const name of names) {
    reg[name] = (impl: OperationImpl) => {
      if (typeof impl !== 'function')
        throw new DecoratorNotFunctionError(`The object '${String(impl)}' decorated by '${label}.${name}()' is not a function.`);
      if (store.has(name))
        throw new OperationAlreadyDefinedError(`An implementation for the operation ${label}.${name}() has already been defined.`);
      store.set(name, impl);
      return impl;
    };
  }
  return reg as unknown as Registry<Ops>;
}

/**
 * Extension operations: beyond Delphix's set, so they are not in the dvp manifest and `hana-vdb validate`
 * ignores them. An engine calls them through `extensionOperation(name)` when it offers the matching command.
 *   plan  preview of a VDB recovery (RMAN's RESTORE PREVIEW): same arguments as virtual.configure, returns a
 *         JSON object describing the backups, the expected point and the policy's verdict; must change nothing.
 *   sourceCheck  what a provision would ask of the dSource's backup tool, from a target: the dSource (stagedSource,
 *         sourceConfig) and the target as a VDB would see it (virtualSource, repository); returns a JSON report of
 *         verdicts; must change nothing.
 */
export interface SourceCheckArgs {
  stagedSource: StagedSource;
  sourceConfig: PluginObject;
  virtualSource: VirtualSource;
  repository: PluginObject;
}
export interface ExtensionOperations {
  plan?: (a: VirtualConfigureArgs) => PluginObject | Promise<PluginObject>;
  sourceCheck?: (a: SourceCheckArgs) => PluginObject | Promise<PluginObject>;
}
export const EXTENSION_NAMES: readonly (keyof ExtensionOperations)[] = ['plan', 'sourceCheck'];

export class Plugin {
  readonly [PLUGIN_BRAND] = true;
  private readonly ops: Record<Area, Map<string, OperationImpl>> = { discovery: new Map(), linked: new Map(), virtual: new Map() };
  readonly discovery = registry<DiscoveryOperations>('discovery', OPERATION_NAMES.discovery, this.ops.discovery);
  readonly linked = registry<LinkedOperations>('linked', OPERATION_NAMES.linked, this.ops.linked);
  readonly virtual = registry<VirtualOperations>('virtual', OPERATION_NAMES.virtual, this.ops.virtual);
  readonly upgrade = new Migrations();
  private readonly extensions = new Map<string, OperationImpl>();
  /** Non-Delphix operations (see ExtensionOperations). */
  readonly extension = registry<ExtensionOperations>('extension', EXTENSION_NAMES, this.extensions);

  /** Engine side: a registered extension operation, or undefined. */
  extensionOperation(name: keyof ExtensionOperations): OperationImpl | undefined {
    return this.extensions.get(name);
  }

  /** Engine side: the registered implementation, or undefined. */
  operation(area: Area, name: string): OperationImpl | undefined {
    return this.ops[area].get(name);
  }

  /** Names registered in an area. */
  registered(area: Area): string[] {
    return [...this.ops[area].keys()];
  }

  /** dvp's manifest: hasRepositoryDiscovery, ..., hasVirtualSourceSize and migrationIdList (canonical, in order). */
  manifest(): PluginManifest {
    const m: PluginManifest = { type: 'PluginManifest', migrationIdList: this.upgrade.ids() };
    for (const area of AREAS) for (const name of OPERATION_NAMES[area]) m[MANIFEST_KEYS[area][name]!] = this.ops[area].has(name);
    return m;
  }
}

/** True for a Plugin from any copy of this SDK (see PLUGIN_BRAND). */
export function isPlugin(value: unknown): value is Plugin {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[PLUGIN_BRAND] === true;
}

export type { Migration, UpgradeType };
