/**
 * Delphix's own validation data (copied verbatim into ./meta, see meta/NOTICE): the plugin_config.yml schema,
 * the schema.json meta-schema and plugin_importer.yaml's tables, the latter camelCased to this SDK's names.
 * Read from the source tree so the program needs nothing outside the package at run time.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { camelCase } from '../naming.js';
import type { Area } from '../plugin.js';
import type { UpgradeType } from '../operations.js';

/** Our runtime, added to the config schema's `language` enum (the only change made to Delphix's schema). */
export const LANGUAGE = 'TYPESCRIPT_NODE20';

export type PluginType = 'STAGED' | 'DIRECT';

/** ./meta beside this module; from dist/src/sdk/validate it is the same folder under src/. */
export function metaDir(): string {
  const here = fileURLToPath(new URL('./meta/', import.meta.url));
  if (existsSync(join(here, 'plugin_schema.json'))) return here;
  const marker = `${sep}dist${sep}src${sep}`;
  const i = here.lastIndexOf(marker);
  const fromSource = i < 0 ? here : here.slice(0, i) + `${sep}src${sep}` + here.slice(i + marker.length);
  if (existsSync(join(fromSource, 'plugin_schema.json'))) return fromSource;
  throw new Error(`Delphix meta-schemas not found in ${here} or ${fromSource}.`);
}

function readJson(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(join(metaDir(), name), 'utf8')) as Record<string, unknown>;
}

/** Delphix's plugin_config_schema.json, unchanged. */
export function delphixConfigSchema(): Record<string, unknown> {
  return readJson('plugin_config_schema.json');
}

/** Delphix's plugin_config_schema.json with `language` widened to accept TYPESCRIPT_NODE20. */
export function configSchema(): Record<string, unknown> {
  const schema = delphixConfigSchema();
  const language = (schema.properties as Record<string, { enum: string[] }>).language!;
  language.enum = [...language.enum, LANGUAGE];
  return schema;
}

/** Delphix's plugin_schema.json (the meta-schema for schema.json), unchanged. */
export function pluginMetaSchema(): Record<string, unknown> {
  return readJson('plugin_schema.json');
}

export interface ImporterTables {
  /** Expected argument names per plugin type, area and operation (camelCase). */
  expectedArgs: Record<PluginType, Record<Area, Record<string, string[]>>>;
  /** The single argument name of each upgrade migration type. */
  upgradeArgs: Record<UpgradeType, string[]>;
  /** Operations a plugin type needs (missing ones are warnings), with dvp's description. */
  required: Record<PluginType, Array<{ key: string; area: Area; name: string; description: string }>>;
}

const AREA_OF: Record<string, Area> = {
  DiscoveryOperations: 'discovery',
  LinkedOperations: 'linked',
  VirtualOperations: 'virtual',
};

/** plugin_importer.yaml, camelCased: `pre_snapshot_impl: [staged_source, ...]` → `preSnapshot: ['stagedSource', ...]`. */
export function importerTables(): ImporterTables {
  const raw = parseYaml(readFileSync(join(metaDir(), 'plugin_importer.yaml'), 'utf8')) as Record<string, Record<string, unknown>>;
  const byOp = (table: Record<string, Record<string, string[]>>) => {
    const out = { discovery: {}, linked: {}, virtual: {} } as Record<Area, Record<string, string[]>>;
    for (const [cls, ops] of Object.entries(table)) {
      for (const [op, args] of Object.entries(ops)) out[AREA_OF[cls]!][camelCase(op.replace(/_impl$/, ''))] = args.map(camelCase);
    }
    return out;
  };
  const upgradeArgs = {} as Record<UpgradeType, string[]>;
  for (const [key, args] of Object.entries(raw.EXPECTED_UPGRADE_ARGS as Record<string, string[]>)) {
    upgradeArgs[camelCase(key.replace(/^_/, '').replace(/_id_to_impl$/, '')) as UpgradeType] = args.map(camelCase);
  }
  const descriptions = raw.REQUIRED_METHODS_DESCRIPTION as Record<string, string>;
  const required = {} as ImporterTables['required'];
  for (const [type, methods] of Object.entries(raw.REQUIRED_METHODS_BY_PLUGIN_TYPE as Record<string, Record<string, string>>)) {
    required[type as PluginType] = Object.entries(methods).map(([key, id]) => {
      const m = /^(discovery|linked|virtual)\.([a-z_]+)\(\)$/.exec(id);
      if (!m) throw new Error(`plugin_importer.yaml: unexpected operation id ${id}`);
      // The YAML's descriptions end with a stray comma ("Repository Discovery,").
      return { key, area: m[1] as Area, name: camelCase(m[2]!), description: String(descriptions[key]).replace(/,\s*$/, '') };
    });
  }
  return {
    expectedArgs: {
      STAGED: byOp(raw.EXPECTED_STAGED_ARGS_BY_OP as Record<string, Record<string, string[]>>),
      DIRECT: byOp(raw.EXPECTED_DIRECT_ARGS_BY_OP as Record<string, Record<string, string[]>>),
    },
    upgradeArgs,
    required,
  };
}
