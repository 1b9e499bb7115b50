/** Loading a plugin: its config, schema and entry-point object (a Plugin from the SDK). */
import { pathToFileURL } from 'node:url';
import { IncorrectPluginCodeError, UserError } from '../../sdk/errors.js';
import type { Plugin } from '../../sdk/plugin.js';
import { loadPluginSchema, type PluginSchema } from '../../sdk/schema.js';
import { entryFile, loadPluginConfig, type PluginConfig } from './config.js';

export interface LoadedPlugin {
  config: PluginConfig;
  plugin: Plugin;
  schema: PluginSchema;
  /** The newest migration id the plugin defines (canonical), or null: the level of objects it writes. */
  migrationId: string | null;
}

/** Duck-typed: the plugin may load its own copy of the SDK module. */
function isPlugin(value: unknown): value is Plugin {
  const p = value as Plugin | undefined;
  return !!p && typeof p.operation === 'function' && typeof p.upgrade?.ids === 'function' && typeof p.upgrade?.migrate === 'function';
}

export async function loadPlugin(root: string): Promise<LoadedPlugin> {
  const config = loadPluginConfig(root);
  const schema = loadPluginSchema(config.schemaFile);
  const file = entryFile(config);
  let mod: Record<string, unknown>;
  try {
    mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`Loading the plugin code ${file} failed: ${(e as Error).message}`, 'Rebuild the plugin (npm run build) and run hana-vdb validate.');
  }
  const plugin = mod[config.entryExport];
  if (!isPlugin(plugin)) {
    throw new IncorrectPluginCodeError(`${file} does not export a Plugin named '${config.entryExport}' (entryPoint ${config.entryModule}:${config.entryExport}).`);
  }
  const ids = plugin.upgrade.ids();
  return { config, plugin, schema, migrationId: ids.length ? ids[ids.length - 1]! : null };
}
