/** Run one statement through hdbsql on a remote host and return its rows or throw HdbsqlError. */
import { runRemote } from '../remote/run.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import { hdbsqlFailure } from './errors.js';
import { hdbsqlInvocation, type HdbsqlTarget } from './invocation.js';
import { parseHdbsqlOutput, type HdbsqlOutput } from './output.js';

export async function runHdbsql(connection: RemoteConnection, target: HdbsqlTarget, sql: string): Promise<HdbsqlOutput> {
  const { command, variables } = hdbsqlInvocation(target, sql);
  const res = await runRemote(connection, command, variables);
  const failure = hdbsqlFailure(res.exitCode, res.stderr);
  if (failure) throw failure;
  return parseHdbsqlOutput(res.stdout);
}
