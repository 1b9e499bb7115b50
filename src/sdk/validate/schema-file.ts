/**
 * schema.json checks: JSON syntax (with line:col), Delphix's plugin_schema.json meta-schema (errors, as dvp),
 * then stricter rules dvp lacks (warnings, so every file dvp accepts still passes): nameField is one string
 * property, identityFields name real required properties, every property has prettyName and description,
 * ordering/required name real properties, defaults satisfy their property.
 */
import { readFileSync } from 'node:fs';
import { createAjv } from '../ajv.js';
import { jsonPath, problemsFromAjv } from '../problems.js';
import { DEFINITION_NAMES, pluginSchemaFromJson } from '../schema.js';
import type { LocatedProblem } from '../plugin-config.js';
import { pluginMetaSchema } from './meta-schemas.js';

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Line and column (1-based) of a character offset. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export function checkSchemaFile(file: string): LocatedProblem[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    return [
      {
        severity: 'error',
        path: '$',
        message: `cannot read the schema file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        fix: 'Point schemaFile in plugin_config.yml at the schema file.',
      },
    ];
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const lc = /line (\d+) column (\d+)/.exec(msg);
    const pos = /position (\d+)/.exec(msg);
    const where = lc ? { line: Number(lc[1]), column: Number(lc[2]) } : pos ? position(text, Number(pos[1])) : {};
    return [
      {
        severity: 'error',
        path: '$',
        message: `not valid JSON: ${msg}`,
        fix: 'Correct the JSON syntax at that position (a missing comma or quote, a trailing comma).',
        ...where,
      },
    ];
  }
  const problems: LocatedProblem[] = [];
  const validate = createAjv().compile(pluginMetaSchema());
  if (!validate(json)) {
    for (const p of problemsFromAjv(validate.errors)) problems.push({ severity: 'error', ...p });
  }
  if (!isObj(json)) return problems;
  if (!problems.length) {
    // The meta-schema cannot see everything Ajv needs to compile a definition (e.g. an unresolvable $ref).
    try {
      pluginSchemaFromJson(json);
    } catch (e) {
      problems.push({
        severity: 'error',
        path: '$',
        message: (e as Error).message,
        fix: 'Correct the definition so that it is a compilable JSON Schema (Draft-07).',
      });
    }
  }
  for (const name of DEFINITION_NAMES) {
    const def = json[name];
    if (isObj(def)) problems.push(...stricter(name, def));
  }
  return problems;
}

function warn(keys: Array<string | number>, message: string, fix: string): LocatedProblem {
  return { severity: 'warning', path: jsonPath(keys), message, fix };
}

function stricter(name: string, def: Json): LocatedProblem[] {
  const out: LocatedProblem[] = [];
  const propNames = Object.keys(isObj(def.properties) ? def.properties : {});
  const required = Array.isArray(def.required) ? (def.required as unknown[]) : [];

  if (def.type !== 'object') out.push(warn([name, 'type'], `${name} should declare "type": "object"`, 'Add "type": "object".'));
  if (name === 'repositoryDefinition' || name === 'sourceConfigDefinition') {
    checkNameField(name, def, propNames, out);
    checkIdentityFields(name, def, propNames, required, out);
  } else {
    for (const kw of ['nameField', 'identityFields']) {
      if (kw in def)
        out.push(
          warn([name, kw], `${kw} is used only by repositoryDefinition and sourceConfigDefinition`, `Remove ${kw} from ${name}.`),
        );
    }
  }
  checkListedNames(name, def, propNames, required, out);
  walkProperties([name], def, out);
  return out;
}

/** nameField: one property name, a string property of the definition. */
function checkNameField(name: string, def: Json, propNames: string[], out: LocatedProblem[]): void {
  const props = isObj(def.properties) ? def.properties : {};
  const nf = def.nameField;
  if (Array.isArray(nf)) {
    out.push(
      warn(
        [name, 'nameField'],
        'nameField is an array; Delphix documents it as a single property name',
        `Use one property name, e.g. "nameField": ${JSON.stringify(nf[0] ?? 'name')}.`,
      ),
    );
  } else if (typeof nf === 'string') {
    if (!propNames.includes(nf))
      out.push(
        warn(
          [name, 'nameField'],
          `nameField "${nf}" is not a property of ${name}`,
          `Name one of: ${propNames.join(', ') || '(no properties defined)'}.`,
        ),
      );
    else if (isObj(props[nf]) && props[nf].type !== 'string')
      out.push(
        warn(
          [name, 'nameField'],
          `nameField "${nf}" is not a string property`,
          'Name a property of "type": "string" (it is the display name).',
        ),
      );
  }
}

/** identityFields: not empty, each a required property. */
function checkIdentityFields(name: string, def: Json, propNames: string[], required: unknown[], out: LocatedProblem[]): void {
  const ids = def.identityFields;
  if (Array.isArray(ids)) {
    if (ids.length === 0)
      out.push(
        warn(
          [name, 'identityFields'],
          'identityFields is empty',
          'List the properties that together identify the object, e.g. ["sid", "tenant"].',
        ),
      );
    ids.forEach((id, i) => {
      if (typeof id !== 'string') return;
      if (!propNames.includes(id))
        out.push(
          warn(
            [name, 'identityFields', i],
            `identity field "${id}" is not a property of ${name}`,
            `Name one of: ${propNames.join(', ') || '(no properties defined)'}.`,
          ),
        );
      else if (!required.includes(id))
        out.push(
          warn(
            [name, 'identityFields', i],
            `identity field "${id}" is not required, so two objects may differ only by its absence`,
            `Add "${id}" to ${name}.required.`,
          ),
        );
    });
  }
}

/** required and ordering name only defined properties. */
function checkListedNames(name: string, def: Json, propNames: string[], required: unknown[], out: LocatedProblem[]): void {
  required.forEach((r, i) => {
    if (typeof r === 'string' && isObj(def.properties) && !propNames.includes(r))
      out.push(
        warn(
          [name, 'required', i],
          `required property "${r}" is not defined in properties`,
          `Define "${r}" under properties or remove it from required.`,
        ),
      );
  });
  if (Array.isArray(def.ordering)) {
    def.ordering.forEach((o, i) => {
      if (typeof o === 'string' && !propNames.includes(o))
        out.push(
          warn(
            [name, 'ordering', i],
            `ordering names "${o}", which is not a property`,
            `Remove it or define "${o}" under properties.`,
          ),
        );
    });
  }
}

/** prettyName + description on every property (a UI renders forms from them), and defaults that validate. */
function walkProperties(keys: Array<string | number>, schema: Json, out: LocatedProblem[]): void {
  if (!isObj(schema.properties)) return;
  const ajv = createAjv();
  for (const [prop, sub] of Object.entries(schema.properties)) {
    if (!isObj(sub)) continue;
    const at = [...keys, 'properties', prop];
    for (const kw of ['prettyName', 'description'] as const) {
      if (typeof sub[kw] !== 'string' || (sub[kw] as string).trim() === '') {
        out.push(
          warn(
            [...at, kw],
            `property "${prop}" has no ${kw}`,
            `Add "${kw}": a ${kw === 'prettyName' ? 'short UI label' : 'sentence of help text'} for "${prop}".`,
          ),
        );
      }
    }
    if ('default' in sub) {
      try {
        const { default: dflt, ...rest } = sub;
        const check = ajv.compile(rest);
        if (!check(dflt)) {
          const why = problemsFromAjv(check.errors)
            .map((p) => p.message)
            .join('; ');
          out.push(
            warn(
              [...at, 'default'],
              `the default of "${prop}" does not satisfy its own schema: ${why}`,
              'Change the default to a valid value.',
            ),
          );
        }
      } catch {
        // An uncompilable property is reported by the meta-schema check.
      }
    }
    if (sub.type === 'object') walkProperties(at, sub, out);
    if (isObj(sub.items) && sub.items.type === 'object') walkProperties([...at, 'items'], sub.items, out);
  }
}
