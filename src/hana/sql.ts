/**
 * SQL statement builders. Every statement is built only from branded identifiers (identifiers.ts) and
 * HANA timestamp literals (time.ts), so nothing a user typed reaches SQL unvalidated. One statement per string:
 * hdbsql runs each in its own call (docs/reference/hana-recovery.md §2.4).
 */
import { UserError } from '../sdk/errors.js';
import type { Sid, TenantName } from './identifiers.js';
import type { HanaTimestampLiteral } from './time.js';

/** Where the source's backups live. Contract enum of linkedSourceDefinition.backupSource. */
export type BackupSource = 'COMMVAULT_BACKINT' | 'S3_BACKINT';
export const BACKUP_SOURCES: readonly BackupSource[] = ['COMMVAULT_BACKINT', 'S3_BACKINT'];

export function stopDatabase(tenant: TenantName): string {
  return `ALTER SYSTEM STOP DATABASE ${tenant}`;
}

export function startDatabase(tenant: TenantName): string {
  return `ALTER SYSTEM START DATABASE ${tenant}`;
}

/** One row: DATABASE_NAME, ACTIVE_STATUS ('YES'/'NO'); no row = no such tenant. Run on SYSTEMDB. */
export function databaseStatus(tenant: TenantName): string {
  return `SELECT DATABASE_NAME, ACTIVE_STATUS FROM SYS.M_DATABASES WHERE DATABASE_NAME = '${tenant}'`;
}

/** All databases of the system (SYSTEMDB included): DATABASE_NAME, ACTIVE_STATUS. */
export function listDatabases(): string {
  return 'SELECT DATABASE_NAME, ACTIVE_STATUS FROM SYS.M_DATABASES ORDER BY DATABASE_NAME';
}

/** HANA's own clock, UTC. The dSource snapshot's takenAt comes from the database whose logs we recover. */
export function currentUtcTimestamp(): string {
  return 'SELECT CURRENT_UTCTIMESTAMP FROM DUMMY';
}

/**
 * Successful backups of a tenant in the Backint catalog, oldest first (docs/reference/hana-recovery.md §3.2), UTC columns only.
 * Columns: BACKUP_ID, ENTRY_TYPE_NAME, STATE_NAME, UTC_START_TIME, UTC_END_TIME.
 */
export function tenantBackintBackups(tenant: TenantName): string {
  return (
    'SELECT C.BACKUP_ID, C.ENTRY_TYPE_NAME, C.STATE_NAME, C.UTC_START_TIME, C.UTC_END_TIME' +
    ' FROM SYS_DATABASES.M_BACKUP_CATALOG C' +
    ` WHERE C.DATABASE_NAME = '${tenant}' AND C.STATE_NAME = 'successful'` +
    ' ORDER BY C.UTC_END_TIME'
  );
}

export interface RecoverTenantSpec {
  target: TenantName;
  until: HanaTimestampLiteral;
  sourceTenant: TenantName;
  sourceSid: Sid;
  /** Optional: the statement is the same for every Backint source (see below); VDB operations do not know it. */
  backupSource?: BackupSource;
  /** CHECK ACCESS USING BACKINT (default true): a per-dSource choice, off for a tool that cannot serve it. */
  checkAccess?: boolean;
}

/**
 * Point-in-time copy of a tenant from another system's Backint backups (docs/reference/hana-recovery.md §1.5):
 *   RECOVER DATABASE FOR <target> UNTIL TIMESTAMP '<t>' CLEAR LOG USING SOURCE '<srcT>@<srcSID>'
 *     USING CATALOG BACKINT CHECK ACCESS USING BACKINT
 * CLEAR LOG: the target's log area has nothing to do with the source. CHECK ACCESS: missing backups stop the
 * recovery before data is changed.
 *
 * COMMVAULT_BACKINT and S3_BACKINT produce the same SQL: HANA speaks the same Backint interface to either
 * agent, and what differs (which agent, how it finds the source's namespace: Commvault's CvInstanceName /
 * CvClientName parameters vs the S3 agent's bucket and prefix) lives in the Backint parameter file that the
 * target's global.ini names, not in the statement. `backupSource` is taken here so the one place that would
 * change if a source ever needed different clauses is this function.
 */
export function recoverTenantUntil(spec: RecoverTenantSpec): string {
  return (
    `RECOVER DATABASE FOR ${spec.target} UNTIL TIMESTAMP '${spec.until}' CLEAR LOG` +
    ` USING SOURCE '${spec.sourceTenant}@${spec.sourceSid}' ${backintClauses(spec)}`
  );
}

export interface RecoverTenantToPositionSpec {
  target: TenantName;
  /** Decimal digits (a log position HANA reported). */
  logPosition: string;
  volume: number;
  sourceTenant: TenantName;
  sourceSid: Sid;
  backupSource?: BackupSource;
  checkAccess?: boolean;
}

/**
 * Recovery to an exact point (a pinned snapshot): UNTIL LOG POSITION <pos> AT VOLUME <volume> (docs/reference/hana-recovery.md
 * §1.2: the mode
 * exists, the text is the digest's synthesis [U]); same clauses otherwise. A timestamp cannot be exact: HANA's
 * reached timestamp has second precision while commits within that second may differ between recoveries.
 */
export function recoverTenantUntilLogPosition(spec: RecoverTenantToPositionSpec): string {
  if (!/^\d{1,20}$/.test(spec.logPosition))
    throw new UserError(
      `Invalid log position ${JSON.stringify(spec.logPosition)}.`,
      'A log position is decimal digits, as HANA reports it.',
    );
  if (!Number.isInteger(spec.volume) || spec.volume < 0)
    throw new UserError(`Invalid log volume ${String(spec.volume)}.`, 'A volume id is a whole number.');
  return (
    `RECOVER DATABASE FOR ${spec.target} UNTIL LOG POSITION ${spec.logPosition} AT VOLUME ${spec.volume} CLEAR LOG` +
    ` USING SOURCE '${spec.sourceTenant}@${spec.sourceSid}' ${backintClauses(spec)}`
  );
}

function backintClauses(spec: { backupSource?: BackupSource; checkAccess?: boolean }): string {
  const checkAccess = spec.checkAccess ?? true;
  switch (spec.backupSource ?? 'S3_BACKINT') {
    case 'COMMVAULT_BACKINT':
    case 'S3_BACKINT':
      return checkAccess ? 'USING CATALOG BACKINT CHECK ACCESS USING BACKINT' : 'USING CATALOG BACKINT';
  }
}

/** Parse linkedSourceDefinition.backupSource (schema default S3_BACKINT when absent). */
export function parseBackupSource(value: unknown, field = 'backupSource'): BackupSource {
  if (value === undefined) return 'S3_BACKINT';
  if (typeof value === 'string' && (BACKUP_SOURCES as readonly string[]).includes(value)) return value as BackupSource;
  throw new UserError(
    `Invalid ${field}: ${JSON.stringify(value)} is not a known backup source.`,
    `Use one of ${BACKUP_SOURCES.join(', ')}.`,
  );
}

/** Whitespace- and case-insensitive form of a statement, to find our RECOVER in backup.log's `command:` echo. */
export function normalizeStatement(sql: string): string {
  return sql.replace(/\s+/g, ' ').trim().toUpperCase();
}

/** The server's version, e.g. `2.00.076.00.1705400033` (docs/reference/hana-recovery.md §9.3). */
export function databaseVersion(): string {
  return 'SELECT VERSION FROM SYS.M_DATABASE';
}

/** global.ini [backup] on every layer (FILE_NAME, LAYER_NAME, TENANT_NAME, HOST, SECTION, KEY, VALUE). Run on SYSTEMDB. */
export function globalIniBackupSection(): string {
  return (
    'SELECT FILE_NAME, LAYER_NAME, TENANT_NAME, HOST, SECTION, KEY, VALUE FROM SYS.M_INIFILE_CONTENTS' +
    " WHERE FILE_NAME = 'global.ini' AND SECTION = 'backup'"
  );
}

/** The secondaries a system replication primary ships to (one row each); no row on a system without replication. */
export function systemReplication(): string {
  return 'SELECT SECONDARY_SITE_NAME, REPLICATION_STATUS FROM SYS.M_SYSTEM_REPLICATION';
}

/** Whether encryption is on, per SCOPE (PERSISTENCE, LOG, BACKUP); IS_ENCRYPTION_ACTIVE 'TRUE'/'FALSE'. */
export function encryptionOverview(): string {
  return 'SELECT SCOPE, IS_ENCRYPTION_ACTIVE FROM SYS.M_ENCRYPTION_OVERVIEW';
}

/**
 * The backup root keys the system holds (on SYSTEMDB: every database's, TENANT_NAME = the database, NULL for
 * SYSTEMDB's own); imported keys of another system appear with that system's ROOT_KEY_HASH.
 */
export function backupRootKeys(): string {
  return 'SELECT ROOT_KEY_HASH, IS_USED, TENANT_NAME FROM SYS.ENCRYPTION_ROOT_KEYS' + " WHERE ROOT_KEY_TYPE = 'BACKUP'";
}
