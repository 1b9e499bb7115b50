/**
 * Plugin upgrade: stored plugin-defined objects written before the plugin's newest migration are passed
 * through `plugin.upgrade` (in id order, from the level they were written at), validated against the
 * current schema, and written back together in one transaction. Nothing is written if any fails.
 */
import { IncorrectUpgradeObjectTypeError, UserError } from '../../sdk/errors.js';
import { compareMigrationIds } from '../../sdk/migrations.js';
import type { UpgradeType } from '../../sdk/operations.js';
import type { DefinitionName } from '../../sdk/schema.js';
import type { Store, UpgradeTarget } from '../store/store.js';
import type { Json } from '../store/types.js';
import type { LoadedPlugin } from './load.js';

const TARGETS: Array<{ target: UpgradeTarget; type: UpgradeType; definition: DefinitionName }> = [
  { target: 'repository', type: 'repository', definition: 'repositoryDefinition' },
  { target: 'sourceConfig', type: 'sourceConfig', definition: 'sourceConfigDefinition' },
  { target: 'vdbSourceConfig', type: 'sourceConfig', definition: 'sourceConfigDefinition' },
  { target: 'linkedSource', type: 'linkedSource', definition: 'linkedSourceDefinition' },
  { target: 'virtualSource', type: 'virtualSource', definition: 'virtualSourceDefinition' },
  { target: 'snapshot', type: 'snapshot', definition: 'snapshotDefinition' },
];

/** Returns how many objects were migrated. */
export async function upgradeStoredObjects(store: Store, loaded: LoadedPlugin): Promise<number> {
  const latest = loaded.migrationId;
  if (latest === null) return 0;
  const isOlder = (stored: string | null) => stored === null || compareMigrationIds(stored, latest) < 0;
  const updates: Array<{ target: UpgradeTarget; id: number; object: Json }> = [];
  for (const { target, type, definition } of TARGETS) {
    for (const row of store.objectsToUpgrade(target, isOlder)) {
      const migrated = await loaded.plugin.upgrade.migrate(type, row.object, row.migrationId ?? undefined);
      if (typeof migrated !== 'object' || migrated === null || Array.isArray(migrated)) {
        throw new IncorrectUpgradeObjectTypeError(
          `The upgrade.${type}() migrations returned ${Array.isArray(migrated) ? 'a list' : typeof migrated} ` +
            `for stored object ${row.id}; a migration must return a dict (object).`,
        );
      }
      try {
        loaded.schema.validate(definition, migrated);
      } catch (e) {
        if (!(e instanceof UserError)) throw e;
        throw new UserError(
          `Upgrading stored ${type} ${row.id} to plugin migration ${latest} produced an invalid object: ${e.message}`,
          `Fix the plugin's upgrade.${type}() migrations. ${e.action}`,
        );
      }
      updates.push({ target, id: row.id, object: migrated });
    }
  }
  store.transaction(() => {
    for (const u of updates) store.updatePluginObject(u.target, u.id, u.object, latest);
  });
  return updates.length;
}
