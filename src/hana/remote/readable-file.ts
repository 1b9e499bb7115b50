/**
 * A file the plugin hands to a program on the host (the Backint agent's parameter file) must exist and be readable
 * by the environment's user there. Checked where the path is given (dsource link) and again before it is used
 * (provision, refresh), with the same message, so a wrong path fails at once instead of inside a recovery.
 */
import { UserError } from '../../sdk/errors.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import type { AbsolutePath } from '../identifiers.js';
import { runRemote } from './run.js';

const CHECK = `f="$HANA_VDB_FILE"
if [ ! -e "$f" ]; then echo missing; elif [ ! -f "$f" ]; then echo not-a-file; elif [ ! -r "$f" ]; then echo unreadable
else echo ok; fi`;

const PROBLEM: Record<string, string> = {
  missing: 'does not exist',
  'not-a-file': 'is not a regular file',
  unreadable: 'is not readable by',
};

/** Throws a UserError naming the field, the host and the user unless `file` is a readable regular file there. */
export async function requireReadableFile(
  connection: RemoteConnection,
  file: AbsolutePath,
  field: string,
  what: string,
): Promise<void> {
  const res = await runRemote(connection, CHECK, { HANA_VDB_FILE: file }, { check: true });
  const verdict = res.stdout.trim();
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
