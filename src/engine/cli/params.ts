/**
 * Parameter files (JSON) for link, provision and sync: parsed, defaults filled in, validated against the
 * plugin's definition. Every problem names the file and the field; nothing is stored before this passes.
 */
import { readFileSync } from 'node:fs';
import { UserError } from '../../sdk/errors.js';
import type { DefinitionName, PluginSchema } from '../../sdk/schema.js';
import type { Json } from '../store/types.js';

export function readParamsFile(file: string, schema: PluginSchema, definition: DefinitionName): Json {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UserError(
      `Cannot read the parameters file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}.`,
      'Check the path given to --params.',
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new UserError(`The parameters file ${file} is not valid JSON: ${(e as Error).message}.`, 'Correct the JSON syntax.');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new UserError(
      `The parameters file ${file} must contain a JSON object, not ` +
        `${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}.`,
      `Write the ${definition} fields as one JSON object.`,
    );
  }
  const filled = schema.withDefaults(definition, value as Json);
  const problems = schema.check(definition, filled);
  if (problems.length) {
    throw new UserError(
      `The parameters file ${file} is not a valid ${definition}: ${problems.map((p) => `${p.path}: ${p.message}`).join('; ')}.`,
      problems.map((p) => `${p.path}: ${p.fix}`).join(' '),
    );
  }
  return filled;
}
