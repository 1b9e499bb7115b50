/**
 * Data, log and catalog backups through Backint, with catalog entries and backup.log lines as HANA
 * writes them (docs/reference/hana-recovery.md §4.3, docs/reference/samples/backint/hana-backup-log-logbackups).
 */
import { join } from 'node:path';
import { backupObjects, BackintFailure, type SavedObject } from './backint-runner.js';
import { databaseBackintDir } from './paths.js';
import { SqlError } from './sql-errors.js';
import type { SystemCore } from './system-core.js';

export interface TopologyImage {
  kind: 'topology';
  sid: string;
  database: string;
  backupId: number;
  level: string;
  redoLogPosition: number;
  lastCommitMs: number | null;
  startMs: number;
  channels: number;
}

export interface LogBackupImage {
  kind: 'log';
  sid: string;
  database: string;
  volume: number;
  first: number;
  last: number;
  commits: { position: number; utc_ms: number; sql: string }[];
}

export interface CatalogImage {
  kind: 'catalog';
  sid: string;
  database: string;
  backupId: number;
  entries: ReturnType<SystemCore['state']['catalog']>;
  files: ReturnType<SystemCore['state']['catalogFiles']>;
}

const ENTRY_TYPE = {
  complete: 'complete data backup',
  incremental: 'incremental data backup',
  differential: 'differential data backup',
} as const;
const LEVEL = { complete: 'COMPLETE', incremental: 'INCREMENTAL', differential: 'DIFFERENTIAL' } as const;

function failureText(e: unknown): { code: number; text: string } {
  if (e instanceof BackintFailure) return { code: e.code, text: e.hanaText };
  return { code: 2000008, text: (e as Error).message };
}

/** Resolves the BACKINT ('<prefix>') destination of a database; HANA's 110091 when outside backint/DB_<T>. */
export function dataDestination(sys: SystemCore, database: string, prefix: string): string {
  const dir = databaseBackintDir(sys.paths, database);
  if (!prefix.startsWith('/')) return join(dir, prefix);
  const mapped = prefix.startsWith('/usr/sap/') ? join(sys.paths.usrSap, prefix.slice('/usr/sap/'.length)) : prefix;
  if (!mapped.startsWith(dir + '/')) {
    throw new SqlError(
      447,
      `backup could not be completed: [110091] Invalid path selection for data backup using ` +
        `backint: ${prefix} must start with ${dir}`,
    );
  }
  return mapped;
}

type DatabaseRow = NonNullable<ReturnType<SystemCore['state']['database']>>;
type BackupPart = { path: string; data: Buffer; volume: number };

/** BACKUP DATA … USING BACKINT: a topology object and the volume's data over the configured channels. */
export async function runDataBackup(
  sys: SystemCore,
  database: string,
  level: keyof typeof ENTRY_TYPE,
  prefix: string,
  sqlText: string,
  comment?: string,
): Promise<void> {
  const dest = dataDestination(sys, database, prefix);
  const opId = sys.nextOpId();
  const log = sys.backupLog(database);
  const { service, address, volume } = sys.serviceAddress(database);
  const d = sys.state.database(database)!;
  const stateLine = (vol: number, s: string) =>
    log.write(opId, 'INFO', 'BACKUP', `state of service: ${service}, ${address}, volume: ${vol}, ${s}`);
  log.write(opId, 'INFO', 'BACKUP', `SAVE DATA started [${opId}]`);
  log.write(opId, 'INFO', 'BACKUP', `command: ${sqlText}`);
  const entryId = sys.state.addCatalogEntry({
    database,
    backup_id: opId,
    entry_type_name: ENTRY_TYPE[level],
    state_name: 'running',
    utc_start_ms: opId,
    utc_end_ms: null,
    comment: comment ?? null,
    message: null,
  });
  const { parts, total } = dataBackupParts(sys, database, level, dest, opId, d, volume);
  stateLine(0, 'BackupExecuteTopologyAndSSFSBackupInProgress');
  let saved: SavedObject[];
  try {
    saved = await backupObjects(sys.backint(database), sys.backintUser(database), opId, LEVEL[level], parts);
  } catch (e) {
    const f = failureText(e);
    stateLine(0, 'BackupError');
    stateLine(volume, 'BackupAbortSavepointInProgress');
    stateLine(volume, 'BackupAbortSavepointFinished');
    log.write(opId, 'ERROR', 'BACKUP', `SAVE DATA finished with error: [447] backup could not be completed, [${f.code}] ${f.text}`);
    sys.state.finishCatalogEntry(entryId, 'failed', sys.env.now(), `[447] backup could not be completed, [${f.code}] ${f.text}`);
    throw new SqlError(447, `backup could not be completed: [${f.code}] ${f.text}`);
  }
  stateLine(0, 'BackupExecuteTopologyAndSSFSBackupFinished');
  log.write(opId, 'INFO', 'BACKUP', `start of progress monitoring, volumes: 1, bytes: ${total}`);
  log.write(opId, 'INFO', 'BACKUP', `progress of service: ${service}, ${address}, volume: ${volume}, 0% 0/${total}`);
  log.write(opId, 'INFO', 'BACKUP', `progress of service: ${service}, ${address}, volume: ${volume}, 100% ${total}/${total}`);
  for (const [i, s] of saved.entries()) addDataBackupFile(sys, database, opId, entryId, parts[i]!, s, d);
  sys.state.finishCatalogEntry(entryId, 'successful', sys.env.now());
  log.write(opId, 'INFO', 'BACKUP', 'SAVE DATA finished successfully');
  await runCatalogBackup(sys, database);
}

/** The topology object (channel 0) and the database image split over the data backup channels. */
function dataBackupParts(
  sys: SystemCore,
  database: string,
  level: keyof typeof ENTRY_TYPE,
  dest: string,
  opId: number,
  d: DatabaseRow,
  volume: number,
): { parts: BackupPart[]; total: number } {
  const channels = Math.max(1, sys.spec.parallelDataBackupBackintChannels);
  const image = sys.connection(database).db.serialize();
  const topology: TopologyImage = {
    kind: 'topology',
    sid: sys.spec.sid,
    database,
    backupId: opId,
    level,
    redoLogPosition: d.position,
    lastCommitMs: d.last_commit_ms,
    startMs: opId,
    channels,
  };
  const parts: BackupPart[] = [{ path: `${dest}_databackup_0_1`, data: Buffer.from(JSON.stringify(topology)), volume: 0 }];
  const size = Math.ceil(image.length / channels);
  for (let c = 0; c < channels; c++)
    parts.push({ path: `${dest}_databackup_${volume}_${c + 1}`, data: image.subarray(c * size, (c + 1) * size), volume });
  return { parts, total: image.length };
}

function addDataBackupFile(
  sys: SystemCore,
  database: string,
  opId: number,
  entryId: number,
  part: BackupPart,
  s: SavedObject,
  d: DatabaseRow,
): void {
  sys.state.addCatalogFile({
    database,
    backup_id: opId,
    entry_id: entryId,
    source_id: part.volume,
    source_type_name: part.volume === 0 ? 'topology' : 'volume',
    service_type_name: sys.serviceAddress(database).service,
    host: sys.spec.host,
    backup_size: s.bytes,
    destination_type_name: 'backint',
    destination_path: s.path,
    external_backup_id: s.ebid,
    redo_log_position: d.position,
    last_redo_log_position: null,
    utc_last_commit_ms: d.last_commit_ms,
  });
}

/** Log backups of every database with commits since its last log backup. */
export async function runLogBackups(sys: SystemCore): Promise<void> {
  for (const d of sys.state.databases()) {
    if (d.position <= d.backed_up_position || d.recovering_op !== null) continue;
    await runLogBackup(sys, d.name);
  }
}

async function runLogBackup(sys: SystemCore, database: string): Promise<void> {
  const d = sys.state.database(database)!;
  const commits = sys.state.redoAfter(database, d.backed_up_position, d.position);
  const { service, address, volume } = sys.serviceAddress(database);
  const image: LogBackupImage = {
    kind: 'log',
    sid: sys.spec.sid,
    database,
    volume,
    first: d.backed_up_position,
    last: d.position,
    commits,
  };
  const data = Buffer.from(JSON.stringify(image));
  const path = join(databaseBackintDir(sys.paths, database), `log_backup_${volume}_0_${image.first}_${image.last}`);
  const opId = sys.nextOpId();
  const log = sys.backupLog(database);
  const entryId = sys.state.addCatalogEntry({
    database,
    backup_id: opId,
    entry_type_name: 'log backup',
    state_name: 'running',
    utc_start_ms: opId,
    utc_end_ms: null,
    comment: null,
    message: null,
  });
  log.write(opId, 'INFO', 'LOGBCKUP', `state of service: ${service}, ${address}, volume: ${volume}, BackupLogStarted`);
  log.write(opId, 'INFO', 'LOGBCKUP', `to backint: ${path}`);
  log.write(opId, 'INFO', 'LOGBCKUP', `start of progress monitoring, volumes: 1, bytes: ${data.length}`);
  log.write(opId, 'INFO', 'LOGBCKUP', `progress of service: ${service}, ${address}, volume: ${volume}, 0% 0/${data.length}`);
  let saved: SavedObject[];
  try {
    saved = await backupObjects(sys.backint(database, 'log'), sys.backintUser(database), opId, 'LOG', [{ path, data }]);
  } catch (e) {
    const f = failureText(e);
    log.write(opId, 'INFO', 'LOGBCKUP', `state of service: ${service}, ${address}, volume: ${volume}, BackupLogError`);
    log.write(opId, 'ERROR', 'LOGBCKUP', `log backup failed: [${f.code}] ${f.text}`);
    sys.state.finishCatalogEntry(entryId, 'failed', sys.env.now(), `[${f.code}] ${f.text}`);
    return; // the segment stays in the log area and is backed up at the next timeout
  }
  log.write(
    opId,
    'INFO',
    'LOGBCKUP',
    `progress of service: ${service}, ${address}, volume: ${volume}, 100% ${data.length}/${data.length}`,
  );
  log.write(opId, 'INFO', 'LOGBCKUP', `state of service: ${service}, ${address}, volume: ${volume}, BackupLogSuccess`);
  sys.state.addCatalogFile({
    database,
    backup_id: opId,
    entry_id: entryId,
    source_id: volume,
    source_type_name: 'volume',
    service_type_name: service,
    host: sys.spec.host,
    backup_size: saved[0]!.bytes,
    destination_type_name: 'backint',
    destination_path: path,
    external_backup_id: saved[0]!.ebid,
    redo_log_position: image.first,
    last_redo_log_position: image.last,
    utc_last_commit_ms: commits.length ? commits[commits.length - 1]!.utc_ms : null,
  });
  sys.state.finishCatalogEntry(entryId, 'successful', sys.env.now());
  sys.state.markBackedUp(database, image.last);
  await runCatalogBackup(sys, database);
}

/** The backup catalog of one database to `<backint>/<DB>/log_backup_0_0_0_0` (a new version every time). */
export async function runCatalogBackup(sys: SystemCore, database: string): Promise<void> {
  const opId = sys.nextOpId();
  const log = sys.backupLog(database);
  const { service, address } = sys.serviceAddress(database);
  const image: CatalogImage = {
    kind: 'catalog',
    sid: sys.spec.sid,
    database,
    backupId: opId,
    entries: sys.state.catalog(database),
    files: sys.state.catalogFiles(database),
  };
  const data = Buffer.from(JSON.stringify(image));
  const path = join(databaseBackintDir(sys.paths, database), 'log_backup_0_0_0_0');
  const entryId = sys.state.addCatalogEntry({
    database,
    backup_id: opId,
    entry_type_name: 'log backup',
    state_name: 'running',
    utc_start_ms: opId,
    utc_end_ms: null,
    comment: null,
    message: null,
  });
  log.write(opId, 'INFO', 'LOGBCKUP', `state of service: ${service}, ${address}, volume: 0, BackupExecuteCatalogBackupInProgress`);
  try {
    const [saved] = await backupObjects(sys.backint(database, 'catalog'), sys.backintUser(database), opId, 'LOG', [{ path, data }]);
    sys.state.addCatalogFile({
      database,
      backup_id: opId,
      entry_id: entryId,
      source_id: 0,
      source_type_name: 'catalog',
      service_type_name: service,
      host: sys.spec.host,
      backup_size: saved!.bytes,
      destination_type_name: 'backint',
      destination_path: path,
      external_backup_id: saved!.ebid,
      redo_log_position: null,
      last_redo_log_position: null,
      utc_last_commit_ms: null,
    });
    sys.state.finishCatalogEntry(entryId, 'successful', sys.env.now());
    log.write(opId, 'INFO', 'LOGBCKUP', `state of service: ${service}, ${address}, volume: 0, BackupExecuteCatalogBackupFinished`);
  } catch (e) {
    const f = failureText(e);
    sys.state.finishCatalogEntry(entryId, 'failed', sys.env.now(), `[${f.code}] ${f.text}`);
    log.write(opId, 'INFO', 'LOGBCKUP', `state of service: ${service}, ${address}, volume: 0, BackupExecuteCatalogBackupError`);
    log.write(opId, 'ERROR', 'LOGBCKUP', `catalog backup failed: [${f.code}] ${f.text}`);
  }
}
