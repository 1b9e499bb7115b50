/**
 * The Plugin object (dlpx.virtualization.platform.Plugin): per-area registries of operations and the
 * upgrade migrations. Registering returns the implementation unchanged so it stays directly testable.
 *
 *   export const plugin = new Plugin();
 *   plugin.virtual.configure(({ virtualSource, repository, snapshot }) => ...);
 *   plugin.upgrade.snapshot('2025.11.1', ({ oldSnapshot }) => ({ ...oldSnapshot, x: 1 }));
 */
import { DecoratorNotFunctionError, OperationAlreadyDefinedError } from './errors.js';
import type { DiscoveryOperations, LinkedOperations, VirtualOperations, Migration, UpgradeType } from './operations.js';
import { Migrations } from './migrations.js';

type Registry<Ops> = { [K in keyof Ops]-?: (impl: NonNullable<Ops[K]>) => NonNullable<Ops[K]> };

export type Area = 'discovery' | 'linked' | 'virtual';
export const AREAS: readonly Area[] = ['discovery', 'linked', 'virtual'];

/** Operation names per area, in SDK order (camelCase of plugin_importer.yaml's *_impl names). */
export const OPERATION_NAMES: Record<Area, readonly string[]> = {
  discovery: ['repository', 'sourceConfig'],
  linked: ['preSnapshot', 'postSnapshot', 'startStaging', 'stopStaging', 'status', 'worker', 'mountSpecification', 'sourceSize'],
  virtual: ['configure', 'unconfigure', 'reconfigure', 'cleanup', 'start', 'stop', 'preSnapshot', 'postSnapshot', 'status', 'initialize', 'mountSpecification', 'sourceSize'],
};

function registry<Ops>(area: Area, store: Map<string, Function>): Registry<Ops> {
  const reg: Record<string, (impl: Function) => Function> = {};
  for (const name of OPERATION_NAMES[area]) {
    reg[name] = (impl: Function) => {
      if (typeof impl !== 'function') throw new DecoratorNotFunctionError(`The object '${String(impl)}' decorated by '${area}.${name}()' is not a function.`);
      if (store.has(name)) throw new OperationAlreadyDefinedError(`An implementation for the operation ${area}.${name}() has already been defined.`);
      store.set(name, impl);
      return impl;
    };
  }
  return reg as unknown as Registry<Ops>;
}

export class Plugin {
  private readonly ops: Record<Area, Map<string, Function>> = { discovery: new Map(), linked: new Map(), virtual: new Map() };
  readonly discovery = registry<DiscoveryOperations>('discovery', this.ops.discovery);
  readonly linked = registry<LinkedOperations>('linked', this.ops.linked);
  readonly virtual = registry<VirtualOperations>('virtual', this.ops.virtual);
  readonly upgrade = new Migrations();

  /** Engine side: the registered implementation, or undefined. */
  operation(area: Area, name: string): Function | undefined {
    return this.ops[area].get(name);
  }

  /** Names registered in an area. */
  registered(area: Area): string[] {
    return [...this.ops[area].keys()];
  }
}

export type { Migration, UpgradeType };
