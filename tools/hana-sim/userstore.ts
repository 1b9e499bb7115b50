/**
 * hdbuserstore data: keys per OS user, stored under the simulator root as
 * <root>/home/<os user>/.hdb/<machine>/SSFS_HDB.DAT (JSON, mode 0600) with a companion .KEY file, like
 * ~/.hdb/<host>/SSFS_HDB.DAT|.KEY of a real client.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { sessionOsUser } from './os-users.js';
import { userHome } from './paths.js';

export interface UserStoreKey {
  /** host:port[;host:port] */
  env: string;
  user: string;
  password: string;
  database?: string;
}

/** The store of `osUser`, by default the session's OS user (os-users.ts). */
export function userStoreDir(root: string, osUser = sessionOsUser()): string {
  return join(userHome(root, osUser), '.hdb', hostname());
}

export function userStoreFiles(root: string, osUser?: string): { data: string; key: string } {
  const dir = userStoreDir(root, osUser);
  return { data: join(dir, 'SSFS_HDB.DAT'), key: join(dir, 'SSFS_HDB.KEY') };
}

export function readUserStore(root: string, osUser?: string): Record<string, UserStoreKey> {
  const { data } = userStoreFiles(root, osUser);
  if (!existsSync(data)) return {};
  return (JSON.parse(readFileSync(data, 'utf8')) as { keys: Record<string, UserStoreKey> }).keys;
}

export function writeUserStore(root: string, keys: Record<string, UserStoreKey>, osUser?: string): void {
  const files = userStoreFiles(root, osUser);
  mkdirSync(join(files.data, '..'), { recursive: true, mode: 0o700 });
  if (!existsSync(files.key)) writeFileSync(files.key, randomBytes(32), { mode: 0o600 });
  const tmp = `${files.data}.tmp`;
  writeFileSync(tmp, JSON.stringify({ keys }, null, 1) + '\n', { mode: 0o600 });
  renameSync(tmp, files.data);
}

/** "qasdb:30313@QAS" → env "qasdb:30313", database "QAS" (hdbuserstore SET splits it so). */
export function splitEnv(text: string): { env: string; database?: string } {
  const at = text.lastIndexOf('@');
  return at > 0 ? { env: text.slice(0, at), database: text.slice(at + 1) } : { env: text };
}
