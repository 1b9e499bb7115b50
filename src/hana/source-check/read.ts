/**
 * What the backup source check reads, all without changing anything: a parameter file on a host (state and text),
 * and through the source catalog key on the TARGET host the source's catalog, its clock, and the catalog backups
 * HANA wrote through Backint. Identifiers reach SQL only as parsed values; file paths travel in variables.
 */
import type { RemoteConnection } from '../../sdk/platform.js';
import { runHdbsqlBatch } from '../hdbsql/batch.js';
import { HdbsqlError } from '../hdbsql/errors.js';
import type { HdbsqlTarget } from '../hdbsql/invocation.js';
import type { HdbsqlOutput } from '../hdbsql/output.js';
import type { AbsolutePath, TenantName } from '../identifiers.js';
import {
  CLOCK_QUERY,
  LOG_BACKUP_INTERVAL_QUERY,
  catalogQuery,
  parseCatalogRows,
  parseClock,
  parseLogBackupInterval,
  parseUtcMs,
  type CatalogBackup,
} from '../log-coverage/catalog.js';
import { runRemote } from '../remote/run.js';
import type { CatalogBackupFile } from './backups.js';

export type FileState = 'ok' | 'missing' | 'not-a-file' | 'unreadable';

export interface FileRead {
  state: FileState;
  text: string | null;
}

const FILE_SCRIPT = `f="$HANA_VDB_FILE"
if [ ! -e "$f" ]; then echo "@@HANA_VDB_STATE missing"; elif [ ! -f "$f" ]; then echo "@@HANA_VDB_STATE not-a-file"
elif [ ! -r "$f" ]; then echo "@@HANA_VDB_STATE unreadable"
else echo "@@HANA_VDB_STATE ok"; echo "@@HANA_VDB_TEXT $(base64 -w0 < "$f")"; fi`;

export async function readHostFile(connection: RemoteConnection, file: AbsolutePath): Promise<FileRead> {
  const res = await runRemote(connection, FILE_SCRIPT, { HANA_VDB_FILE: file }, { check: true });
  const state = (/^@@HANA_VDB_STATE (\S+)$/m.exec(res.stdout)?.[1] ?? 'missing') as FileState;
  const b64 = /^@@HANA_VDB_TEXT (\S*)$/m.exec(res.stdout)?.[1];
  return { state, text: state === 'ok' ? Buffer.from(b64 ?? '', 'base64').toString('utf8') : null };
}

/** The newest catalog backups written through Backint, newest first (what USING CATALOG BACKINT reads). */
export function catalogBackupsQuery(tenant: TenantName): string {
  return (
    'SELECT TOP 5 C.BACKUP_ID, C.UTC_START_TIME, C.UTC_END_TIME, F.DESTINATION_PATH, F.EXTERNAL_BACKUP_ID' +
    ' FROM SYS_DATABASES.M_BACKUP_CATALOG C JOIN SYS_DATABASES.M_BACKUP_CATALOG_FILES F ON F.BACKUP_ID = C.BACKUP_ID AND ' +
    'F.DATABASE_NAME = C.DATABASE_NAME' +
    ` WHERE C.DATABASE_NAME = '${tenant}' AND C.STATE_NAME = 'successful' AND F.SOURCE_TYPE_NAME = 'catalog'` +
    " AND F.DESTINATION_TYPE_NAME = 'backint' ORDER BY C.UTC_START_TIME DESC, C.BACKUP_ID DESC"
  );
}

export function parseCatalogBackups(out: HdbsqlOutput): CatalogBackupFile[] {
  return out.rows
    .filter((r) => r[0] && r[3] && r[4])
    .map(([id, start, end, path, ebid]) => ({
      backupId: id!,
      writtenMs: parseUtcMs(end ?? null, 'UTC_END_TIME') ?? parseUtcMs(start ?? null, 'UTC_START_TIME') ?? 0,
      path: path!,
      ebid: ebid!,
    }));
}

export interface SourceCatalogFacts {
  backups: CatalogBackup[];
  catalogBackups: CatalogBackupFile[];
  nowMs: number;
  logBackupIntervalSeconds: number | null;
}

const errorText = (e: HdbsqlError) => `[${e.code}] ${e.text}`;

/** The source's catalog through the source catalog key on the target host; a string says why it could not be read. */
export async function readSourceCatalog(
  connection: RemoteConnection,
  catalog: HdbsqlTarget,
  tenant: TenantName,
): Promise<SourceCatalogFacts | string> {
  const [cat, clock, ini, cats] = await runHdbsqlBatch(connection, catalog, [
    catalogQuery(tenant),
    CLOCK_QUERY,
    LOG_BACKUP_INTERVAL_QUERY,
    catalogBackupsQuery(tenant),
  ]);
  for (const r of [cat, clock, cats]) if (r instanceof HdbsqlError) return errorText(r);
  return {
    backups: parseCatalogRows(cat as HdbsqlOutput),
    nowMs: parseClock(clock as HdbsqlOutput),
    logBackupIntervalSeconds: ini instanceof HdbsqlError || !ini ? null : parseLogBackupInterval(ini, tenant),
    catalogBackups: parseCatalogBackups(cats as HdbsqlOutput),
  };
}
