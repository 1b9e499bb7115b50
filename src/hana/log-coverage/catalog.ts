/**
 * The source tenant's backup catalog as the SYSTEMDB shows it (docs/reference/hana-recovery.md §3.1–3.3): successful data
 * and log backups with their files (one per volume, with its service), redo log positions and last commit times (UTC
 * columns only), plus the
 * source's clock and its log backup interval (global.ini [backup] log_backup_timeout_s). Catalog backups
 * (SOURCE_TYPE_NAME 'catalog') are not log coverage and are left out.
 */
import { DateTime } from 'luxon';
import { UserError } from '../../sdk/errors.js';
import type { HdbsqlOutput, HdbsqlValue } from '../hdbsql/output.js';
import type { TenantName } from '../identifiers.js';

export type DataBackupType = 'complete data backup' | 'differential data backup' | 'incremental data backup';
export const DATA_BACKUP_TYPES: readonly DataBackupType[] = [
  'complete data backup',
  'differential data backup',
  'incremental data backup',
];

export interface CatalogFile {
  sourceId: number;
  sourceType: string;
  /** The persistence service of the volume (indexserver, xsengine, dpserver, ...); '' when the row has none. */
  serviceType: string;
  destinationType: string;
  path: string;
  ebid: string | null;
  /** Data backups: where log replay starts. Log backups: first position held. */
  redoLogPosition: bigint | null;
  /** Log backups: last position held (the end of their last commit). */
  lastRedoLogPosition: bigint | null;
  /** Epoch ms of the last commit in the file (UTC_LAST_COMMIT_TIME), null when none. */
  lastCommitMs: number | null;
}

export interface CatalogBackup {
  backupId: string;
  entryType: DataBackupType | 'log backup';
  startMs: number;
  endMs: number | null;
  files: CatalogFile[];
}

export interface SourceCatalog {
  tenant: TenantName;
  backups: CatalogBackup[];
  /** The source HANA's clock when the catalog was read (CURRENT_UTCTIMESTAMP), epoch ms. */
  nowMs: number;
  /** global.ini [backup] log_backup_timeout_s, null when the source does not say. */
  logBackupIntervalSeconds: number | null;
}

/** One row per catalog file of the tenant's successful data and log backups, oldest first. */
export function catalogQuery(tenant: TenantName): string {
  return (
    'SELECT C.BACKUP_ID, C.ENTRY_TYPE_NAME, C.UTC_START_TIME, C.UTC_END_TIME, F.SOURCE_ID, F.SOURCE_TYPE_NAME, ' +
    'F.DESTINATION_TYPE_NAME,' +
    ' F.DESTINATION_PATH, F.EXTERNAL_BACKUP_ID, F.REDO_LOG_POSITION, F.LAST_REDO_LOG_POSITION, F.UTC_LAST_COMMIT_TIME,' +
    ' F.SERVICE_TYPE_NAME' +
    ' FROM SYS_DATABASES.M_BACKUP_CATALOG C JOIN SYS_DATABASES.M_BACKUP_CATALOG_FILES F ON F.BACKUP_ID = C.BACKUP_ID AND ' +
    'F.DATABASE_NAME = C.DATABASE_NAME' +
    ` WHERE C.DATABASE_NAME = '${tenant}' AND C.STATE_NAME = 'successful' AND F.SOURCE_TYPE_NAME <> 'catalog'` +
    " AND C.ENTRY_TYPE_NAME IN ('complete data backup', 'differential data backup', 'incremental data backup', 'log backup')" +
    ' ORDER BY C.UTC_START_TIME, C.BACKUP_ID, F.SOURCE_ID'
  );
}

export const CLOCK_QUERY = 'SELECT CURRENT_UTCTIMESTAMP FROM DUMMY';

/** Every layer's value; the most specific wins (DATABASE for the tenant, then HOST, SYSTEM, DEFAULT). */
export const LOG_BACKUP_INTERVAL_QUERY =
  "SELECT LAYER_NAME, TENANT_NAME, VALUE FROM SYS.M_INIFILE_CONTENTS WHERE FILE_NAME = 'global.ini' AND SECTION = " +
  "'backup' AND KEY = 'log_backup_timeout_s'";

function bad(what: string, value: unknown): never {
  throw new UserError(
    `The source backup catalog returned ${what} ${JSON.stringify(value)}, which could not be read.`,
    'Check that the source catalog key points at the source SYSTEMDB of a HANA 2.0 system.',
  );
}

/** A HANA UTC timestamp value ("2024-03-01 10:20:00.000000000") → epoch ms; null stays null. */
export function parseUtcMs(v: HdbsqlValue, what: string): number | null {
  if (v === null || v === '') return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/.exec(v.trim());
  if (!m) bad(what, v);
  const dt = DateTime.fromObject(
    {
      year: +m[1]!,
      month: +m[2]!,
      day: +m[3]!,
      hour: +m[4]!,
      minute: +m[5]!,
      second: +m[6]!,
      millisecond: m[7] ? Math.floor(+m[7].padEnd(9, '0') / 1e6) : 0,
    },
    { zone: 'utc' },
  );
  if (!dt.isValid) bad(what, v);
  return dt.toMillis();
}

function position(v: HdbsqlValue, what: string): bigint | null {
  if (v === null || v === '') return null;
  if (!/^\d{1,20}$/.test(v)) bad(what, v);
  return BigInt(v);
}

export function parseCatalogRows(out: HdbsqlOutput): CatalogBackup[] {
  const byId = new Map<string, CatalogBackup>();
  for (const r of out.rows) {
    if (r.length < 12) bad('a row of', r);
    const [id, type, start, end, sourceId, sourceType, destType, path, ebid, redo, lastRedo, lastCommit, service] = r;
    if (!id || !/^\d+$/.test(id)) bad('BACKUP_ID', id);
    if (type !== 'log backup' && !(DATA_BACKUP_TYPES as readonly string[]).includes(type ?? '')) bad('ENTRY_TYPE_NAME', type);
    let b = byId.get(id);
    if (!b) {
      b = {
        backupId: id,
        entryType: type as CatalogBackup['entryType'],
        startMs: parseUtcMs(start ?? null, 'UTC_START_TIME') ?? bad('UTC_START_TIME', start),
        endMs: parseUtcMs(end ?? null, 'UTC_END_TIME'),
        files: [],
      };
      byId.set(id, b);
    }
    if (!sourceId || !/^\d+$/.test(sourceId)) bad('SOURCE_ID', sourceId);
    b.files.push({
      sourceId: Number(sourceId),
      sourceType: sourceType ?? '',
      serviceType: service ?? '',
      destinationType: destType ?? '',
      path: path ?? '',
      ebid: ebid || null,
      redoLogPosition: position(redo ?? null, 'REDO_LOG_POSITION'),
      lastRedoLogPosition: position(lastRedo ?? null, 'LAST_REDO_LOG_POSITION'),
      lastCommitMs: parseUtcMs(lastCommit ?? null, 'UTC_LAST_COMMIT_TIME'),
    });
  }
  return [...byId.values()].sort((a, b) => a.startMs - b.startMs || (BigInt(a.backupId) < BigInt(b.backupId) ? -1 : 1));
}

export function parseClock(out: HdbsqlOutput): number {
  const v = out.rows[0]?.[0] ?? null;
  return parseUtcMs(v, 'CURRENT_UTCTIMESTAMP') ?? bad('CURRENT_UTCTIMESTAMP', v);
}

const LAYER_RANK: Record<string, number> = { DATABASE: 4, HOST: 3, SYSTEM: 2, DEFAULT: 1 };

export function parseLogBackupInterval(out: HdbsqlOutput, tenant: TenantName): number | null {
  let best: { rank: number; value: number } | null = null;
  for (const [layer, tenantName, value] of out.rows) {
    if (layer === 'DATABASE' && tenantName && tenantName !== tenant) continue;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) continue;
    const rank = LAYER_RANK[layer ?? ''] ?? 0;
    if (!best || rank > best.rank) best = { rank, value: n };
  }
  return best?.value ?? null;
}
