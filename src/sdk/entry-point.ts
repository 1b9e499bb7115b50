/**
 * Resolving and loading a plugin's entry point (plugin_config.yml `entryPoint: module:object`).
 * Module M resolves to <root>/dist/<srcDir>/M.js when that exists (compiled from <root>/<srcDir>/M.ts),
 * else <root>/<srcDir>/M.js (plain-JS plugins). The object must be a Plugin from this SDK.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from './errors.js';
import { isPlugin, type Plugin } from './plugin.js';
import type { PluginConfig } from './plugin-config.js';

export interface EntryPoint {
  module: string;
  object: string;
  /** The JS file that is imported. */
  file: string;
  /** The file a developer edits (the .ts source when the JS was compiled), for messages. */
  sourceFile: string;
}

/** Resolve `module:object`; throws UserError when the module name is unsafe or no file exists. */
export function resolveEntryPoint(root: string, config: Pick<PluginConfig, 'entryPoint' | 'srcDir'>): EntryPoint {
  const [module, object] = config.entryPoint.split(':');
  if (!module || !object || isAbsolute(module) || module.split(/[\\/]/).includes('..')) {
    throw new UserError(
      `The entry point ${JSON.stringify(config.entryPoint)} is not "module:object" with a module inside srcDir.`,
      'Use e.g. entryPoint: "index:plugin".',
    );
  }
  const base = module.replace(/\.(js|ts|mjs)$/, '');
  const srcDir = isAbsolute(config.srcDir) ? config.srcDir : resolve(root, config.srcDir);
  // Only a srcDir inside the plugin root has a compiled twin under <root>/dist.
  const inside = relative(root, srcDir);
  const candidates = inside.startsWith('..') || isAbsolute(inside) ? [] : [join(root, 'dist', inside, `${base}.js`)];
  candidates.push(join(srcDir, `${base}.js`));
  const file = candidates.find((c) => existsSync(c));
  const ts = join(srcDir, `${base}.ts`);
  if (!file) {
    const fix =
      existsSync(ts) && candidates.length > 1
        ? `Build the plugin so that ${candidates[0]} exists (npm run build).`
        : `Create ${join(config.srcDir, `${base}.ts`)} (or .js) exporting '${object}', or correct entryPoint.`;
    throw new UserError(
      `Unable to load module '${module}' specified in pluginEntryPoint '${config.entryPoint}': none of ` +
        `${candidates.join(', ')} exists.`,
      fix,
    );
  }
  return { module, object, file, sourceFile: existsSync(ts) ? ts : file };
}

/** Import the entry module and return its Plugin object (UserError with dvp's wording otherwise). */
export async function loadPlugin(entry: EntryPoint): Promise<Plugin> {
  const mod = (await import(pathToFileURL(entry.file).href)) as Record<string, unknown>;
  if (!(entry.object in mod)) {
    throw new UserError(
      `Entry point '${entry.module}:${entry.object}' does not exist. '${entry.object}' is not a symbol in ` +
        `module '${entry.module}'.`,
      `Export it: export const ${entry.object} = new Plugin(); or correct entryPoint.`,
    );
  }
  const obj = mod[entry.object];
  if (obj === undefined || obj === null) {
    throw new UserError(
      `Plugin object retrieved from the entry point ${entry.object} is ${String(obj)}.`,
      `Assign it: export const ${entry.object} = new Plugin();`,
    );
  }
  if (!isPlugin(obj)) {
    throw new UserError(
      `'${entry.object}' in module '${entry.module}' is not a Plugin.`,
      `Create it with new Plugin() from the hana-vdb SDK (src/sdk).`,
    );
  }
  return obj;
}
