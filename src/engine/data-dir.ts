/** The data directory: --data-dir DIR, else HANA_VDB_HOME, else ~/.hana-vdb; always absolute. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

export function resolveDataDir(flag?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return resolve(flag);
  if (env.HANA_VDB_HOME) return resolve(env.HANA_VDB_HOME);
  return join(homedir(), '.hana-vdb');
}
