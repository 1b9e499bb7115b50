/**
 * The recovery strategy HANA determines from the backup catalog (docs/reference/hana-recovery.md §4.4): the data
 * backups to restore and, for every volume of the source, the chain of its log backups. A tenant has one volume per
 * service; each volume's log backups are `log_backup_<volume>_0_<first>_<last>` and every volume needs its own chain.
 */
import type { AdminStatement } from './admin-sql.js';
import type { CatalogImage } from './backup.js';
import { HanaCode, HanaInnerCode, HanaText } from '../../src/hana/error-codes.js';
import type { CatalogEntry, CatalogFile } from './state.js';

export type Recover = Extract<AdminStatement, { kind: 'recover' }>;

/** A recovery failure as backup.log and the SQL client report it. */
export class RecoveryError extends Error {
  constructor(
    readonly code: 448 | 449,
    readonly detail: string,
    readonly volume: number,
    readonly position: number,
    /** What the SQL client prints when a published client text differs from the generic form (e.g. the SR 448). */
    private readonly clientOverride?: string,
  ) {
    super(detail);
  }
  private get head(): string {
    return this.code === 448 ? HanaText.recoveryCouldNotBeCompleted : HanaText.recoveryStrategyCouldNotBeDetermined;
  }
  /** backup.log's form (SAP Note 1779221: `[449] recovery strategy could not be determined, volume 1, reached …`). */
  get text(): string {
    return `${this.head}, volume ${this.volume}, reached log position ${this.position}, ${this.detail}`;
  }
  /** The client's form (AWS Backup developer guide: `* 449: recovery strategy could not be determined: [111014] …`). */
  get clientText(): string {
    return this.clientOverride ?? `${this.head}: ${this.detail}`;
  }
}

/** A 449 found while planning: nothing was read yet (position 0). */
const strategyError = (inner: number, detail: string, volume = 0) =>
  new RecoveryError(HanaCode.recoveryStrategyCouldNotBeDetermined, `[${inner}] ${detail}`, volume, 0);

export interface SourceVolume {
  volume: number;
  service: string;
}

export interface Strategy {
  data: { entry: CatalogEntry; files: CatalogFile[] }[];
  /** The source's volumes (from the data backup) and, per volume id, its log backups in order. */
  volumes: SourceVolume[];
  logs: Map<number, CatalogFile[]>;
}

export const isData = (e: CatalogEntry) => e.entry_type_name.endsWith('data backup') && e.state_name === 'successful';

/** The source's master volume: its indexserver's, as the catalog's data backup files name the services. */
export function masterVolume(cat: CatalogImage): number | undefined {
  const files = cat.files.filter((f) => isVolumeFile(f) && f.service_type_name === 'indexserver');
  return files[files.length - 1]?.source_id;
}

/** The strategy. A position UNTIL LOG POSITION … AT VOLUME v is a position in v's log only. */
export function strategy(cat: CatalogImage, stmt: Recover): Strategy {
  const known = [...new Set(cat.files.filter(isVolumeFile).map((f) => f.source_id))].sort((a, b) => a - b);
  const master = masterVolume(cat) ?? 0; // none: no data backup, which dataChain reports
  const at = stmt.untilPosition?.volume;
  if (at !== undefined && !known.includes(at)) {
    throw strategyError(
      HanaInnerCode.simNotLogVolume,
      `volume ${at} is not a volume of the database; its volumes are ${known.join(', ')}`,
      at,
    );
  }
  const filesOf = (id: number) => cat.files.filter((f) => f.backup_id === id && f.source_type_name !== 'catalog');
  const data = dataChain(cat, stmt, at ?? master, filesOf).map((entry) => ({ entry, files: filesOf(entry.backup_id) }));
  const last = data[data.length - 1]!.files.filter(isVolumeFile);
  const volumes = [...new Map(last.map((f) => [f.source_id, f.service_type_name])).entries()]
    .map(([volume, service]) => ({ volume, service }))
    .sort((a, b) => a.volume - b.volume);
  const logs = new Map<number, CatalogFile[]>();
  if (stmt.mode === 'data') return { data, volumes, logs };
  // The named volume's chain decides how far the others must go: as far as the time its last log backup reaches.
  const lead = at ?? master;
  const start = (v: number) => last.find((f) => f.source_id === v)!.redo_log_position!;
  const leadChain = logChain(cat, stmt, lead, start(lead));
  logs.set(lead, leadChain);
  const untilMs = stmt.untilPosition
    ? (leadChain[leadChain.length - 1]?.utc_last_commit_ms ?? data[data.length - 1]!.entry.utc_start_ms)
    : stmt.untilMs;
  for (const v of volumes)
    if (v.volume !== lead)
      logs.set(v.volume, logChain(cat, { ...stmt, untilPosition: undefined, untilMs }, v.volume, start(v.volume)));
  return { data, volumes, logs };
}

const isVolumeFile = (f: CatalogFile) => f.source_type_name === 'volume';

/** The data backups to restore: the named or newest usable complete one, then (RECOVER DATABASE) delta backups. */
function dataChain(cat: CatalogImage, stmt: Recover, volume: number, filesOf: (id: number) => CatalogFile[]): CatalogEntry[] {
  const data = cat.entries.filter(isData).sort((a, b) => a.utc_start_ms - b.utc_start_ms);
  const dataPosition = (e: CatalogEntry) =>
    filesOf(e.backup_id).find((f) => f.source_type_name === 'volume' && f.source_id === volume)?.redo_log_position ??
    Number.MAX_SAFE_INTEGER;
  /** A data backup usable for the target: taken at or before the time, or starting at or before the log position. */
  const notAfterTarget = (e: CatalogEntry) =>
    stmt.untilPosition ? dataPosition(e) <= stmt.untilPosition.position : e.utc_start_ms <= stmt.untilMs!;
  const chain: CatalogEntry[] = [];
  if (stmt.backupId !== undefined) {
    const e = data.find((x) => x.backup_id === stmt.backupId);
    if (!e)
      throw strategyError(
        HanaInnerCode.simNotSuccessfulDataBackup,
        `backup ${stmt.backupId} is not a successful data backup in the backup catalog`,
      );
    if (e.entry_type_name !== 'complete data backup')
      throw strategyError(
        HanaInnerCode.simNotCompleteDataBackup,
        `backup ${stmt.backupId} is a ${e.entry_type_name}; name a complete data backup`,
      );
    if (stmt.untilMs !== undefined && e.utc_start_ms > stmt.untilMs)
      throw strategyError(HanaInnerCode.simBackupAfterPointInTime, `backup ${stmt.backupId} was taken after the point in time`);
    chain.push(e);
  } else {
    const full = data.filter((e) => e.entry_type_name === 'complete data backup' && notAfterTarget(e)).pop();
    const what = stmt.untilPosition ? 'log position' : 'point in time';
    if (!full)
      throw strategyError(HanaInnerCode.backupCannotBeUsed, `no complete data backup found that is older than the ${what}`);
    chain.push(full);
  }
  if (stmt.mode === 'database') {
    const after = (t: number) => data.filter((e) => e.utc_start_ms > t && notAfterTarget(e));
    const diff = after(chain[0]!.utc_start_ms)
      .filter((e) => e.entry_type_name === 'differential data backup')
      .pop();
    if (diff) chain.push(diff);
    chain.push(...after(chain[chain.length - 1]!.utc_start_ms).filter((e) => e.entry_type_name === 'incremental data backup'));
  }
  return chain;
}

/** The log backups of the volume from `start` on, in order, up to the target or the first gap; overlaps are refused. */
function logChain(cat: CatalogImage, stmt: Recover, volume: number, start: number): CatalogFile[] {
  const logIds = new Set(
    cat.entries.filter((e) => e.entry_type_name === 'log backup' && e.state_name === 'successful').map((e) => e.backup_id),
  );
  const candidates = cat.files
    .filter(
      (f) =>
        logIds.has(f.backup_id) && f.source_type_name === 'volume' && f.source_id === volume && f.last_redo_log_position! > start,
    )
    .sort((a, b) => a.redo_log_position! - b.redo_log_position! || a.backup_id - b.backup_id);
  for (let i = 1; i < candidates.length; i++) {
    const a = candidates[i - 1]!;
    const b = candidates[i]!;
    if (b.redo_log_position! < a.last_redo_log_position!) {
      throw new RecoveryError(
        449,
        `[${HanaInnerCode.ambiguousLogBackups}] Ambiguous sequence of log backups, overlapping log backups ${a.destination_path} ` +
          `(backup id ${a.backup_id}) and ${b.destination_path} (backup id ${b.backup_id})`,
        volume,
        0,
      );
    }
  }
  const logs: CatalogFile[] = [];
  let cur = start;
  for (const f of candidates) {
    if (stmt.untilPosition && cur >= stmt.untilPosition.position) break; // the data backup already holds the position
    if (f.redo_log_position! > cur) break; // a gap: the chain ends here
    logs.push(f);
    cur = f.last_redo_log_position!;
    if (
      stmt.untilPosition
        ? f.last_redo_log_position! >= stmt.untilPosition.position
        : stmt.untilMs !== undefined && f.utc_last_commit_ms !== null && f.utc_last_commit_ms >= stmt.untilMs
    )
      break;
  }
  return logs;
}
