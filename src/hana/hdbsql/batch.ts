/**
 * Several read-only statements in ONE remote command (still one statement per hdbsql call): the coverage check
 * polls the catalog, the clock and global.ini together, so each poll costs one SSH round trip, not three.
 * Each statement's exit code, stdout and stderr come back base64-encoded on one marker line.
 */
import { runRemote } from '../remote/run.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import { hdbsqlFailure, HdbsqlError } from './errors.js';
import { HDBSQL_OPTIONS, type HdbsqlTarget } from './invocation.js';
import { parseHdbsqlOutput, type HdbsqlOutput } from './output.js';

export const BATCH_SCRIPT = `set -u
e=$(mktemp) || exit 20
trap 'rm -f -- "$e"' EXIT
i=0
while [ "$i" -lt "$HANA_VDB_SQL_COUNT" ]; do
  v="HANA_VDB_SQL_$i"
  o=$("$HANA_VDB_HDBSQL" -U "$HANA_VDB_KEY" ${HDBSQL_OPTIONS.join(' ')} "\${!v}" 2>"$e"); rc=$?
  printf '@@HANA_VDB_STMT %s %s %s %s\\n' "$i" "$rc" "$(printf '%s' "$o" | base64 -w0)" "$(base64 -w0 < "$e")"
  i=$((i+1))
done
`;

export function batchVariables(target: HdbsqlTarget, statements: readonly string[]): Record<string, string> {
  const vars: Record<string, string> = {
    HANA_VDB_HDBSQL: target.hdbsqlPath,
    HANA_VDB_KEY: target.key,
    HANA_VDB_SQL_COUNT: String(statements.length),
  };
  statements.forEach((sql, i) => {
    if (sql.includes('\n') || sql.includes(';')) throw new Error('one statement per hdbsql call, on one line');
    vars[`HANA_VDB_SQL_${i}`] = sql;
  });
  return vars;
}

/** Per statement: its rows, or the HdbsqlError it raised. */
export type BatchResult = HdbsqlOutput | HdbsqlError;

export function parseBatchOutput(stdout: string, count: number): BatchResult[] {
  const results: BatchResult[] = [];
  const decode = (b64: string | undefined) => Buffer.from(b64 ?? '', 'base64').toString('utf8');
  for (const line of stdout.split('\n')) {
    const m = /^@@HANA_VDB_STMT (\d+) (\d+) ?(\S*) ?(\S*)$/.exec(line);
    if (!m) continue;
    const failure = hdbsqlFailure(Number(m[2]), decode(m[4]));
    results[Number(m[1])] = failure ?? parseHdbsqlOutput(decode(m[3]));
  }
  for (let i = 0; i < count; i++) {
    if (!results[i])
      results[i] = new HdbsqlError(
        -1,
        `statement ${i + 1} of the batch produced no result (the remote script stopped early)`,
        null,
        stdout.slice(0, 500),
        null,
      );
  }
  return results;
}

/** Run the statements on the host; a statement's HANA error is returned in its slot, not thrown. */
export async function runHdbsqlBatch(
  connection: RemoteConnection,
  target: HdbsqlTarget,
  statements: readonly string[],
): Promise<BatchResult[]> {
  const res = await runRemote(connection, BATCH_SCRIPT, batchVariables(target, statements), { check: true });
  return parseBatchOutput(res.stdout, statements.length);
}
