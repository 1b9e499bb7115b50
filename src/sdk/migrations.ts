/**
 * Upgrade migrations: ids are dotted positive integers, canonicalised ("01.02" == "1.2.0" == "1.2"),
 * unique across all object types, applied in numeric order (dlpx.virtualization.platform._upgrade).
 */
import {
  DecoratorNotFunctionError,
  MigrationIdAlreadyUsedError,
  MigrationIdIncorrectFormatError,
  MigrationIdIncorrectTypeError,
} from './errors.js';
import { UPGRADE_TYPES, type Migration, type MigrationArgs, type UpgradeType } from './operations.js';
import type { PluginObject } from './platform.js';

const ID = /^\d+(\.\d+)*$/;

/** "01.02.0" → "1.2"; throws on a malformed id. */
export function canonicalMigrationId(id: unknown): string {
  if (typeof id !== 'string') throw new MigrationIdIncorrectTypeError(`The migration id '${String(id)}' should be a string.`);
  if (!ID.test(id))
    throw new MigrationIdIncorrectFormatError(
      `The migration id '${id}' is not valid: use positive integers separated by dots, e.g. "2025.11.1".`,
    );
  const parts = id.split('.').map((p) => String(Number.parseInt(p, 10)));
  while (parts.length > 1 && parts[parts.length - 1] === '0') parts.pop();
  if (parts.every((p) => p === '0'))
    throw new MigrationIdIncorrectFormatError(`The migration id '${id}' is not valid: it must not be zero.`);
  return parts.join('.');
}

export function compareMigrationIds(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

type Registrar = (id: string, impl: Migration) => Migration;

export class Migrations {
  private readonly byType = new Map<UpgradeType, Map<string, Migration>>();
  private readonly used = new Map<string, UpgradeType>();

  readonly repository: Registrar = (id, impl) => this.register('repository', id, impl);
  readonly sourceConfig: Registrar = (id, impl) => this.register('sourceConfig', id, impl);
  readonly linkedSource: Registrar = (id, impl) => this.register('linkedSource', id, impl);
  readonly virtualSource: Registrar = (id, impl) => this.register('virtualSource', id, impl);
  readonly snapshot: Registrar = (id, impl) => this.register('snapshot', id, impl);

  private register(type: UpgradeType, id: string, impl: Migration): Migration {
    if (typeof impl !== 'function')
      throw new DecoratorNotFunctionError(`The object decorated by 'upgrade.${type}(${JSON.stringify(id)})' is not a function.`);
    const canon = canonicalMigrationId(id);
    const prior = this.used.get(canon);
    if (prior)
      throw new MigrationIdAlreadyUsedError(
        `The migration id '${id}' used in upgrade.${type}() has already been used by upgrade.${prior}().`,
      );
    this.used.set(canon, type);
    if (!this.byType.has(type)) this.byType.set(type, new Map());
    this.byType.get(type)!.set(canon, impl);
    return impl;
  }

  /** Every migration id, canonical, in the order they apply. */
  ids(): string[] {
    return [...this.used.keys()].sort(compareMigrationIds);
  }

  /** The migrations of one type in order. */
  list(type: UpgradeType): Array<{ id: string; impl: Migration }> {
    const m = this.byType.get(type) ?? new Map<string, Migration>();
    return [...m.entries()].sort(([a], [b]) => compareMigrationIds(a, b)).map(([id, impl]) => ({ id, impl }));
  }

  /** Apply, in order, every migration of `type` newer than `fromId` (all when undefined). */
  async migrate(type: UpgradeType, object: PluginObject, fromId?: string): Promise<PluginObject> {
    let current = object;
    const from = fromId ? canonicalMigrationId(fromId) : undefined;
    for (const { id, impl } of this.list(type)) {
      if (from && compareMigrationIds(id, from) <= 0) continue;
      current = await impl({ [UPGRADE_TYPES[type]]: current } as MigrationArgs);
    }
    return current;
  }
}
