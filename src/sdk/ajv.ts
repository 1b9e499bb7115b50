/**
 * One Ajv setup for everything that checks plugin JSON: Draft-07 (as dvp's Draft7Validator), all errors at once,
 * Delphix's schema keywords accepted as annotations, its string formats known, and its predefined credential
 * types resolvable (codegen treats them as opaque objects, so do we).
 */
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

/** Keywords of Delphix schemas (References/Schemas.md) that carry UI or discovery meaning, not validation. */
export const DELPHIX_KEYWORDS = [
  'prettyName',
  'identityFields',
  'nameField',
  'ordering',
  'dxFormProperties',
  'referenceType',
  'matches',
] as const;

/** Identifier of Delphix's predefined types, referenced as `<id>#/definitions/<name>`. */
export const DELPHIX_PLATFORM_API = 'https://delphix.com/platform/api';

const opaque = { type: 'object' };

function isRegExp(s: string): boolean {
  try {
    new RegExp(s);
    return true;
  } catch {
    return false;
  }
}

export function createAjv(): Ajv {
  // Delphix's own patterns escape '-' as \-, valid in Python's re but not in a JS /u regex: compile without /u.
  const ajv = new Ajv({ strict: false, allErrors: true, verbose: true, unicodeRegExp: false });
  // ajv-formats is CommonJS; its function is both module.exports and .default.
  const addFormats = (addFormatsModule as unknown as { default: (a: Ajv) => Ajv }).default ?? addFormatsModule;
  addFormats(ajv);
  for (const keyword of DELPHIX_KEYWORDS) ajv.addKeyword({ keyword });
  ajv.addFormat('regex', { type: 'string', validate: isRegExp });
  ajv.addFormat('password', { type: 'string', validate: () => true });
  ajv.addFormat('reference', { type: 'string', validate: (s: string) => s.length > 0 });
  ajv.addFormat('unixpath', { type: 'string', validate: (s: string) => s.length > 0 && !s.includes('\0') });
  ajv.addSchema({
    $id: DELPHIX_PLATFORM_API,
    definitions: { credentialsSupplier: opaque, passwordCredentialsSupplier: opaque, keyCredentialsSupplier: opaque },
  });
  return ajv;
}
