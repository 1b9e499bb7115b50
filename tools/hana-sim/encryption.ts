/**
 * Backup encryption and encryption root keys (README "Backup encryption"). Each system keeps its root keys in its
 * secure store, `SYS/global/hdb/security/ssfs/SSFS_<SID>.DAT` (JSON here): one ACTIVE key per type for each of its
 * databases, plus keys imported with `hdbnsutil -recoverRootKeys`. With backup encryption on (M_ENCRYPTION_OVERVIEW
 * SCOPE 'BACKUP'), a recovery of that system's backups on another system needs the source database's BACKUP root
 * key in the target's store, imported for the target tenant.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SystemPaths } from './paths.js';
import type { SystemState } from './state.js';
import { sqlTimestamp } from './time-format.js';

export const ROOT_KEY_TYPES = ['PERSISTENCE', 'LOG', 'BACKUP'] as const;
export type RootKeyType = (typeof ROOT_KEY_TYPES)[number];

export interface RootKey {
  type: RootKeyType;
  /** The database the key belongs to in this system (for an imported key: the tenant it was imported for). */
  database: string;
  hash: string;
  createMs: number;
  status: 'ACTIVE' | 'DEACTIVATED';
  used: boolean;
  /** `<SID>/<DB>` the key was exported from, for imported keys. */
  importedFrom?: string;
}

interface SecureStore {
  keys: RootKey[];
  /** Root key backup passwords per database (salted scrypt). */
  backupPasswords: Record<string, { salt: string; hash: string }>;
}

export function secureStoreFile(paths: Pick<SystemPaths, 'globalDir'>, sid: string): string {
  return join(paths.globalDir, 'security', 'ssfs', `SSFS_${sid}.DAT`);
}

export function readSecureStore(file: string): SecureStore {
  if (!existsSync(file)) return { keys: [], backupPasswords: {} };
  return JSON.parse(readFileSync(file, 'utf8')) as SecureStore;
}

export function writeSecureStore(file: string, store: SecureStore): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(store, null, 1) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
}

interface EncryptionSystem {
  spec: { sid: string; host: string; utcOffset: string };
  paths: Pick<SystemPaths, 'globalDir'>;
  state: SystemState;
  env: { now: () => number };
}

/** The system's store with an own ACTIVE key of every type for every database (created on first use). */
export function ownKeys(sys: EncryptionSystem): SecureStore {
  const file = secureStoreFile(sys.paths, sys.spec.sid);
  const store = readSecureStore(file);
  let changed = false;
  for (const d of sys.state.databases()) {
    for (const type of ROOT_KEY_TYPES) {
      if (store.keys.some((k) => k.database === d.name && k.type === type && !k.importedFrom)) continue;
      store.keys.push({
        type,
        database: d.name,
        hash: randomBytes(32).toString('hex'),
        createMs: sys.env.now(),
        status: 'ACTIVE',
        used: true,
      });
      changed = true;
    }
  }
  if (changed) writeSecureStore(file, store);
  return store;
}

export function backupEncryptionActive(state: SystemState): boolean {
  return state.meta('backup_encryption') === 'TRUE';
}

/** The `backup-encryption` fault: backups of this system are encrypted with its own root keys (or not, `on` false). */
export function setBackupEncryption(sys: EncryptionSystem, on: boolean): void {
  sys.state.setMeta('backup_encryption', on ? 'TRUE' : 'FALSE');
  sys.state.setMeta('backup_encryption_changed_ms', String(sys.env.now()));
  ownKeys(sys);
}

export const ENCRYPTION_VIEWS: Record<string, string[]> = {
  M_ENCRYPTION_OVERVIEW: [
    'SCOPE',
    'IS_ENCRYPTION_ACTIVE',
    'LAST_CHANGE_TIME',
    'CONFIGURATION_CONTROL',
    'ENCRYPTION_CONTROL_LAST_CHANGE_TIME',
  ],
  ENCRYPTION_ROOT_KEYS: [
    'ROOT_KEY_TYPE',
    'CREATE_TIMESTAMP',
    'IS_CONSISTENT',
    'RESET_COUNT',
    'IS_USED',
    'ROOT_KEY_STATUS',
    'ROOT_KEY_HASH',
    'IN_BACKUP',
    'ENCRYPTION_ALGORITHM',
    'TENANT_NAME',
    'HOST',
  ],
};

/** Rows of the encryption views seen from `database` (SYSTEMDB sees every key of the system). */
export function encryptionViewRows(sys: EncryptionSystem, database: string): Record<string, unknown[][]> {
  const store = ownKeys(sys);
  const changed = Number(sys.state.meta('backup_encryption_changed_ms') ?? 0) || null;
  const local = (ms: number | null) => (ms === null ? null : sqlTimestamp(ms, sys.spec.utcOffset));
  const on = backupEncryptionActive(sys.state) ? 'TRUE' : 'FALSE';
  const overview = [
    ['PERSISTENCE', 'FALSE', null, 'LOCAL_DATABASE', null],
    ['LOG', 'FALSE', null, 'LOCAL_DATABASE', null],
    ['BACKUP', on, local(changed), 'LOCAL_DATABASE', null],
  ];
  const keys = store.keys
    .filter((k) => database === 'SYSTEMDB' || k.database === database)
    .map((k) => [
      k.type,
      sqlTimestamp(k.createMs),
      'TRUE',
      0,
      k.used ? 'TRUE' : 'FALSE',
      k.status,
      k.hash,
      'FALSE',
      'AES-256-CBC',
      k.database === 'SYSTEMDB' ? null : k.database,
      sys.spec.host,
    ]);
  return { M_ENCRYPTION_OVERVIEW: overview, ENCRYPTION_ROOT_KEYS: keys };
}

/** The key that encrypts a database's backups: its own ACTIVE, used BACKUP root key. */
export function backupRootKey(sys: EncryptionSystem, database: string): RootKey {
  return ownKeys(sys).keys.find((k) => k.database === database && k.type === 'BACKUP' && !k.importedFrom && k.used)!;
}

/**
 * Why a recovery of `source`'s backups into `target` cannot decrypt them, or undefined. Within one system the keys
 * are in its own store; across systems the source's BACKUP key must have been imported for the target tenant.
 */
export function missingBackupRootKey(source: EncryptionSystem, sourceDb: string, target: EncryptionSystem, targetDb: string) {
  if (!backupEncryptionActive(source.state) || source.spec.sid === target.spec.sid) return undefined;
  const needed = backupRootKey(source, sourceDb);
  const store = readSecureStore(secureStoreFile(target.paths, target.spec.sid));
  if (store.keys.some((k) => k.type === 'BACKUP' && k.hash === needed.hash && k.database === targetDb)) return undefined;
  return (
    `[301103] missing backup root key: the backups of ${sourceDb}@${source.spec.sid} are encrypted with BACKUP root key ` +
    `${needed.hash.slice(0, 16)}… which is not in the secure store of ${target.spec.sid} for ${targetDb}`
  );
}

/** Salted scrypt of a root key backup password (the password itself is never stored). */
export function hashPassword(password: string, salt = randomBytes(16).toString('hex')): { salt: string; hash: string } {
  return { salt, hash: scryptSync(password, salt, 32).toString('hex') };
}

export function passwordMatches(password: string, stored: { salt: string; hash: string }): boolean {
  const again = Buffer.from(hashPassword(password, stored.salt).hash, 'hex');
  return timingSafeEqual(again, Buffer.from(stored.hash, 'hex'));
}
