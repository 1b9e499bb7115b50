/**
 * The root key export statements real systems use before a copy to another system (community.sap.com, "missing
 * backup root key"): `ALTER DATABASE <T> SET ENCRYPTION ROOT KEYS BACKUP PASSWORD '<pw>'` (also `ALTER SYSTEM SET …`
 * for the session's database) and `BACKUP ENCRYPTION ROOT KEYS [FOR <T>] USING FILE ('<name>')`, which writes
 * `<instance>/backup/sec/DB_<T>/<name>_rootkeys`. hdbnsutil -recoverRootKeys imports that file (hdbnsutil.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword, ownKeys, writeSecureStore, secureStoreFile, ROOT_KEY_TYPES } from './encryption.js';
import type { SystemPaths } from './paths.js';
import type { Privilege } from './spec.js';
import { errors, SqlError } from './sql-errors.js';
import type { SystemState } from './state.js';
import { tokenizeSql, type SqlToken } from './sql-tokens.js';
import { HanaCode } from '../../src/hana/error-codes.js';

export type RootKeyStatement =
  | { kind: 'set-password'; database: string | undefined; password: string }
  | { kind: 'backup-keys'; database: string | undefined; file: string };

/** The exported file (the real one is encrypted with the password; here it carries the password's hash). */
export interface RootKeyBackup {
  format: 'hana-sim root key backup 1';
  sid: string;
  database: string;
  keys: { type: string; hash: string; createMs: number }[];
  password: { salt: string; hash: string };
}

const words = (t: SqlToken[], i: number, ...w: string[]) => w.every((x, k) => t[i + k]?.kind === 'word' && t[i + k]!.value === x);

function nameAt(t: SqlToken[], i: number): string {
  const tok = t[i];
  if (!tok || (tok.kind !== 'word' && tok.kind !== 'ident')) throw errors.syntax(tok?.raw ?? 'end of statement');
  return tok.value;
}

function secretAt(t: SqlToken[], i: number): string {
  const tok = t[i];
  if (!tok || (tok.kind !== 'string' && tok.kind !== 'ident') || tok.value === '')
    throw errors.syntax(tok?.raw ?? 'end of statement');
  if (t.length > i + 1) throw errors.syntax(t[i + 1]!.raw);
  return tok.value;
}

/** undefined: not a root key statement. */
export function parseRootKeyStatement(sql: string): RootKeyStatement | undefined {
  let t: SqlToken[];
  try {
    t = tokenizeSql(sql);
  } catch {
    return undefined;
  }
  const tail = ['SET', 'ENCRYPTION', 'ROOT', 'KEYS', 'BACKUP', 'PASSWORD'];
  if (words(t, 0, 'ALTER', 'DATABASE') && words(t, 3, ...tail))
    return { kind: 'set-password', database: nameAt(t, 2), password: secretAt(t, 9) };
  if (words(t, 0, 'ALTER', 'SYSTEM', ...tail)) return { kind: 'set-password', database: undefined, password: secretAt(t, 8) };
  if (!words(t, 0, 'BACKUP', 'ENCRYPTION', 'ROOT', 'KEYS')) return undefined;
  let i = 4;
  let database: string | undefined;
  if (words(t, i, 'FOR')) {
    database = nameAt(t, i + 1);
    i += 2;
  }
  if (!words(t, i, 'USING', 'FILE') || t[i + 2]?.value !== '(' || t[i + 3]?.kind !== 'string' || t[i + 4]?.value !== ')')
    throw errors.syntax(t[i]?.raw ?? 'end of statement');
  if (t.length > i + 5) throw errors.syntax(t[i + 5]!.raw);
  const file = t[i + 3]!.value;
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(file) || file.startsWith('.'))
    throw new SqlError(
      HanaCode.generalError,
      `general error: invalid root key backup file name '${file}' (letters, digits, _ . -)`,
    );
  return { kind: 'backup-keys', database, file };
}

interface RootKeySystem {
  spec: { sid: string; host: string; utcOffset: string };
  paths: Pick<SystemPaths, 'globalDir' | 'instanceDir'>;
  state: SystemState;
  env: { now: () => number };
  require(session: { database: string; user: string }, ...any: Privilege[]): void;
}

/** Where BACKUP ENCRYPTION ROOT KEYS writes (the blog: /usr/sap/<SID>/HDB<nr>/backup/sec/DB_<T>/<name>_rootkeys). */
export function rootKeyBackupFile(paths: Pick<SystemPaths, 'instanceDir'>, database: string, name: string): string {
  return join(paths.instanceDir, 'backup', 'sec', database === 'SYSTEMDB' ? 'SYSTEMDB' : `DB_${database}`, `${name}_rootkeys`);
}

/** Runs a root key statement (ENCRYPTION ROOT KEY ADMIN in HANA; the simulator asks for DATABASE ADMIN). */
export function runRootKeyStatement(sys: RootKeySystem, session: { database: string; user: string }, s: RootKeyStatement): void {
  if (s.database && session.database !== 'SYSTEMDB')
    throw errors.notSupported('root keys of another database are managed from the system database');
  sys.require(session, 'DATABASE ADMIN');
  const database = (s.database ?? session.database).toUpperCase();
  if (!sys.state.database(database)) throw errors.unknownDatabase(database);
  const store = ownKeys(sys);
  if (s.kind === 'set-password') {
    store.backupPasswords[database] = hashPassword(s.password);
    writeSecureStore(secureStoreFile(sys.paths, sys.spec.sid), store);
    return;
  }
  const password = store.backupPasswords[database];
  if (!password)
    throw new SqlError(
      2,
      `general error: no root key backup password is set for ${database}; ` +
        `set it with ALTER DATABASE ${database} SET ENCRYPTION ROOT KEYS BACKUP PASSWORD '<password>'`,
    );
  const backup: RootKeyBackup = {
    format: 'hana-sim root key backup 1',
    sid: sys.spec.sid,
    database,
    keys: store.keys
      .filter((k) => k.database === database && !k.importedFrom && ROOT_KEY_TYPES.includes(k.type))
      .map((k) => ({ type: k.type, hash: k.hash, createMs: k.createMs })),
    password,
  };
  const file = rootKeyBackupFile(sys.paths, database, s.file);
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(file, JSON.stringify(backup, null, 1) + '\n', { mode: 0o600 });
}
