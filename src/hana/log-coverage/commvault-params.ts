/**
 * The target's Commvault parameter file decides whose backups a restore reads (docs/reference/backint.md §5, §10.1):
 * `CvSrcClientName` (2024e) or `srcCrossClient` (2022e, 11.16) names the source client, `srcCrossSIDName`
 * (`srcCrossDbName` in 11.16) the source SID. Without them Commvault reads the target's own client and SID, so
 * HANA would find none of the source's backups; the check says so before anything is touched.
 */
import { UserError } from '../../sdk/errors.js';

const CLIENT_KEYS = ['CvSrcClientName', 'srcCrossClient'] as const;
const SID_KEYS = ['srcCrossSIDName', 'srcCrossDbName'] as const;

/** `Name value` lines as Commvault documents them; `#` lines and blank lines are skipped. */
export function parseCommvaultParams(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const m = /^(\S+)\s+(.*\S)\s*$/.exec(raw.trim());
    if (m && !m[1]!.startsWith('#')) values.set(m[1]!, m[2]!);
  }
  return values;
}

export interface CrossRestoreExpectation {
  parameterFile: string;
  sourceSid: string;
  /** The source's Commvault client name, when the dSource gives it; otherwise any client key is accepted. */
  sourceClient?: string;
}

/** Throws one UserError naming the missing or wrong key(s) and the line(s) to add. */
export function checkCrossRestoreKeys(text: string, e: CrossRestoreExpectation): void {
  const values = parseCommvaultParams(text);
  const problems: string[] = [];
  const lines: string[] = [];
  const clientKey = CLIENT_KEYS.find((k) => values.has(k));
  const client = e.sourceClient ?? '<source client name as defined in the CommCell>';
  if (!clientKey) {
    problems.push(`${CLIENT_KEYS[0]} (srcCrossClient before 2024e) is missing`);
    lines.push(`${CLIENT_KEYS[0]} ${client}`);
  } else if (e.sourceClient !== undefined && values.get(clientKey) !== e.sourceClient) {
    problems.push(`${clientKey} names ${values.get(clientKey)}, not the source client ${e.sourceClient}`);
    lines.push(`${clientKey} ${e.sourceClient}`);
  }
  const sidKey = SID_KEYS.find((k) => values.has(k));
  if (!sidKey) {
    problems.push(`${SID_KEYS[0]} (srcCrossDbName in 11.16) is missing`);
    lines.push(`${SID_KEYS[0]} ${e.sourceSid}`);
  } else if (values.get(sidKey) !== e.sourceSid) {
    problems.push(`${sidKey} names ${values.get(sidKey)}, not the source SID ${e.sourceSid}`);
    lines.push(`${sidKey} ${e.sourceSid}`);
  }
  if (problems.length === 0) return;
  throw new UserError(
    `The target's Commvault parameter file ${e.parameterFile} does not point a restore at the source's backups: ` +
      `${problems.join('; ')}. Commvault would look in the target's own client and find none of them.`,
    `Add to ${e.parameterFile}: ${lines.map((l) => `"${l}"`).join(' and ')} (and have the CommCell admin allow ` +
      `the cross-client restore from the source client); nothing was changed on the target.`,
  );
}
