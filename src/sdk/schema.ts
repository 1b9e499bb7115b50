/**
 * The plugin's schema.json at run time: every plugin-defined object that crosses the engine/plugin boundary
 * is checked against its definition, in both directions (docs/ARCHITECTURE.md). Problems name the field by JSON path and
 * say how to fix it; nothing is coerced or defaulted silently (Delphix defaults only pre-fill forms, so
 * filling them is an explicit step: `withDefaults`).
 */
import { readFileSync } from 'node:fs';
import type { ValidateFunction } from 'ajv';
import { createAjv } from './ajv.js';
import { UserError } from './errors.js';
import { problemsFromAjv, type Problem } from './problems.js';

export type { Problem } from './problems.js';

export const DEFINITION_NAMES = [
  'repositoryDefinition',
  'sourceConfigDefinition',
  'linkedSourceDefinition',
  'virtualSourceDefinition',
  'snapshotDefinition',
  'snapshotParametersDefinition',
] as const;
export type DefinitionName = (typeof DEFINITION_NAMES)[number];

export type JsonObject = Record<string, unknown>;

export interface PluginSchema {
  /** The raw definitions as read from the file. */
  readonly definitions: Record<DefinitionName, JsonObject>;
  /** Every problem of `value` against `definition`; empty when valid. */
  check(definition: DefinitionName, value: unknown): Problem[];
  /** Throw UserError naming each offending field (JSON path) and the fix;. */
  validate(definition: DefinitionName, value: unknown): void;
  /** A copy of `value` with the definition's top-level `default`s filled in where the property is absent. */
  withDefaults(definition: DefinitionName, value: JsonObject): JsonObject;
}

/** Read and compile a schema.json. Throws UserError when the file is unreadable, not JSON, or lacks a definition. */
export function loadPluginSchema(file: string): PluginSchema {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(
      `Cannot read the plugin schema ${file}: ${(e as Error).message}.`,
      'Check that schemaFile in plugin_config.yml names an existing, readable file.',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new UserError(
      `The plugin schema ${file} is not valid JSON: ${(e as Error).message}.`,
      'Correct the JSON syntax (run `hana-vdb validate` for details).',
    );
  }
  return pluginSchemaFromJson(json, file);
}

/** Compile already-parsed schema JSON; `source` names it in error messages. */
export function pluginSchemaFromJson(json: unknown, source = 'schema.json'): PluginSchema {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new UserError(
      `The plugin schema ${source} must be a JSON object with the six definitions.`,
      `Define ${DEFINITION_NAMES.join(', ')}.`,
    );
  }
  const root = json as JsonObject;
  const missing = DEFINITION_NAMES.filter((d) => typeof root[d] !== 'object' || root[d] === null);
  if (missing.length) {
    throw new UserError(
      `The plugin schema ${source} lacks ${missing.join(', ')}.`,
      `Add ${missing.join(', ')} as JSON Schema objects (see \`hana-vdb validate\`).`,
    );
  }
  const ajv = createAjv();
  const compiled = {} as Record<DefinitionName, ValidateFunction>;
  for (const d of DEFINITION_NAMES) {
    try {
      compiled[d] = ajv.compile(root[d] as JsonObject);
    } catch (e) {
      throw new UserError(
        `The plugin schema ${source} has an invalid ${d}: ${(e as Error).message}.`,
        'Correct the definition (run `hana-vdb validate` for details).',
      );
    }
  }
  const definitions = Object.fromEntries(DEFINITION_NAMES.map((d) => [d, root[d] as JsonObject])) as Record<
    DefinitionName,
    JsonObject
  >;

  const check = (definition: DefinitionName, value: unknown): Problem[] => {
    const fn = compiled[definition];
    if (!fn) throw new TypeError(`Unknown definition '${String(definition)}'; use one of ${DEFINITION_NAMES.join(', ')}.`);
    return fn(value) ? [] : problemsFromAjv(fn.errors);
  };

  return {
    definitions,
    check,
    validate(definition, value) {
      const problems = check(definition, value);
      if (problems.length === 0) return;
      throw new UserError(
        `The ${definition} is not valid: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}.`,
        problems.map((p) => `${p.path}: ${p.fix}`).join(' '),
      );
    },
    withDefaults(definition, value) {
      const props = (definitions[definition].properties ?? {}) as Record<string, JsonObject>;
      const out: JsonObject = { ...value };
      for (const [name, prop] of Object.entries(props)) {
        if (out[name] === undefined && prop && 'default' in prop) out[name] = structuredClone(prop.default);
      }
      return out;
    },
  };
}
