/**
 * A file the plugin hands to a program on the host (the Backint agent's parameter file) must exist and be readable
 * by the environment's user there. Checked where the path is given (dsource link) and again before it is used
 * (provision, refresh), with the same message, so a wrong path fails at once instead of inside a recovery. A
 * provision reads the state within its preflight's remote command (FILE_STATE), saving a round trip.
 */
import { UserError } from '../../sdk/errors.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import type { AbsolutePath } from '../identifiers.js';
import { runRemote } from './run.js';

/** Prints the state of "$HANA_VDB_FILE" for the session's user: ok, missing, not-a-file or unreadable. */
export const FILE_STATE = `f="$HANA_VDB_FILE"
if [ ! -e "$f" ]; then echo missing; elif [ ! -f "$f" ]; then echo not-a-file; elif [ ! -r "$f" ]; then echo unreadable
else echo ok; fi`;

const PROBLEM: Record<string, string> = {
  missing: 'does not exist',
  'not-a-file': 'is not a regular file',
  unreadable: 'is not readable by',
};

/**
 * Throws a UserError naming the field, the host and the user unless `file` is a readable regular file there.
 * `knownState`: what FILE_STATE printed for this file in an earlier command of this operation (not read again).
 */
export async function requireReadableFile(
  connection: RemoteConnection,
  file: AbsolutePath,
  field: string,
  what: string,
  knownState?: string,
): Promise<void> {
  const verdict = knownState ?? (await runRemote(connection, FILE_STATE, { HANA_VDB_FILE: file }, { check: true })).stdout.trim();
  if (verdict === 'ok') return;
  const host = connection.environment.host.name;
  const user = connection.user.name;
  const problem =
    verdict === 'unreadable' ? `${PROBLEM.unreadable} ${user}` : (PROBLEM[verdict] ?? `could not be checked (${verdict})`);
  throw new UserError(
    `The ${what} ${file} (${field}) ${problem} on ${host}.`,
    `Create it there, readable by ${user}, or set ${field} to the file the agent uses; then retry.`,
  );
}
