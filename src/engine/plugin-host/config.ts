/**
 * plugin_config.yml as the engine needs it: where the code is (srcDir + entryPoint), where the schema is,
 * and the plugin type. Full validation is `hana-vdb validate`; here a missing or malformed field is a
 * UserError naming it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { UserError } from '../../sdk/errors.js';

export interface PluginConfig {
  root: string;
  file: string;
  id: string | null;
  name: string;
  pluginType: 'STAGED' | 'DIRECT';
  srcDir: string;
  entryModule: string;
  entryExport: string;
  schemaFile: string; // absolute
}

const MODULE = /^[A-Za-z_][A-Za-z0-9_]*(\/[A-Za-z_][A-Za-z0-9_]*)*$/;
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

export function loadPluginConfig(root: string): PluginConfig {
  const dir = resolve(root);
  const file = join(dir, 'plugin_config.yml');
  if (!existsSync(file)) {
    throw new UserError(
      `No plugin_config.yml in the plugin directory ${dir}.`,
      'Pass the plugin root with --plugin-dir DIR (or HANA_VDB_PLUGIN_DIR).',
    );
  }
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(
      `${file} is not valid YAML: ${(e as Error).message}`,
      'Correct the file (hana-vdb validate shows every problem).',
    );
  }
  if (typeof doc !== 'object' || doc === null)
    throw new UserError(`${file} must be a YAML mapping.`, 'Correct the file (hana-vdb validate).');
  const c = doc as Record<string, unknown>;
  const need = (field: string): string => {
    const v = c[field];
    if (typeof v !== 'string' || v === '')
      throw new UserError(
        `${file}: '${field}' is missing or not a string.`,
        `Set ${field} (hana-vdb validate explains every field).`,
      );
    return v;
  };
  const [entryModule, entryExport, ...rest] = need('entryPoint').split(':');
  if (!entryModule || !entryExport || rest.length || !MODULE.test(entryModule) || !IDENT.test(entryExport)) {
    throw new UserError(
      `${file}: entryPoint '${String(c.entryPoint)}' is not of the form module:object.`,
      'Use e.g. "index:plugin" (module index in srcDir, exported object plugin).',
    );
  }
  const pluginType = need('pluginType');
  if (pluginType !== 'STAGED' && pluginType !== 'DIRECT')
    throw new UserError(`${file}: pluginType '${pluginType}' must be STAGED or DIRECT.`, 'Set pluginType: STAGED.');
  return {
    root: dir,
    file,
    id: typeof c.id === 'string' ? c.id : null,
    name: typeof c.name === 'string' ? c.name : 'plugin',
    pluginType,
    srcDir: need('srcDir'),
    entryModule,
    entryExport,
    schemaFile: resolve(dir, need('schemaFile')),
  };
}
