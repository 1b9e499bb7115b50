/**
 * Turning JSON-Schema errors into problems a person can act on: where (a JSON path such as
 * `$.coverage.waitedSeconds`), what is wrong, and how to fix it. Values are quoted only when the schema
 * does not mark them as secret (format "password").
 */
import type { ErrorObject } from 'ajv';

export interface Problem {
  /** JSON path of the offending value, `$` for the whole document. */
  path: string;
  /** What is wrong. */
  message: string;
  /** How to fix it. */
  fix: string;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** JSON path from a list of keys: ['a', 0, 'b c'] → `$.a[0]['b c']`. */
export function jsonPath(keys: ReadonlyArray<string | number>): string {
  let out = '$';
  for (const k of keys) {
    if (typeof k === 'number') out += `[${k}]`;
    else if (IDENT.test(k)) out += `.${k}`;
    else out += `[${JSON.stringify(k)}]`;
  }
  return out;
}

/** Ajv's instancePath (JSON pointer) → keys. */
export function pointerKeys(pointer: string): Array<string | number> {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((seg) => (/^(0|[1-9][0-9]*)$/.test(seg) ? Number(seg) : seg));
}

type SchemaNode = Record<string, unknown> | undefined;

function shown(value: unknown, schema: SchemaNode): string {
  if (schema && schema.format === 'password') return '(secret value)';
  const s = JSON.stringify(value) ?? String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function label(key: string | number | undefined, schema: SchemaNode): string {
  const pretty = schema && typeof schema.prettyName === 'string' ? schema.prettyName : undefined;
  if (key === undefined) return pretty ?? 'The value';
  return pretty ? `${pretty} (${String(key)})` : `'${String(key)}'`;
}

function patternHint(schema: SchemaNode): string | undefined {
  const dx = schema?.dxFormProperties as { validationMessages?: Record<string, unknown> } | undefined;
  const m = dx?.validationMessages?.pattern;
  return typeof m === 'string' ? m : undefined;
}

function describe(schema: SchemaNode): string {
  return schema && typeof schema.description === 'string' && schema.description ? ` (${schema.description})` : '';
}

/** Errors that only restate another one (allOf/anyOf wrappers, `if` failures) are dropped. */
const NOISE = new Set(['if', 'anyOf', 'oneOf', 'allOf', 'not', '$ref']);

/** When one value breaks several rules, the most telling one is reported (a pattern hint beats a length). */
const PRIORITY = ['required', 'additionalProperties', 'type', 'enum', 'const', 'pattern', 'format'];
function rank(e: ErrorObject): number {
  // Inside anyOf, a branch's "wrong type" only says that branch did not apply; another branch's error says more.
  if (e.keyword === 'type' && e.schemaPath.includes('/anyOf/')) return PRIORITY.length + 1;
  return PRIORITY.includes(e.keyword) ? PRIORITY.indexOf(e.keyword) : PRIORITY.length;
}

/** Convert Ajv errors (created with `verbose: true`) into problems: one per offending path, in document order. */
export function problemsFromAjv(errors: ReadonlyArray<ErrorObject> | null | undefined): Problem[] {
  const best = new Map<string, { rank: number; problem: Problem }>();
  for (const e of errors ?? []) {
    if (NOISE.has(e.keyword)) continue;
    const problem = fromError(e);
    const r = rank(e);
    const prior = best.get(problem.path);
    if (!prior || r < prior.rank) best.set(problem.path, { rank: r, problem });
  }
  return [...best.values()].map((b) => b.problem);
}

function missingProperty(keys: Array<string | number>, schema: SchemaNode, missing: string): Problem {
  const propSchema = (schema?.properties as Record<string, SchemaNode> | undefined)?.[missing];
  return {
    path: jsonPath([...keys, missing]),
    message: `${label(missing, propSchema)} is required but missing`,
    fix: `Add "${missing}"${describe(propSchema)}.`,
  };
}

function extraProperty(keys: Array<string | number>, schema: SchemaNode, extra: string): Problem {
  const allowed = Object.keys((schema?.properties as object | undefined) ?? {});
  return {
    path: jsonPath([...keys, extra]),
    message: `'${extra}' is not an allowed property here`,
    fix: allowed.length ? `Remove it or correct its spelling; allowed: ${allowed.join(', ')}.` : 'Remove it.',
  };
}

function fromError(e: ErrorObject): Problem {
  const keys = pointerKeys(e.instancePath);
  const last = keys[keys.length - 1];
  const schema = e.parentSchema as SchemaNode;
  const params = e.params as Record<string, unknown>;
  const what = label(last, schema);
  switch (e.keyword) {
    case 'required':
      return missingProperty(keys, schema, String(params.missingProperty));
    case 'additionalProperties':
      return extraProperty(keys, schema, String(params.additionalProperty));
    case 'type':
      return {
        path: jsonPath(keys),
        message: `${what} must be of type ${String(params.type)}, got ${shown(e.data, schema)}`,
        fix: `Use a ${String(params.type)} value${describe(schema)}.`,
      };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
      return {
        path: jsonPath(keys),
        message: `${what} is ${shown(e.data, schema)}, which is not one of the allowed values`,
        fix: `Use one of: ${allowed}.`,
      };
    }
    case 'const':
      return {
        path: jsonPath(keys),
        message: `${what} must be ${JSON.stringify(params.allowedValue)}`,
        fix: `Use ${JSON.stringify(params.allowedValue)}.`,
      };
    case 'pattern':
      return {
        path: jsonPath(keys),
        message: `${what} ${shown(e.data, schema)} is not in the accepted form`,
        fix: patternHint(schema) ?? `Use a value matching the regular expression ${String(params.pattern)}${describe(schema)}.`,
      };
    case 'format':
      return {
        path: jsonPath(keys),
        message: `${what} ${shown(e.data, schema)} is not a valid ${String(params.format)}`,
        fix: `Use a valid ${String(params.format)}${describe(schema)}.`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        path: jsonPath(keys),
        message: `${what} is ${shown(e.data, schema)}; it ${e.message ?? 'is out of range'}`,
        fix: `Use a number ${range(schema)}.`,
      };
    case 'minLength':
    case 'maxLength':
      return {
        path: jsonPath(keys),
        message: `${what} ${e.message ?? 'has the wrong length'}`,
        fix: `Use ${lengthRange(schema)} characters${describe(schema)}.`,
      };
    default:
      return {
        path: jsonPath(keys),
        message: `${what} ${e.message ?? `fails "${e.keyword}"`}`,
        fix: `Correct the value so that it satisfies "${e.keyword}"${describe(schema)}.`,
      };
  }
}

function range(schema: SchemaNode): string {
  const min = schema?.minimum ?? schema?.exclusiveMinimum;
  const max = schema?.maximum ?? schema?.exclusiveMaximum;
  if (min !== undefined && max !== undefined) return `from ${String(min)} to ${String(max)}`;
  if (min !== undefined) return `>= ${String(min)}`;
  if (max !== undefined) return `<= ${String(max)}`;
  return 'in range';
}

function lengthRange(schema: SchemaNode): string {
  const min = schema?.minLength as number | undefined;
  const max = schema?.maxLength as number | undefined;
  if (min !== undefined && max !== undefined) return min === max ? `exactly ${min}` : `${min} to ${max}`;
  if (min !== undefined) return `at least ${min}`;
  return `at most ${String(max)}`;
}

/** Inverse of jsonPath: `$.a[0]["b c"]` → ['a', 0, 'b c']. */
export function jsonPathKeys(path: string): Array<string | number> {
  const keys: Array<string | number> = [];
  const re = /\.([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const m of path.slice(1).matchAll(re))
    keys.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : (JSON.parse(m[3]!) as string)));
  return keys;
}
