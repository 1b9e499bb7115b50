/**
 * The rule for a path on a remote host that travels into shell variables and remote commands: absolute, only
 * letters, digits and _ . + @ = , - between slashes, no "." or ".." components. One rule for the engine (where a
 * path enters: env add) and the plugin (where it is used), so a value refused later is refused when given.
 */
import { UserError } from './errors.js';

function shown(value: unknown): string {
  if (typeof value !== 'string') return `a ${value === null ? 'null' : typeof value}`;
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

export const REMOTE_PATH_ACTION =
  'Give an absolute path such as "/usr/sap/PRD/HDB00" (letters, digits and _ . + @ = , - only; no spaces, no "." or ' +
  '".." components).';

/** The normalised path (one slash between components), or a UserError naming `field` and the rule it broke. */
export function checkRemotePath(value: unknown, field: string): string {
  const fail = (rule: string, action = REMOTE_PATH_ACTION): never => {
    throw new UserError(`Invalid ${field}: ${shown(value)} ${rule}.`, action);
  };
  if (typeof value !== 'string') return fail('is not a string', `Set ${field} to a text value.`);
  if (!value.startsWith('/')) fail('is not an absolute path');
  if (!/^\/[A-Za-z0-9_./+@=,-]*$/.test(value)) fail('contains characters that are not allowed in a path');
  const parts = value.split('/').filter((p) => p !== '');
  if (parts.some((p) => p === '..' || p === '.')) fail('contains "." or ".." components');
  return '/' + parts.join('/');
}
