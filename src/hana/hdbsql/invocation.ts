/**
 * How hdbsql is invoked: one statement per call, credentials only through an hdbuserstore key (-U; never a
 * password), and every value travels in runBash `variables`, so the command text itself is a constant.
 *   -a  no column header        -x  no "n rows selected" footer     -j  no page-by-page scrolling
 *   -E 3  exit code 3 (SQLERROR) on an SQL error, so errors are not lost (docs/reference/hana-recovery.md §2.1, §2.4)
 * Not -C: without it string values stay quoted, which keeps a value containing "," or a newline unambiguous
 * and tells a quoted value apart from hdbsql's own unquoted lines (output.ts).
 */
import type { AbsolutePath, UserStoreKey } from '../identifiers.js';

export const HDBSQL_SQL_ERROR_EXIT = 3;
export const HDBSQL_OPTIONS = ['-a', '-x', '-j', '-E', String(HDBSQL_SQL_ERROR_EXIT)] as const;

/** The shell fragment; expects HANA_VDB_HDBSQL, HANA_VDB_KEY and HANA_VDB_SQL in the environment. */
export const HDBSQL_COMMAND = `"$HANA_VDB_HDBSQL" -U "$HANA_VDB_KEY" ${HDBSQL_OPTIONS.join(' ')} "$HANA_VDB_SQL"`;

export interface HdbsqlTarget {
  hdbsqlPath: AbsolutePath;
  key: UserStoreKey;
}

export interface HdbsqlInvocation {
  command: string;
  variables: Record<string, string>;
}

export function hdbsqlVariables(target: HdbsqlTarget, sql: string): Record<string, string> {
  if (sql.includes('\n') || sql.includes(';')) throw new Error('one statement per hdbsql call, on one line');
  return { HANA_VDB_HDBSQL: target.hdbsqlPath, HANA_VDB_KEY: target.key, HANA_VDB_SQL: sql };
}

export function hdbsqlInvocation(target: HdbsqlTarget, sql: string): HdbsqlInvocation {
  return { command: HDBSQL_COMMAND, variables: hdbsqlVariables(target, sql) };
}
