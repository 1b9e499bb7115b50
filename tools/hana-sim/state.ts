/**
 * The persistent state of one simulated system (SQLite): databases and their status, users, the backup
 * catalog, and each database's redo log (every commit with its simulated time and log position).
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Privilege } from './spec.js';

export type ActiveStatus = 'YES' | 'NO' | 'STARTING' | 'STOPPING';

export interface DatabaseRow {
  name: string;
  volume: number;
  port_index: number;
  /** STARTING/STOPPING: a transition under way (transitions.ts). */
  active: ActiveStatus;
  details: string;
  needs_recovery: number;
  recovering_op: number | null;
  position: number;
  last_commit_ms: number | null;
  backed_up_position: number;
}

export interface CatalogEntry {
  entry_id: number;
  database: string;
  backup_id: number;
  entry_type_name: string;
  state_name: string;
  utc_start_ms: number;
  utc_end_ms: number | null;
  comment: string | null;
  message: string | null;
}

export interface CatalogFile {
  database: string;
  backup_id: number;
  entry_id: number;
  source_id: number;
  source_type_name: string;
  service_type_name: string;
  host: string;
  backup_size: number;
  destination_type_name: string;
  destination_path: string;
  external_backup_id: string | null;
  redo_log_position: number | null;
  last_redo_log_position: number | null;
  utc_last_commit_ms: number | null;
}

export interface RedoEntry {
  position: number;
  utc_ms: number;
  sql: string;
}

/** A persistence volume of a database: one per service (the master indexserver's is `databases.volume`). */
export interface VolumeRow {
  database: string;
  volume: number;
  service: string;
  /** Offset of the service's internal port from the database's indexserver port. */
  port_offset: number;
  /** Log position and last backed-up position of a volume other than the master's (whose are in `databases`). */
  position: number;
  backed_up_position: number;
}

/** An entry of a non-master volume's log: written with every commit, `seq` = the commit's master log position. */
export interface VolumeLogEntry {
  position: number;
  utc_ms: number;
  seq: number;
}

/** Log bytes a commit adds to the log of each volume besides the master's (its part of the commit). */
export const VOLUME_COMMIT_BYTES = 96;

export interface UserRow {
  database: string;
  name: string;
  password: string;
  privileges: Privilege[];
}

/** First redo log position of a new database. */
export const INITIAL_POSITION = 1_000_000;

export class SystemState {
  readonly db: Database.Database;
  constructor(file: string) {
    mkdirSync(dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS databases(name TEXT PRIMARY KEY, volume INTEGER NOT NULL, port_index INTEGER NOT NULL,
        active TEXT NOT NULL, details TEXT NOT NULL DEFAULT '', needs_recovery INTEGER NOT NULL DEFAULT 0, recovering_op INTEGER,
        position INTEGER NOT NULL, last_commit_ms INTEGER, backed_up_position INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS users(database TEXT NOT NULL, name TEXT NOT NULL, password TEXT NOT NULL, privileges TEXT NOT NULL,
        PRIMARY KEY(database, name));
      CREATE TABLE IF NOT EXISTS catalog(entry_id INTEGER PRIMARY KEY AUTOINCREMENT, database TEXT NOT NULL, backup_id INTEGER
        NOT NULL,
        entry_type_name TEXT NOT NULL, state_name TEXT NOT NULL, utc_start_ms INTEGER NOT NULL, utc_end_ms INTEGER, comment
          TEXT, message TEXT);
      CREATE TABLE IF NOT EXISTS catalog_files(database TEXT NOT NULL, backup_id INTEGER NOT NULL, entry_id INTEGER NOT NULL,
        source_id INTEGER NOT NULL, source_type_name TEXT NOT NULL, service_type_name TEXT NOT NULL, host TEXT NOT NULL,
        backup_size INTEGER NOT NULL, destination_type_name TEXT NOT NULL, destination_path TEXT NOT NULL, external_backup_id TEXT,
        redo_log_position INTEGER, last_redo_log_position INTEGER, utc_last_commit_ms INTEGER);
      CREATE TABLE IF NOT EXISTS redo(database TEXT NOT NULL, position INTEGER NOT NULL, utc_ms INTEGER NOT NULL, sql TEXT NOT NULL,
        PRIMARY KEY(database, position));
      CREATE TABLE IF NOT EXISTS volumes(database TEXT NOT NULL, volume INTEGER NOT NULL, service TEXT NOT NULL,
        port_offset INTEGER NOT NULL, position INTEGER NOT NULL, backed_up_position INTEGER NOT NULL,
        PRIMARY KEY(database, volume));
      CREATE TABLE IF NOT EXISTS volume_log(database TEXT NOT NULL, volume INTEGER NOT NULL, position INTEGER NOT NULL,
        utc_ms INTEGER NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(database, volume, position));
      CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `);
  }

  close(): void {
    this.db.close();
  }

  meta(key: string): string | undefined {
    return (this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined)?.value;
  }
  setMeta(key: string, value: string): void {
    this.db
      .prepare('INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value')
      .run(key, value);
  }

  databases(): DatabaseRow[] {
    return this.db.prepare('SELECT * FROM databases ORDER BY port_index').all() as DatabaseRow[];
  }
  database(name: string): DatabaseRow | undefined {
    return this.db.prepare('SELECT * FROM databases WHERE name = ?').get(name) as DatabaseRow | undefined;
  }
  /**
   * A database with one volume per service, numbered from `firstVolume` in service order; the master is the
   * indexserver's (SYSTEMDB: the nameserver's).
   */
  addDatabase(name: string, firstVolume: number, portIndex: number, services: readonly string[]): void {
    const master = services.indexOf(name === 'SYSTEMDB' ? 'nameserver' : 'indexserver');
    if (master < 0) throw new Error(`database ${name}: no master service among ${services.join(', ')}`);
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO databases(name, volume, port_index, active, position, backed_up_position) VALUES (?, ?, ?, ?, ?, ?)')
        .run(name, firstVolume + master, portIndex, 'YES', INITIAL_POSITION, INITIAL_POSITION);
      const ins = this.db.prepare('INSERT INTO volumes VALUES (?, ?, ?, ?, ?, ?)');
      // Ports: the master's, then +3, +6, … (sample: indexserver Hostname:30040, xsengine Hostname:30043).
      let k = 0;
      services.forEach((svc, i) =>
        ins.run(name, firstVolume + i, svc, i === master ? 0 : 3 * ++k, INITIAL_POSITION, INITIAL_POSITION),
      );
    })();
  }
  /** Every volume of a database in id order (of every database when none is named). */
  volumes(database?: string): VolumeRow[] {
    return (
      database
        ? this.db.prepare('SELECT * FROM volumes WHERE database = ? ORDER BY volume').all(database)
        : this.db.prepare('SELECT * FROM volumes ORDER BY database, volume').all()
    ) as VolumeRow[];
  }
  /** The volumes besides the master's, whose logs hold each commit's share. */
  otherVolumes(database: string): VolumeRow[] {
    const master = this.database(database)?.volume;
    return this.volumes(database).filter((v) => v.volume !== master);
  }
  volumeLogAfter(database: string, volume: number, position: number, upTo = Number.MAX_SAFE_INTEGER): VolumeLogEntry[] {
    return this.db
      .prepare(
        'SELECT position, utc_ms, seq FROM volume_log WHERE database = ? AND volume = ? AND position > ? AND position <= ? ' +
          'ORDER BY position',
      )
      .all(database, volume, position, upTo) as VolumeLogEntry[];
  }
  markVolumeBackedUp(database: string, volume: number, position: number): void {
    if (volume === this.database(database)?.volume) return this.markBackedUp(database, position);
    this.db.prepare('UPDATE volumes SET backed_up_position = ? WHERE database = ? AND volume = ?').run(position, database, volume);
  }
  removeDatabase(name: string): void {
    this.db.transaction(() => {
      for (const t of ['databases', 'users', 'redo', 'volumes', 'volume_log'])
        this.db.prepare(`DELETE FROM ${t} WHERE ${t === 'databases' ? 'name' : 'database'} = ?`).run(name);
    })();
  }
  setActive(name: string, active: ActiveStatus, details = ''): void {
    this.db.prepare('UPDATE databases SET active = ?, details = ? WHERE name = ?').run(active, details, name);
  }
  setRecovering(name: string, op: number | null, needsRecovery: boolean): void {
    this.db
      .prepare('UPDATE databases SET recovering_op = ?, needs_recovery = ? WHERE name = ?')
      .run(op, needsRecovery ? 1 : 0, name);
  }

  users(database?: string): UserRow[] {
    const rows = (
      database
        ? this.db.prepare('SELECT * FROM users WHERE database = ?').all(database)
        : this.db.prepare('SELECT * FROM users').all()
    ) as (Omit<UserRow, 'privileges'> & { privileges: string })[];
    return rows.map((r) => ({ ...r, privileges: JSON.parse(r.privileges) as Privilege[] }));
  }
  user(database: string, name: string): UserRow | undefined {
    return this.users(database).find((u) => u.name === name);
  }
  upsertUser(database: string, name: string, password: string, privileges: readonly Privilege[]): void {
    this.db
      .prepare(
        'INSERT INTO users(database, name, password, privileges) VALUES (?, ?, ?, ?) ON ' +
          'CONFLICT(database, name) DO UPDATE SET privileges = excluded.privileges',
      )
      .run(database, name, password, JSON.stringify(privileges));
  }

  /** Appends one commit to the redo log; returns its (end) log position. */
  commit(database: string, utcMs: number, sql: string): number {
    const row = this.database(database)!;
    const position = row.position + 64 * Math.ceil((Buffer.byteLength(sql) + 100) / 64);
    this.db.transaction(() => {
      this.db.prepare('INSERT INTO redo(database, position, utc_ms, sql) VALUES (?, ?, ?, ?)').run(database, position, utcMs, sql);
      this.db.prepare('UPDATE databases SET position = ?, last_commit_ms = ? WHERE name = ?').run(position, utcMs, database);
      for (const v of this.otherVolumes(database)) {
        const at = v.position + VOLUME_COMMIT_BYTES;
        this.db.prepare('INSERT INTO volume_log VALUES (?, ?, ?, ?, ?)').run(database, v.volume, at, utcMs, position);
        this.db.prepare('UPDATE volumes SET position = ? WHERE database = ? AND volume = ?').run(at, database, v.volume);
      }
    })();
    return position;
  }
  redoAfter(database: string, position: number, upTo = Number.MAX_SAFE_INTEGER): RedoEntry[] {
    return this.db
      .prepare('SELECT position, utc_ms, sql FROM redo WHERE database = ? AND position > ? AND position <= ? ORDER BY position')
      .all(database, position, upTo) as RedoEntry[];
  }
  markBackedUp(database: string, position: number): void {
    this.db.prepare('UPDATE databases SET backed_up_position = ? WHERE name = ?').run(position, database);
  }
  /**
   * After a recovery: each volume's log continues at its reached position (`others`: by volume id); the old log area
   * is gone.
   */
  resetLog(database: string, position: number, lastCommitMs: number | null, others: ReadonlyMap<number, number>): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM redo WHERE database = ?').run(database);
      this.db.prepare('DELETE FROM volume_log WHERE database = ?').run(database);
      this.db
        .prepare('UPDATE databases SET position = ?, backed_up_position = ?, last_commit_ms = ? WHERE name = ?')
        .run(position, position, lastCommitMs, database);
      for (const [volume, pos] of others)
        this.db
          .prepare('UPDATE volumes SET position = ?, backed_up_position = ? WHERE database = ? AND volume = ?')
          .run(pos, pos, database, volume);
    })();
  }

  addCatalogEntry(e: Omit<CatalogEntry, 'entry_id'>): number {
    const r = this.db
      .prepare(
        'INSERT INTO catalog(database, backup_id, entry_type_name, state_name, utc_start_ms, ' +
          'utc_end_ms, comment, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(e.database, e.backup_id, e.entry_type_name, e.state_name, e.utc_start_ms, e.utc_end_ms, e.comment, e.message);
    return Number(r.lastInsertRowid);
  }
  finishCatalogEntry(
    entryId: number,
    state: 'successful' | 'failed' | 'canceled',
    endMs: number,
    message: string | null = null,
  ): void {
    this.db
      .prepare('UPDATE catalog SET state_name = ?, utc_end_ms = ?, message = ? WHERE entry_id = ?')
      .run(state, endMs, message, entryId);
  }
  addCatalogFile(f: CatalogFile): void {
    this.db
      .prepare(
        `INSERT INTO catalog_files(database, backup_id, entry_id, source_id, source_type_name, service_type_name, host, backup_size,
          destination_type_name, destination_path, external_backup_id, redo_log_position, last_redo_log_position,
            utc_last_commit_ms)
         VALUES (@database, @backup_id, @entry_id, @source_id, @source_type_name, @service_type_name, @host, @backup_size,
          @destination_type_name, @destination_path, @external_backup_id, @redo_log_position, @last_redo_log_position,
            @utc_last_commit_ms)`,
      )
      .run(f);
  }
  catalog(database?: string): CatalogEntry[] {
    return (
      database
        ? this.db.prepare('SELECT * FROM catalog WHERE database = ? ORDER BY entry_id').all(database)
        : this.db.prepare('SELECT * FROM catalog ORDER BY entry_id').all()
    ) as CatalogEntry[];
  }
  catalogFiles(database?: string): CatalogFile[] {
    return (
      database
        ? this.db.prepare('SELECT * FROM catalog_files WHERE database = ? ORDER BY entry_id, source_id').all(database)
        : this.db.prepare('SELECT * FROM catalog_files ORDER BY entry_id, source_id').all()
    ) as CatalogFile[];
  }
}
