/**
 * plugin_config.yml: parsed with positions (so problems carry line:col) and checked against Delphix's
 * plugin_config_schema.json with only `language` widened, plus the checks dvp makes in code (luaName pairs,
 * files that must exist). `loadPluginConfig` is what the engine uses; `checkPluginConfig` feeds `validate`.
 */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { createAjv } from './ajv.js';
import { UserError } from './errors.js';
import { jsonPathKeys, problemsFromAjv, type Problem } from './problems.js';
import { configSchema, LANGUAGE, type PluginType } from './validate/meta-schemas.js';

export const CONFIG_FILE = 'plugin_config.yml';

export interface PluginConfig {
  id: string;
  name: string;
  externalVersion?: string;
  buildNumber: string;
  hostTypes: Array<'UNIX' | 'WINDOWS'>;
  pluginType: PluginType;
  language: string;
  entryPoint: string;
  srcDir: string;
  schemaFile: string;
  manualDiscovery?: boolean;
  defaultLocale?: string;
  rootSquashEnabled?: boolean;
  extendedStartStopHooks?: boolean;
  luaName?: string;
  minimumLuaVersion?: string;
}

export type LocatedProblem = Problem & { line?: number; column?: number; severity: 'error' | 'warning' };

export interface ConfigCheck {
  /** The parsed document (undefined when the YAML could not be parsed at all). */
  value?: Record<string, unknown>;
  /** Typed config, present only when there is no error. */
  config?: PluginConfig;
  problems: LocatedProblem[];
}

/** Fixes worded for plugin_config.yml fields (Delphix's schema has no messages of its own). */
const FIXES: Record<string, string> = {
  '$.id': 'Use a UUID, e.g. 9b0b8f1e-3c2d-4e5f-8a6b-7c8d9e0f1a2b (generate one with `uuidgen`).',
  '$.buildNumber': 'Write dotted numbers, not all zero, as a quoted YAML string, e.g. buildNumber: "1.0.0".',
  '$.entryPoint': 'Use "module:object", e.g. "index:plugin" (module relative to srcDir, object exported by it).',
  '$.language': `Use ${LANGUAGE} (hana-vdb runs TypeScript plugins on Node 20).`,
  '$.pluginType': 'Use STAGED or DIRECT (upper case).',
  '$.hostTypes': 'Use [UNIX].',
  '$.luaName': 'Use lower-case letters, digits, _ : and - only.',
  '$.minimumLuaVersion': 'Use major.minor, e.g. "1.0".',
};

/** Parse and check `<dir>/plugin_config.yml`. */
export function checkPluginConfig(dir: string): ConfigCheck {
  const file = join(dir, CONFIG_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return {
      problems: [
        {
          severity: 'error',
          path: '$',
          message: `cannot read ${CONFIG_FILE}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
          fix: `Create ${CONFIG_FILE} in the plugin directory (${dir}).`,
        },
      ],
    };
  }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) {
    return {
      problems: doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return {
          severity: 'error' as const,
          path: '$',
          message:
            `not valid YAML at line ${pos?.line ?? '?'}, column ${pos?.col ?? '?'}: ` +
            `${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`,
          fix: 'Correct the YAML syntax at that position (indentation, a missing ":" or quote, a duplicated key).',
          ...(pos ? { line: pos.line, column: pos.col } : {}),
        };
      }),
    };
  }
  const value = doc.toJS() as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return {
      problems: [
        {
          severity: 'error',
          path: '$',
          message: `${CONFIG_FILE} must be a YAML mapping of fields`,
          fix:
            'Write one "field: value" per line (id, name, hostTypes, entryPoint, srcDir, schemaFile, ' +
            'pluginType, language, buildNumber).',
        },
      ],
    };
  }
  const obj = value as Record<string, unknown>;
  const problems: LocatedProblem[] = [];

  const ajv = createAjv();
  const validate = ajv.compile(configSchema());
  if (!validate(obj)) {
    for (const p of problemsFromAjv(validate.errors)) {
      const keys = jsonPathKeys(p.path);
      const node = keys.length ? (doc.getIn(keys, true) as { range?: [number, number, number] } | undefined) : undefined;
      const pos = node?.range ? lines.linePos(node.range[0]) : undefined;
      const fixKey = Object.keys(FIXES).find((k) => p.path === k || p.path.startsWith(`${k}[`));
      const keepFix = p.message.includes('required') || p.message.includes('not an allowed property');
      problems.push({
        severity: 'error',
        ...p,
        fix: (fixKey && !keepFix ? FIXES[fixKey] : undefined) ?? p.fix,
        ...(pos ? { line: pos.line, column: pos.col } : {}),
      });
    }
  }
  problems.push(
    ...semanticChecks(dir, obj, (keys) => {
      const node = doc.getIn(keys, true) as { range?: [number, number, number] } | undefined;
      const pos = node?.range ? lines.linePos(node.range[0]) : undefined;
      return pos ? { line: pos.line, column: pos.col } : {};
    }),
  );
  const ok = !problems.some((p) => p.severity === 'error');
  return { value: obj, problems, ...(ok ? { config: obj as unknown as PluginConfig } : {}) };
}

/** Checks dvp makes in code, and what hana-vdb needs to run the plugin. */
function semanticChecks(
  dir: string,
  c: Record<string, unknown>,
  at: (keys: string[]) => { line?: number; column?: number },
): LocatedProblem[] {
  const out: LocatedProblem[] = [];
  if (c.language === 'PYTHON311') {
    out.push({
      severity: 'error',
      path: '$.language',
      message: 'PYTHON311 plugins cannot run on hana-vdb',
      fix: `Write the plugin in TypeScript or JavaScript and use language: ${LANGUAGE}.`,
      ...at(['language']),
    });
  }
  const hasLua = c.luaName !== undefined;
  const hasMin = c.minimumLuaVersion !== undefined;
  if (hasLua !== hasMin) {
    const [have, lack] = hasLua ? ['luaName', 'minimumLuaVersion'] : ['minimumLuaVersion', 'luaName'];
    out.push({
      severity: 'error',
      path: `$.${have}`,
      message: `Failed to process property "${have}" without "${lack}"`,
      fix: `Set both ${have} and ${lack}, or neither.`,
      ...at([have]),
    });
  }
  if (Array.isArray(c.hostTypes) && c.hostTypes.length === 0) {
    out.push({
      severity: 'warning',
      path: '$.hostTypes',
      message: 'no host type is given',
      fix: 'Use [UNIX].',
      ...at(['hostTypes']),
    });
  } else if (Array.isArray(c.hostTypes) && c.hostTypes.includes('WINDOWS')) {
    out.push({
      severity: 'warning',
      path: '$.hostTypes',
      message: 'hana-vdb runs plugins on UNIX hosts only',
      fix: 'Use [UNIX].',
      ...at(['hostTypes']),
    });
  }
  const mustExist = (field: 'srcDir' | 'schemaFile', kind: 'directory' | 'file') => {
    const v = c[field];
    if (typeof v !== 'string' || v === '') return;
    const p = isAbsolute(v) ? v : resolve(dir, v);
    let isKind: boolean;
    try {
      const st = statSync(p);
      isKind = kind === 'file' ? st.isFile() : st.isDirectory();
    } catch {
      out.push({
        severity: 'error',
        path: `$.${field}`,
        message: `${field} ${JSON.stringify(v)} does not exist (${p})`,
        fix: `Point ${field} at an existing ${kind}, absolute or relative to ${CONFIG_FILE}.`,
        ...at([field]),
      });
      return;
    }
    if (!isKind)
      out.push({
        severity: 'error',
        path: `$.${field}`,
        message: `${field} ${JSON.stringify(v)} is not a ${kind}`,
        fix: `Point ${field} at a ${kind}.`,
        ...at([field]),
      });
  };
  mustExist('srcDir', 'directory');
  mustExist('schemaFile', 'file');
  return out;
}

/** The engine's view: the typed config, or a UserError listing every error ("hana-vdb validate" shows them all). */
export function loadPluginConfig(dir: string): PluginConfig {
  const r = checkPluginConfig(dir);
  if (r.config) return r.config;
  const errors = r.problems.filter((p) => p.severity === 'error');
  throw new UserError(
    `${join(dir, CONFIG_FILE)} is not valid: ${errors.map((p) => `${p.path}: ${p.message}`).join('; ')}.`,
    `${errors.map((p) => p.fix).join(' ')} Run \`hana-vdb validate ${dir}\` for details.`,
  );
}
