/** Loading a plugin: its config, schema and entry-point object (a Plugin from the SDK). */
import { UserError } from '../../sdk/errors.js';
import { loadPlugin as importEntryPoint, resolveEntryPoint } from '../../sdk/entry-point.js';
import type { Plugin } from '../../sdk/plugin.js';
import { loadPluginSchema, type PluginSchema } from '../../sdk/schema.js';
import { loadPluginConfig, type PluginConfig } from './config.js';

export interface LoadedPlugin {
  config: PluginConfig;
  plugin: Plugin;
  schema: PluginSchema;
  /** The newest migration id the plugin defines (canonical), or null: the level of objects it writes. */
  migrationId: string | null;
}

export async function loadPlugin(root: string): Promise<LoadedPlugin> {
  const config = loadPluginConfig(root);
  const schema = loadPluginSchema(config.schemaFile);
  // The same resolution and checks as `hana-vdb validate` (src/sdk/entry-point.ts).
  const entry = resolveEntryPoint(config.root, {
    entryPoint: `${config.entryModule}:${config.entryExport}`,
    srcDir: config.srcDir,
  });
  let plugin: Plugin;
  try {
    plugin = await importEntryPoint(entry);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(
      `Loading the plugin code ${entry.file} failed: ${(e as Error).message}`,
      'Rebuild the plugin (npm run build) and run hana-vdb validate.',
    );
  }
  const ids = plugin.upgrade.ids();
  return { config, plugin, schema, migrationId: ids.length ? ids[ids.length - 1]! : null };
}
