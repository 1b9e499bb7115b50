/**
 * Data, log and catalog backups through Backint, with catalog entries and backup.log lines as HANA
 * writes them (docs/reference/hana-recovery.md §4.3, docs/reference/samples/backint/hana-backup-log-logbackups).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { backupObjects, BackintFailure, type SavedObject } from './backint-runner.js';
import { databaseBackintDir } from './paths.js';
import { SqlError } from './sql-errors.js';
import type { VolumeLogEntry } from './state.js';
import type { SystemCore } from './system-core.js';
import { HanaCode, HanaInnerCode } from '../../src/hana/error-codes.js';

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
  /** Every volume's log position at the backup (the master's is redoLogPosition). */
  volumes: { volume: number; service: string; position: number }[];
}

/** The data of a volume besides the master's: where its log stood (its share of the database is empty here). */
export interface VolumeImage {
  kind: 'volume';
  volume: number;
  service: string;
  position: number;
}

export interface LogBackupImage {
  kind: 'log';
  sid: string;
  database: string;
  volume: number;
  first: number;
  last: number;
  /** The master volume's commits. */
  commits: { position: number; utc_ms: number; sql: string }[];
  /** Another volume's share of each commit (seq = the commit's master position). */
  entries?: VolumeLogEntry[];
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
      `backup could not be completed: [${HanaInnerCode.invalidBackintPath}] Invalid path selection for data backup using ` +
        `backint: ${prefix} must start with ${dir}`,
    );
  }
  return mapped;
}

type DatabaseRow = NonNullable<ReturnType<SystemCore['state']['database']>>;
type BackupPart = { path: string; data: Buffer; volume: number; position: number };

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
  const { volume } = sys.serviceAddress(database);
  const d = sys.state.database(database)!;
  const stateLine = (vol: number, s: string) => {
    const a = sys.serviceAddress(database, vol || volume);
    log.write(opId, 'INFO', 'BACKUP', `state of service: ${a.service}, ${a.address}, volume: ${vol}, ${s}`);
  };
  const progress = (vol: number, text: string) => {
    const a = sys.serviceAddress(database, vol);
    log.write(opId, 'INFO', 'BACKUP', `progress of service: ${a.service}, ${a.address}, volume: ${vol}, ${text}`);
  };
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
    throw new SqlError(HanaCode.backupFailed, `backup could not be completed: [${f.code}] ${f.text}`);
  }
  stateLine(0, 'BackupExecuteTopologyAndSSFSBackupFinished');
  const volumes = new Map<number, number>();
  for (const p of parts.slice(1)) volumes.set(p.volume, (volumes.get(p.volume) ?? 0) + p.data.length);
  log.write(opId, 'INFO', 'BACKUP', `start of progress monitoring, volumes: ${volumes.size}, bytes: ${total}`);
  for (const [vol, bytes] of volumes) progress(vol, `0% 0/${bytes}`);
  for (const [vol, bytes] of volumes) progress(vol, `100% ${bytes}/${bytes}`);
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
  const others = sys.state.otherVolumes(database);
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
    volumes: [
      { volume, service: sys.serviceAddress(database).service, position: d.position },
      ...others.map((v) => ({ volume: v.volume, service: v.service, position: v.position })),
    ].sort((a, b) => a.volume - b.volume),
  };
  const parts: BackupPart[] = [
    { path: `${dest}_databackup_0_1`, data: Buffer.from(JSON.stringify(topology)), volume: 0, position: d.position },
  ];
  const size = Math.ceil(image.length / channels);
  for (const v of topology.volumes) {
    if (v.volume !== volume) {
      const data = Buffer.from(JSON.stringify({ kind: 'volume', ...v } satisfies VolumeImage));
      parts.push({ path: `${dest}_databackup_${v.volume}_1`, data, volume: v.volume, position: v.position });
      continue;
    }
    for (let c = 0; c < channels; c++) {
      const data = image.subarray(c * size, (c + 1) * size);
      parts.push({ path: `${dest}_databackup_${volume}_${c + 1}`, data, volume, position: d.position });
    }
  }
  return { parts, total: parts.slice(1).reduce((n, p) => n + p.data.length, 0) };
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
    service_type_name: sys.serviceAddress(database, part.volume || undefined).service,
    host: sys.spec.host,
    backup_size: s.bytes,
    destination_type_name: 'backint',
    destination_path: s.path,
    external_backup_id: s.ebid,
    redo_log_position: part.position,
    last_redo_log_position: null,
    utc_last_commit_ms: d.last_commit_ms,
  });
}

/**
 * Log backups of every database: one per volume whose log grew since its last log backup, then one catalog backup of
 * the database (HANA writes one after each log backup; one per database and round keeps the Backint calls few).
 */
export async function runLogBackups(sys: SystemCore): Promise<void> {
  for (const d of sys.state.databases()) {
    if (d.recovering_op !== null) continue;
    let saved = 0;
    for (const v of sys.state.volumes(d.name)) {
      const master = v.volume === d.volume;
      const [first, last] = master ? [d.backed_up_position, d.position] : [v.backed_up_position, v.position];
      if (last > first && (await runLogBackup(sys, d.name, v.volume, master, first, last))) saved++;
    }
    if (saved) await runCatalogBackup(sys, d.name);
  }
}

/** One volume's log from `first` to `last` to `log_backup_<volume>_0_<first>_<last>`; false when Backint failed. */
async function runLogBackup(
  sys: SystemCore,
  database: string,
  volume: number,
  master: boolean,
  first: number,
  last: number,
): Promise<boolean> {
  const commits = master ? sys.state.redoAfter(database, first, last) : [];
  const entries = master ? undefined : sys.state.volumeLogAfter(database, volume, first, last);
  const { service, address } = sys.serviceAddress(database, volume);
  const image: LogBackupImage = { kind: 'log', sid: sys.spec.sid, database, volume, first, last, commits, entries };
  const data = Buffer.from(JSON.stringify(image));
  const path = join(databaseBackintDir(sys.paths, database), `log_backup_${volume}_0_${first}_${last}`);
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
  const line = (text: string) => log.write(opId, 'INFO', 'LOGBCKUP', text);
  line(`state of service: ${service}, ${address}, volume: ${volume}, BackupLogStarted`);
  line(`to backint: ${path}`);
  line(`start of progress monitoring, volumes: 1, bytes: ${data.length}`);
  line(`progress of service: ${service}, ${address}, volume: ${volume}, 0% 0/${data.length}`);
  let saved: SavedObject[];
  try {
    saved = await backupObjects(sys.backint(database, 'log'), sys.backintUser(database), opId, 'LOG', [{ path, data }]);
  } catch (e) {
    const f = failureText(e);
    line(`state of service: ${service}, ${address}, volume: ${volume}, BackupLogError`);
    log.write(opId, 'ERROR', 'LOGBCKUP', `log backup failed: [${f.code}] ${f.text}`);
    sys.state.finishCatalogEntry(entryId, 'failed', sys.env.now(), `[${f.code}] ${f.text}`);
    return false; // the segment stays in the log area and is backed up at the next timeout
  }
  line(`progress of service: ${service}, ${address}, volume: ${volume}, 100% ${data.length}/${data.length}`);
  line(`state of service: ${service}, ${address}, volume: ${volume}, BackupLogSuccess`);
  const lastMs = master ? commits[commits.length - 1]?.utc_ms : entries![entries!.length - 1]?.utc_ms;
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
    redo_log_position: first,
    last_redo_log_position: last,
    utc_last_commit_ms: lastMs ?? null,
  });
  sys.state.finishCatalogEntry(entryId, 'successful', sys.env.now());
  sys.state.markVolumeBackedUp(database, volume, last);
  return true;
}

/**
 * catalog_backup_using_backint = false: the catalog backup goes to the file system, basepath_catalogbackup (default
 * $(DIR_INSTANCE)/backup/log), as `log_backup_0_0_0_0.<backup id>` (sample: `using backup catalog 1590125350164 from
 * /hana_log_archive/LM1/log_backup_0_0_0_0.1590125350164`). A recovery USING CATALOG BACKINT does not see it.
 */
function catalogToFile(sys: SystemCore, database: string, opId: number, data: Buffer): { path: string; bytes: number; ebid: null } {
  const base = sys.backupParameter('basepath_catalogbackup') ?? join(sys.paths.instanceDir, 'backup', 'log');
  const path = join(base, database === 'SYSTEMDB' ? 'SYSTEMDB' : `DB_${database}`, `log_backup_0_0_0_0.${opId}`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, data);
  return { path, bytes: data.length, ebid: null };
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
    const saved =
      sys.backupParameter('catalog_backup_using_backint') === 'true'
        ? (await backupObjects(sys.backint(database, 'catalog'), sys.backintUser(database), opId, 'LOG', [{ path, data }]))[0]
        : catalogToFile(sys, database, opId, data);
    sys.state.addCatalogFile({
      database,
      backup_id: opId,
      entry_id: entryId,
      source_id: 0,
      source_type_name: 'catalog',
      service_type_name: service,
      host: sys.spec.host,
      backup_size: saved!.bytes,
      destination_type_name: saved!.ebid === null ? 'file' : 'backint',
      destination_path: saved!.path,
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
