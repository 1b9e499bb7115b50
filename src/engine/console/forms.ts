/**
 * Forms from the plugin's schema.json, as Delphix generates them: label from prettyName, help from
 * description, order from `ordering`, defaults pre-filled, enums as choices, bounds and patterns kept so the
 * browser can check them before the engine checks again. Properties with format "password" are write-only:
 * `withoutSecrets` takes them out of every value the console sends back.
 */
import { jsonPathKeys } from '../../sdk/problems.js';
import type { DefinitionName, PluginSchema, Problem } from '../../sdk/schema.js';
import type { FieldProblem } from './http.js';

/** The definitions a DBA fills in through the console. */
export const FORM_DEFINITIONS = [
  'linkedSourceDefinition',
  'virtualSourceDefinition',
  'snapshotParametersDefinition',
] as const satisfies readonly DefinitionName[];
export type FormDefinition = (typeof FORM_DEFINITIONS)[number];

export function isFormDefinition(name: string): name is FormDefinition {
  return (FORM_DEFINITIONS as readonly string[]).includes(name);
}

type Node = Record<string, unknown>;

export interface FormField {
  name: string;
  label: string;
  help: string;
  /** 'json' for object and array properties: edited as JSON text. */
  type: 'string' | 'integer' | 'number' | 'boolean' | 'json';
  required: boolean;
  password: boolean;
  enum?: Array<string | number | boolean>;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  /** Ajv compiles patterns without the u flag (src/sdk/ajv.ts); the browser does the same. */
  pattern?: string;
  /** dxFormProperties.validationMessages: what to tell the user per failed keyword. */
  messages?: Record<string, string>;
  /** dxFormProperties.rows: a text area of this many rows. */
  rows?: number;
}

export interface FormDescriptor {
  definition: FormDefinition;
  fields: FormField[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function fieldType(prop: Node): FormField['type'] {
  const t = prop.type;
  if (t === 'string' || t === 'integer' || t === 'number' || t === 'boolean') return t;
  if (prop.enum !== undefined) return 'string';
  return 'json';
}

/** Property names in form order: `ordering` first, then the rest as written. */
export function orderedProperties(definition: Node): string[] {
  const props = Object.keys((definition.properties as Node | undefined) ?? {});
  const ordering = Array.isArray(definition.ordering)
    ? (definition.ordering as unknown[]).filter((n): n is string => typeof n === 'string' && props.includes(n))
    : [];
  return [...ordering, ...props.filter((p) => !ordering.includes(p))];
}

export function describeForm(schema: PluginSchema, definition: FormDefinition): FormDescriptor {
  const def = schema.definitions[definition] as Node;
  const props = (def.properties as Record<string, Node> | undefined) ?? {};
  const required = new Set(Array.isArray(def.required) ? (def.required as string[]) : []);
  const fields = orderedProperties(def).map((name): FormField => {
    const p = props[name] ?? {};
    const dx = (p.dxFormProperties as Node | undefined) ?? {};
    const messages = dx.validationMessages as Record<string, string> | undefined;
    const password = p.format === 'password';
    const f: FormField = {
      name,
      label: str(p.prettyName) ?? name,
      help: str(p.description) ?? '',
      type: fieldType(p),
      required: required.has(name),
      password,
    };
    if (Array.isArray(p.enum)) f.enum = p.enum as FormField['enum'];
    // A default for a secret would be a secret shipped to every browser.
    if ('default' in p && !password) f.default = p.default;
    for (const k of ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength'] as const) {
      const v = num(p[k]);
      if (v !== undefined) f[k] = v;
    }
    if (typeof p.pattern === 'string') f.pattern = p.pattern;
    if (messages && typeof messages === 'object') f.messages = { ...messages };
    const rows = num(dx.rows);
    if (rows !== undefined) f.rows = rows;
    return f;
  });
  return { definition, fields };
}

/** Names of the top-level properties that are secrets (format "password"). */
export function secretFields(schema: PluginSchema, definition: DefinitionName): string[] {
  const props = ((schema.definitions[definition] as Node).properties as Record<string, Node> | undefined) ?? {};
  return Object.entries(props)
    .filter(([, p]) => p?.format === 'password')
    .map(([n]) => n);
}

/** A copy of `value` without its secret properties, and which of them were set (so the page can say "set"). */
export function withoutSecrets(
  schema: PluginSchema,
  definition: DefinitionName,
  value: Record<string, unknown>,
): { value: Record<string, unknown>; secretsSet: string[] } {
  const secrets = secretFields(schema, definition);
  const out: Record<string, unknown> = {};
  const secretsSet: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    if (secrets.includes(k)) {
      if (v !== undefined && v !== null && v !== '') secretsSet.push(k);
    } else {
      out[k] = v;
    }
  }
  return { value: out, secretsSet };
}

/** Schema problems tied to the form field they concern. */
export function fieldProblems(problems: Problem[]): FieldProblem[] {
  return problems.map((p) => {
    const first = jsonPathKeys(p.path)[0];
    return { ...p, field: typeof first === 'string' ? first : '' };
  });
}
