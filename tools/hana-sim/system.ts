/**
 * One simulated HANA system: SYSTEMDB and tenants with their data files, sessions, application SQL with
 * every commit stamped in simulated time, tenant start/stop/create/drop, and dispatch of BACKUP and RECOVER.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseAdmin, type AdminStatement } from './admin-sql.js';
import type { BackintContext } from './backint-runner.js';
import type { BackintKind } from './system-core.js';
import { DbConnection } from './db-connection.js';
import { changeIni, readIni, type IniContents } from './global-ini.js';
import { HanaCode } from '../../src/hana/error-codes.js';
import { BackupLog } from './hana-log.js';
import { databaseTraceDir, systemPaths, tmpDir, type SystemPaths } from './paths.js';
import { defaultUsers, hanaPorts, type Privilege } from './spec.js';
import { errors, SqlError } from './sql-errors.js';
import { translate } from './sql-translate.js';
import { SystemState } from './state.js';
import { parseUtcLiteral } from './time-format.js';
import { runDataBackup, runLogBackups } from './backup.js';
import { runRecovery } from './recovery.js';
import { parseRootKeyStatement, runRootKeyStatement } from './root-key-sql.js';
import { FAULT_VIEWS, faultViewRows } from './system-faults.js';
import { beginTransition, refuseDuringTransition, refuseRecoveryDuringTransition, settleTransitions } from './transitions.js';
import type { ResolvedSystemSpec, SystemCore, SystemEnv } from './system-core.js';

export interface Session {
  database: string;
  user: string;
}

export type SqlResult = { kind: 'rows'; columns: string[]; rows: unknown[][] } | { kind: 'affected'; count: number };

/** HANA's defaults of the [backup] parameters the simulator acts on (SAP HANA configuration parameter reference). */
const BACKUP_DEFAULTS: Record<string, string> = {
  log_backup_using_backint: 'false',
  catalog_backup_using_backint: 'false',
};

const VIEW_SCHEMAS = new Set(['SYS', 'SYS_DATABASES', 'PUBLIC']);

export class SimSystem implements SystemCore {
  readonly paths: SystemPaths;
  readonly state: SystemState;
  private readonly conns = new Map<string, DbConnection>();
  private lastOpId = 0;

  constructor(
    readonly spec: ResolvedSystemSpec,
    readonly env: SystemEnv,
  ) {
    this.paths = systemPaths(env.root, spec);
    this.state = new SystemState(this.paths.stateDb);
    mkdirSync(this.paths.dataDir, { recursive: true });
  }

  /**
   * First start: databases and users. Later starts: a recovery that was running when the process died leaves its
   * tenant stopped.
   */
  initialize(): void {
    if (!this.state.database('SYSTEMDB')) {
      const services = this.spec.tenantServices;
      this.state.addDatabase('SYSTEMDB', 1, -1, ['nameserver']);
      this.spec.tenants.forEach((t, i) => this.state.addDatabase(t, 2 + i * services.length, i, services));
    }
    for (const u of defaultUsers(this.spec)) {
      const existing = this.state.user(u.database, u.name);
      this.state.upsertUser(u.database, u.name, existing?.password ?? randomBytes(12).toString('base64url'), u.privileges);
    }
    settleTransitions(this);
    for (const d of this.state.databases()) {
      if (d.recovering_op !== null) {
        this.state.setRecovering(d.name, null, true);
        this.state.setActive(d.name, 'NO', 'recovery interrupted');
      }
    }
  }

  close(): void {
    for (const c of this.conns.values()) c.close();
    this.conns.clear();
    this.state.close();
  }

  dataFile(database: string): string {
    return join(this.paths.dataDir, `${database}.sqlite`);
  }

  backupLog(database: string): BackupLog {
    return new BackupLog(join(databaseTraceDir(this.paths, database), 'backup.log'), this.spec.utcOffset, this.env.now);
  }

  /** How HANA calls Backint for one kind of backup: `-p` is global.ini's <kind>_backup_parameter_file. */
  backint(database: string, kind: BackintKind = 'data'): BackintContext {
    return {
      executable: this.paths.hdbbackint,
      parameterFile: this.backupParameter(`${kind}_backup_parameter_file`),
      tmpDir: tmpDir(this.env.root),
      sid: this.spec.sid,
      interfaceVersion: this.env.interfaceVersion,
      hanaSoftwareId: `HANA HDB server ${this.spec.version}`,
      responseTimeoutS: this.spec.backintResponseTimeoutS,
      traceFile: join(databaseTraceDir(this.paths, database), 'backint.log'),
      utcOffset: this.spec.utcOffset,
      now: this.env.now,
      streamPauseMs: this.env.faults.backupStreamPauseMs ?? 0,
    };
  }

  /** Backint -u of a database's backups: SID for SYSTEMDB (as in HANA's trace), DB@SID for tenants. */
  backintUser(database: string, sid = this.spec.sid): string {
    return database === 'SYSTEMDB' ? sid : `${database}@${sid}`;
  }

  /** Operation ids are the start time in epoch ms, kept unique when the simulated clock stands still. */
  nextOpId(): number {
    this.lastOpId = Math.max(this.env.now(), this.lastOpId + 1);
    return this.lastOpId;
  }

  /** The service and internal host:port of a database's volume (default: the master's), as backup.log prints them. */
  serviceAddress(database: string, volume?: number): { service: string; address: string; volume: number } {
    const d = this.state.database(database)!;
    const ports = hanaPorts(this.spec.instance, d.port_index < 0 ? undefined : d.port_index);
    const v = this.state.volumes(database).find((x) => x.volume === (volume ?? d.volume));
    return {
      service: v?.service ?? (database === 'SYSTEMDB' ? 'nameserver' : 'indexserver'),
      address: `${this.spec.host}:${ports.internal + (v?.port_offset ?? 0)}`,
      volume: volume ?? d.volume,
    };
  }

  /** The [backup] section a new system's global.ini starts with: Backint for data, logs and catalog. */
  defaultIniBackup(): Record<string, string> {
    return {
      log_backup_using_backint: 'true',
      catalog_backup_using_backint: 'true',
      data_backup_parameter_file: this.paths.backintParameterFile,
      log_backup_parameter_file: this.paths.backintParameterFile,
      catalog_backup_parameter_file: this.paths.backintParameterFile,
      log_backup_timeout_s: String(this.spec.logBackupTimeoutS),
      parallel_data_backup_backint_channels: String(this.spec.parallelDataBackupBackintChannels),
      backint_response_timeout: String(this.spec.backintResponseTimeoutS),
    };
  }

  /** global.ini as it is on disk now (ALTER SYSTEM ALTER CONFIGURATION and editors change it). */
  ini(): IniContents {
    return readIni(this.paths.globalIni);
  }

  /** A [backup] parameter of global.ini, or HANA's default when the file does not set it. */
  backupParameter(key: string): string | undefined {
    return this.ini().get('backup')?.get(key) ?? BACKUP_DEFAULTS[key];
  }

  /** log_backup_timeout_s as global.ini says now (simulated seconds; HANA's minimum interval applies). */
  logBackupTimeoutS(): number {
    const v = Number(this.backupParameter('log_backup_timeout_s'));
    return Number.isFinite(v) && v > 0 ? v : this.spec.logBackupTimeoutS;
  }

  connection(database: string): DbConnection {
    let c = this.conns.get(database);
    if (!c) {
      c = new DbConnection(this.dataFile(database), {
        system: this.spec,
        state: this.state,
        database,
        ini: () => this.ini(),
        extraViews: { columns: FAULT_VIEWS, rows: () => faultViewRows(this, database) },
      });
      this.conns.set(database, c);
    }
    return c;
  }

  /** Closes the SQL engine of a database (before its data file is replaced). */
  release(database: string): void {
    this.conns.get(database)?.close();
    this.conns.delete(database);
  }

  authenticate(database: string, user: string, password: string): Session {
    const d = this.state.database(database);
    if (!d) throw errors.unknownDatabase(database);
    const u = this.state.user(database, user);
    if (!u || u.password !== password) throw errors.authentication();
    if (d.active !== 'YES')
      throw new SqlError(
        -10709,
        `Connection failed (RTE:[89006] System call 'connect' failed, rc=111:Connection refused ` +
          `(database ${database} is not running))`,
        'HY000',
      );
    return { database, user };
  }

  has(session: Session, ...any: Privilege[]): boolean {
    const u = this.state.user(session.database, session.user);
    return !!u && any.some((p) => u.privileges.includes(p));
  }
  require(session: Session, ...any: Privilege[]): void {
    if (!this.has(session, ...any)) throw errors.insufficientPrivilege();
  }

  async execute(session: Session, sql: string): Promise<SqlResult> {
    const d = this.state.database(session.database);
    if (!d || d.active !== 'YES')
      throw new SqlError(HanaCode.connectionBroken, `Connection down: database ${session.database} is not running`, 'HY000');
    const rootKeys = parseRootKeyStatement(sql);
    if (rootKeys) {
      runRootKeyStatement(this, session, rootKeys);
      return { kind: 'affected', count: 0 };
    }
    const admin = parseAdmin(sql, parseUtcLiteral);
    if (admin) return this.executeAdmin(session, admin, sql);
    return this.executeApplication(session, sql);
  }

  private executeApplication(session: Session, sql: string): SqlResult {
    const conn = this.connection(session.database);
    const now = this.env.now();
    const userSchemas = new Set(this.state.users(session.database).map((u) => u.name));
    const tr = translate(sql, { nowMs: now, utcOffset: this.spec.utcOffset, user: session.user, userSchemas });
    let stmt;
    try {
      stmt = conn.db.prepare(tr.sql);
    } catch (e) {
      if ([...tr.schemas].some((s) => !VIEW_SCHEMAS.has(s) && !userSchemas.has(s)) && /no such table/i.test((e as Error).message)) {
        throw new SqlError(
          HanaCode.invalidSchemaName,
          `invalid schema name: ${[...tr.schemas].find((s) => !VIEW_SCHEMAS.has(s))}`,
          '3F000',
        );
      }
      throw errors.sqlite((e as Error).message);
    }
    if (stmt.reader) {
      conn.refresh(session.user);
      const rows = stmt.raw(true).all() as unknown[][];
      return { kind: 'rows', columns: stmt.columns().map((c) => c.name), rows };
    }
    if ([...tr.schemas].some((s) => VIEW_SCHEMAS.has(s))) throw errors.insufficientPrivilege();
    let changes: number;
    try {
      changes = stmt.run().changes;
    } catch (e) {
      throw errors.sqlite((e as Error).message);
    }
    this.state.commit(session.database, now, tr.sql);
    return { kind: 'affected', count: /^\s*(INSERT|UPDATE|DELETE|UPSERT|REPLACE)\b/i.test(tr.sql) ? changes : 0 };
  }

  private async executeAdmin(session: Session, s: AdminStatement, sql: string): Promise<SqlResult> {
    const none: SqlResult = { kind: 'affected', count: 0 };
    const inSystemDb = session.database === 'SYSTEMDB';
    switch (s.kind) {
      case 'start':
      case 'stop': {
        if (!inSystemDb) throw errors.notSupported('ALTER SYSTEM START/STOP DATABASE is only possible in the system database');
        this.require(session, s.kind === 'start' ? 'DATABASE START' : 'DATABASE STOP', 'DATABASE ADMIN');
        const d = refuseDuringTransition(this.tenant(s.database));
        if (d.recovering_op !== null)
          throw new SqlError(
            HanaCode.recoveryCouldNotBeCompleted,
            `recovery could not be completed: database ${s.database} is being recovered`,
          );
        if (s.kind === 'stop') {
          if (d.active === 'NO')
            throw new SqlError(HanaCode.cannotStopDatabase, `cannot stop database: database ${s.database} is not running`);
          this.release(s.database);
          beginTransition(this, s.database, 'stop');
        } else {
          if (d.active === 'YES')
            throw new SqlError(HanaCode.cannotStartDatabase, `cannot start database: database ${s.database} is already running`);
          if (d.needs_recovery)
            throw new SqlError(
              2000,
              `database ${s.database} cannot be started: its last recovery did not complete; recover it first`,
            );
          beginTransition(this, s.database, 'start');
        }
        return none;
      }
      case 'config':
        this.alterConfiguration(session, s);
        return none;
      case 'create':
        this.createDatabase(session, s.database);
        return none;
      case 'drop': {
        if (!inSystemDb) throw errors.notSupported('DROP DATABASE is only possible in the system database');
        this.require(session, 'DATABASE ADMIN');
        const d = this.tenant(s.database);
        if (d.active === 'YES')
          throw new SqlError(HanaCode.cannotStopDatabase, `cannot drop database: database ${s.database} is running; stop it first`);
        this.release(s.database);
        this.state.removeDatabase(s.database);
        rmSync(this.dataFile(s.database), { force: true });
        this.onDatabasesChanged();
        return none;
      }
      case 'backup': {
        const database = s.database ?? session.database;
        if (s.database && !inSystemDb)
          throw errors.notSupported('BACKUP DATA FOR <database> is only possible in the system database');
        this.require(session, 'DATABASE BACKUP OPERATOR', 'BACKUP ADMIN', 'DATABASE ADMIN');
        const d = database === 'SYSTEMDB' ? this.state.database('SYSTEMDB')! : this.tenant(database);
        if (d.active !== 'YES')
          throw new SqlError(HanaCode.backupFailed, `backup could not be completed: database ${database} is not running`);
        await runDataBackup(this, database, s.level, s.prefix, sql, s.comment);
        return none;
      }
      case 'recover': {
        if (!inSystemDb) throw errors.notSupported('RECOVER is only possible in the system database');
        if (!s.database || s.database === 'SYSTEMDB')
          throw errors.notSupported('recovery of the system database (use recoverSys.py); the simulator recovers tenants');
        this.require(session, 'DATABASE RECOVERY OPERATOR', 'DATABASE ADMIN');
        refuseRecoveryDuringTransition(this.tenant(s.database));
        await runRecovery(this, s, sql);
        return none;
      }
    }
  }

  /** CREATE DATABASE: a tenant with a volume per service, numbered after every existing volume. */
  private createDatabase(session: Session, database: string): void {
    if (session.database !== 'SYSTEMDB') throw errors.notSupported('CREATE DATABASE is only possible in the system database');
    this.require(session, 'DATABASE ADMIN');
    if (this.state.database(database) || database === 'SYSTEMDB')
      throw new SqlError(HanaCode.fatalError, `fatal error: database ${database} already exists`);
    this.state.addDatabase(
      database,
      Math.max(...this.state.volumes().map((v) => v.volume)) + 1,
      Math.max(...this.state.databases().map((d) => d.port_index)) + 1,
      this.spec.tenantServices,
    );
    this.state.upsertUser(database, 'SYSTEM', randomBytes(12).toString('base64url'), [
      'DATABASE ADMIN',
      'BACKUP ADMIN',
      'CATALOG READ',
    ]);
    this.onDatabasesChanged();
  }

  /** ALTER SYSTEM ALTER CONFIGURATION on global.ini's SYSTEM layer, written to the file at once. */
  private alterConfiguration(session: Session, s: Extract<AdminStatement, { kind: 'config' }>): void {
    if (s.file.toLowerCase() !== 'global.ini')
      throw errors.notSupported(`ALTER CONFIGURATION of ${s.file} (the simulator keeps global.ini only)`);
    if (s.layer !== 'SYSTEM')
      throw errors.notSupported(`ALTER CONFIGURATION on the ${s.layer} layer (the simulator keeps the SYSTEM layer only)`);
    if (session.database !== 'SYSTEMDB')
      throw errors.notSupported('changing the SYSTEM layer of global.ini is only possible in the system database');
    this.require(session, 'INIFILE ADMIN');
    try {
      changeIni(this.paths.globalIni, s.changes);
    } catch (e) {
      throw new SqlError(HanaCode.generalError, `general error: ${(e as Error).message}`);
    }
  }

  tenant(name: string) {
    const d = this.state.database(name);
    if (!d || name === 'SYSTEMDB') throw errors.unknownDatabase(name);
    return d;
  }

  /** Set by the server: a tenant was created or dropped (listeners). */
  onDatabasesChanged: () => void = () => undefined;

  /** Automatic log backups due at the current simulated time. */
  async logBackups(): Promise<void> {
    await runLogBackups(this);
  }

  dataFileExists(database: string): boolean {
    return existsSync(this.dataFile(database));
  }
}
