/**
 * The SQL engine of one database: its data file in SQLite as `main`, with the monitoring views attached as
 * schemas SYS (and, on SYSTEMDB, SYS_DATABASES) and PUBLIC, so `SYS_DATABASES.M_BACKUP_CATALOG` and
 * unqualified `M_DATABASES` resolve as in HANA. The views are refilled from the system state before each
 * statement that reads them.
 */
import Database from 'better-sqlite3';
import type { IniContents } from './global-ini.js';
import { registerFunctions } from './sql-functions.js';
import type { CatalogEntry, CatalogFile, SystemState } from './state.js';
import { hanaPorts, type SystemSpec } from './spec.js';
import { sqlTimestamp } from './time-format.js';

const CATALOG_COLS = [
  'ENTRY_ID',
  'ENTRY_TYPE_NAME',
  'BACKUP_ID',
  'SYS_START_TIME',
  'UTC_START_TIME',
  'SYS_END_TIME',
  'UTC_END_TIME',
  'STATE_NAME',
  'COMMENT',
  'MESSAGE',
  'SYSTEM_ID',
];
const FILES_COLS = [
  'HOST',
  'SERVICE_TYPE_NAME',
  'ENTRY_ID',
  'BACKUP_ID',
  'SOURCE_ID',
  'SOURCE_TYPE_NAME',
  'BACKUP_SIZE',
  'DESTINATION_TYPE_NAME',
  'DESTINATION_PATH',
  'EXTERNAL_BACKUP_ID',
  'REDO_LOG_POSITION',
  'LAST_REDO_LOG_POSITION',
  'UTC_LAST_COMMIT_TIME',
  'SYS_LAST_COMMIT_TIME',
];
const VIEWS: Record<string, string[]> = {
  M_DATABASES: [
    'DATABASE_NAME',
    'DESCRIPTION',
    'ACTIVE_STATUS',
    'ACTIVE_STATUS_DETAILS',
    'OS_USER',
    'OS_GROUP',
    'RESTART_MODE',
    'FALLBACK_SNAPSHOT_CREATE_TIME',
  ],
  M_DATABASE: ['SYSTEM_ID', 'DATABASE_NAME', 'HOST', 'START_TIME', 'VERSION', 'USAGE'],
  M_BACKUP_CATALOG: CATALOG_COLS,
  M_BACKUP_CATALOG_FILES: FILES_COLS,
  DUMMY: ['DUMMY'],
  USERS: ['USER_NAME', 'USER_DEACTIVATED'],
  M_VOLUMES: ['HOST', 'PORT', 'SERVICE_NAME', 'VOLUME_ID', 'SUBPATH'],
  M_INIFILE_CONTENTS: ['FILE_NAME', 'LAYER_NAME', 'TENANT_NAME', 'HOST', 'SECTION', 'KEY', 'VALUE'],
};

export interface ConnectionContext {
  system: Required<Pick<SystemSpec, 'sid' | 'host' | 'utcOffset' | 'version' | 'instance'>>;
  state: SystemState;
  database: string;
  /** global.ini as it is now (read for every statement that reads the views). */
  ini: () => IniContents;
  /** Further SYS views (system-faults.ts): their columns, and their rows refilled before each read. */
  extraViews?: { columns: Record<string, string[]>; rows: () => Record<string, unknown[][]> };
}

function create(db: Database.Database, schema: string, table: string, cols: string[]): void {
  db.exec(`CREATE TABLE ${schema}.${table} (${cols.map((c) => `"${c}"`).join(', ')})`);
}

function fill(db: Database.Database, schema: string, table: string, cols: string[], rows: unknown[][]): void {
  db.prepare(`DELETE FROM ${schema}.${table}`).run();
  const ins = db.prepare(`INSERT INTO ${schema}.${table} VALUES (${cols.map(() => '?').join(', ')})`);
  for (const r of rows) ins.run(...r);
}

export class DbConnection {
  readonly db: Database.Database;
  private readonly isSystemDb: boolean;
  constructor(
    file: string,
    private readonly ctx: ConnectionContext,
  ) {
    this.db = new Database(file);
    this.isSystemDb = ctx.database === 'SYSTEMDB';
    registerFunctions(this.db);
    this.db.exec(`ATTACH ':memory:' AS SYS; ATTACH ':memory:' AS PUBLIC;`);
    for (const [t, cols] of Object.entries(VIEWS)) create(this.db, 'SYS', t, cols);
    for (const [t, cols] of Object.entries(ctx.extraViews?.columns ?? {})) create(this.db, 'SYS', t, cols);
    create(this.db, 'PUBLIC', 'EFFECTIVE_PRIVILEGES', [
      'USER_NAME',
      'GRANTEE',
      'GRANTEE_TYPE',
      'PRIVILEGE',
      'OBJECT_TYPE',
      'IS_VALID',
      'IS_GRANTABLE',
    ]);
    if (this.isSystemDb) {
      this.db.exec(`ATTACH ':memory:' AS SYS_DATABASES;`);
      create(this.db, 'SYS_DATABASES', 'M_BACKUP_CATALOG', ['DATABASE_NAME', ...CATALOG_COLS]);
      create(this.db, 'SYS_DATABASES', 'M_BACKUP_CATALOG_FILES', ['DATABASE_NAME', ...FILES_COLS]);
      create(this.db, 'SYS_DATABASES', 'M_DATABASES', VIEWS.M_DATABASES!);
      create(this.db, 'SYS_DATABASES', 'M_VOLUMES', ['DATABASE_NAME', ...VIEWS.M_VOLUMES!]);
    }
  }

  close(): void {
    this.db.close();
  }

  /** Refills the monitoring views for `user`. */
  refresh(user: string): void {
    const { state, system, database } = this.ctx;
    const rows = catalogRows(system.utcOffset, system.sid);
    const dbRows = state
      .databases()
      .filter((d) => this.isSystemDb || d.name === database)
      .map((d) => [
        d.name,
        d.name === 'SYSTEMDB' ? 'SystemDB-' + system.sid : `${d.name} tenant of ${system.sid}`,
        d.active,
        d.details,
        '',
        '',
        'DEFAULT',
        null,
      ]);
    fill(this.db, 'SYS', 'M_DATABASES', VIEWS.M_DATABASES!, dbRows);
    fill(this.db, 'SYS', 'M_DATABASE', VIEWS.M_DATABASE!, [[system.sid, database, system.host, null, system.version, 'CUSTOM']]);
    fill(this.db, 'SYS', 'M_BACKUP_CATALOG', CATALOG_COLS, state.catalog(database).map(rows.entry));
    fill(this.db, 'SYS', 'M_BACKUP_CATALOG_FILES', FILES_COLS, state.catalogFiles(database).map(rows.file));
    fill(this.db, 'SYS', 'DUMMY', ['DUMMY'], [['X']]);
    const volumes = volumeRows(state, system);
    fill(
      this.db,
      'SYS',
      'M_VOLUMES',
      VIEWS.M_VOLUMES!,
      volumes.filter((v) => v[0] === database).map((v) => v.slice(1)),
    );
    fill(
      this.db,
      'SYS',
      'USERS',
      VIEWS.USERS!,
      state.users(database).map((u) => [u.name, 'FALSE']),
    );
    const ini = [...this.ctx.ini().entries()].flatMap(([section, keys]) =>
      [...keys.entries()].map(([k, v]) => ['global.ini', 'SYSTEM', '', '', section, k, v]),
    );
    fill(this.db, 'SYS', 'M_INIFILE_CONTENTS', VIEWS.M_INIFILE_CONTENTS!, ini);
    const extra = this.ctx.extraViews;
    for (const [t, r] of Object.entries(extra?.rows() ?? {})) fill(this.db, 'SYS', t, extra!.columns[t]!, r);
    const me = state.user(database, user);
    fill(
      this.db,
      'PUBLIC',
      'EFFECTIVE_PRIVILEGES',
      ['USER_NAME', 'GRANTEE', 'GRANTEE_TYPE', 'PRIVILEGE', 'OBJECT_TYPE', 'IS_VALID', 'IS_GRANTABLE'],
      (me?.privileges ?? []).map((p) => [user, user, 'USER', p, 'SYSTEMPRIVILEGE', 'TRUE', 'FALSE']),
    );
    if (this.isSystemDb) {
      const entries = state.catalog().map((e) => [e.database, ...rows.entry(e)]);
      const files = state.catalogFiles().map((f) => [f.database, ...rows.file(f)]);
      fill(this.db, 'SYS_DATABASES', 'M_BACKUP_CATALOG', ['DATABASE_NAME', ...CATALOG_COLS], entries);
      fill(this.db, 'SYS_DATABASES', 'M_BACKUP_CATALOG_FILES', ['DATABASE_NAME', ...FILES_COLS], files);
      fill(this.db, 'SYS_DATABASES', 'M_DATABASES', VIEWS.M_DATABASES!, dbRows);
      fill(this.db, 'SYS_DATABASES', 'M_VOLUMES', ['DATABASE_NAME', ...VIEWS.M_VOLUMES!], volumes);
    }
  }
}

/** M_VOLUMES rows of every database: DATABASE_NAME, HOST, PORT, SERVICE_NAME, VOLUME_ID, SUBPATH (mnt00001/hdb0000<v>). */
function volumeRows(state: SystemState, system: ConnectionContext['system']): unknown[][] {
  const dbs = new Map(state.databases().map((d) => [d.name, d]));
  return state.volumes().map((v) => {
    const d = dbs.get(v.database)!;
    const port = hanaPorts(system.instance, d.port_index < 0 ? undefined : d.port_index).internal + v.port_offset;
    return [v.database, system.host, port, v.service, v.volume, `mnt00001/hdb${String(v.volume).padStart(5, '0')}`];
  });
}

/** Catalog rows in the views' column order: SYS_* columns in the host's local time, UTC_* in UTC. */
function catalogRows(utcOffset: string, sid: string) {
  const ts = (m: number | null) => (m === null ? null : sqlTimestamp(m, '+00:00'));
  const local = (m: number | null) => (m === null ? null : sqlTimestamp(m, utcOffset));
  return {
    entry: (e: CatalogEntry) => [
      e.entry_id,
      e.entry_type_name,
      e.backup_id,
      local(e.utc_start_ms),
      ts(e.utc_start_ms),
      local(e.utc_end_ms),
      ts(e.utc_end_ms),
      e.state_name,
      e.comment,
      e.message,
      sid,
    ],
    file: (f: CatalogFile) => [
      f.host,
      f.service_type_name,
      f.entry_id,
      f.backup_id,
      f.source_id,
      f.source_type_name,
      f.backup_size,
      f.destination_type_name,
      f.destination_path,
      f.external_backup_id,
      f.redo_log_position,
      f.last_redo_log_position,
      ts(f.utc_last_commit_ms),
      local(f.utc_last_commit_ms),
    ],
  };
}
