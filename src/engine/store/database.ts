/**
 * Opening the SQLite file: WAL, foreign keys, a busy timeout so concurrent processes wait briefly instead of
 * failing, and schema migrations (PRAGMA user_version = migrations applied, one transaction each).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { UserError } from '../../sdk/errors.js';
import { MIGRATIONS } from './schema.js';

export type Db = Database.Database;

export const STORE_FILE = 'hana-vdb.db';

export function storePath(dataDir: string): string {
  return join(dataDir, STORE_FILE);
}

export function migrate(db: Db, migrations: readonly string[] = MIGRATIONS): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new UserError(
      `The store ${db.name} has schema version ${current}, newer than this hana-vdb understands (${migrations.length}).`,
      'Use the hana-vdb version that wrote it, or a newer one.',
    );
  }
  for (let v = current; v < migrations.length; v++) {
    db.transaction(() => {
      db.exec(migrations[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

export function openDatabase(dataDir: string, migrations: readonly string[] = MIGRATIONS): Db {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(storePath(dataDir));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 10000');
  migrate(db, migrations);
  return db;
}

export function openDatabaseReadOnly(dataDir: string): Db {
  let db: Db;
  try {
    db = new Database(storePath(dataDir), { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new UserError(
      `No hana-vdb store at ${storePath(dataDir)} (${(e as Error).message}).`,
      'Pass the right --data-dir (or HANA_VDB_HOME), or create the store with a hana-vdb command first.',
    );
  }
  db.pragma('busy_timeout = 10000');
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version !== MIGRATIONS.length) {
    db.close();
    throw new UserError(
      `The store ${storePath(dataDir)} has schema version ${version}; this program reads version ${MIGRATIONS.length}.`,
      version < MIGRATIONS.length
        ? 'Run any hana-vdb command (e.g. `hana-vdb list environments`) once to migrate it.'
        : 'Use a newer version of this tool.',
    );
  }
  return db;
}
