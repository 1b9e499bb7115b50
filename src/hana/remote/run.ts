/**
 * Every remote command of the HANA plugin. No variable it passes carries a secret (HANA credentials stay in the
 * hdbuserstore; only key names travel), so all are declared public: job logs show the paths and the statements
 * that ran instead of [REDACTED]. A secret must never be passed through here.
 */
import { libs, type RunBashOptions } from '../../sdk/libs.js';
import type { RemoteConnection } from '../../sdk/platform.js';

export function runRemote(
  connection: RemoteConnection,
  script: string,
  variables: Record<string, string> = {},
  options: Omit<RunBashOptions, 'variables' | 'publicVariables'> = {},
) {
  return libs.runBash(connection, script, { ...options, variables, publicVariables: Object.keys(variables) });
}
