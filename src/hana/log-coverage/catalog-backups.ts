/**
 * The backup catalog HANA itself recovers with (docs/reference/hana-recovery.md §9.2): `RECOVER … USING CATALOG BACKINT`
 * reads the newest version of `log_backup_0_0_0_0` that the TARGET's Backint agent lists and plans only from it. HANA
 * writes a catalog backup after each data and log backup, and it reaches the tool with the same lag as the logs (or not
 * at all while the source writes its catalog to files), so a log backup can be in the tool before any catalog that
 * lists it. The source's SQL catalog names every catalog backup (SOURCE_TYPE_NAME 'catalog') with its EBID; asking the
 * tool about them tells which one HANA would read.
 */
import { UserError } from '../../sdk/errors.js';
import type { HdbsqlOutput } from '../hdbsql/output.js';
import type { TenantName } from '../identifiers.js';
import { parseUtcMs } from './catalog.js';
import type { Visibility } from './inquire.js';

export interface CatalogBackupCopy {
  backupId: string;
  /** When HANA began writing it: it lists every backup that had finished by then. */
  startMs: number;
  path: string;
  ebid: string;
}

/** The tenant's successful catalog backups to Backint, oldest first. */
export function catalogBackupsQuery(tenant: TenantName): string {
  return (
    'SELECT C.BACKUP_ID, C.UTC_START_TIME, F.DESTINATION_PATH, F.EXTERNAL_BACKUP_ID' +
    ' FROM SYS_DATABASES.M_BACKUP_CATALOG C JOIN SYS_DATABASES.M_BACKUP_CATALOG_FILES F ON F.BACKUP_ID = C.BACKUP_ID AND ' +
    'F.DATABASE_NAME = C.DATABASE_NAME' +
    ` WHERE C.DATABASE_NAME = '${tenant}' AND C.STATE_NAME = 'successful' AND F.SOURCE_TYPE_NAME = 'catalog'` +
    " AND F.DESTINATION_TYPE_NAME = 'backint' ORDER BY C.UTC_START_TIME, C.BACKUP_ID"
  );
}

export function parseCatalogBackupRows(out: HdbsqlOutput): CatalogBackupCopy[] {
  return out.rows.map((r) => {
    const [id, start, path, ebid] = r;
    if (!id || !/^\d+$/.test(id) || !path || !ebid) {
      throw new UserError(
        `The source backup catalog returned the catalog backup row ${JSON.stringify(r)}, which could not be read.`,
        'Check that the source catalog key points at the source SYSTEMDB of a HANA 2.0 system.',
      );
    }
    const startMs = parseUtcMs(start ?? null, 'UTC_START_TIME');
    if (startMs === null)
      throw new UserError(`A catalog backup of the source has no UTC_START_TIME (backup id ${id}).`, 'Check the source catalog.');
    return { backupId: id, startMs, path, ebid };
  });
}

/** Does this catalog backup list a backup HANA finished writing at `writtenMs`? */
export const catalogLists = (c: CatalogBackupCopy, writtenMs: number): boolean => writtenMs <= c.startMs;

/** Only catalog backups written after the newest data backup the recovery uses can plan it: the ones worth asking about. */
export function catalogsAfter(all: readonly CatalogBackupCopy[], dataWrittenMs: number | null): CatalogBackupCopy[] {
  return dataWrittenMs === null ? [] : all.filter((c) => catalogLists(c, dataWrittenMs));
}

/** The catalog backup HANA would read: the newest the tool shows. */
export function newestVisibleCatalog(
  catalogs: readonly CatalogBackupCopy[],
  visibility: ReadonlyMap<string, Visibility>,
): CatalogBackupCopy | null {
  const shown = catalogs.filter((c) => visibility.get(c.ebid)?.visible === true);
  return shown.sort((a, b) => a.startMs - b.startMs || (BigInt(a.backupId) < BigInt(b.backupId) ? -1 : 1)).pop() ?? null;
}
