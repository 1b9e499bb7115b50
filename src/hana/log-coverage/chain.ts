/**
 * What a RECOVER would use, computed from the catalog alone (pure; docs/reference/hana-recovery.md §3.3), the way HANA
 * builds its strategy: the newest complete data backup at or before the target, then the newest differential
 * and the incrementals after it, then per log volume the log backups forming an unbroken chain of redo
 * positions from the data backup's REDO_LOG_POSITION, up to the first one holding the target. Gaps end the
 * chain; overlapping log backups make HANA refuse the recovery ([449] ... [111004]).
 */
import type { CatalogBackup, CatalogFile, DataBackupType } from './catalog.js';

export type CoverageTarget =
  /** UNTIL TIMESTAMP: every commit at or before untilMs. */
  | { kind: 'timestamp'; untilMs: number }
  /**
   * UNTIL LOG POSITION: exactly up to the commit ending at `position` (a pinned point). The position is one of the
   * master indexserver volume (`volume`, or the plan's masterVolume when not given); the other volumes' positions are
   * unrelated numbers: they need an unbroken chain, and one that reaches the point's time (`timestampMs`) counts too.
   */
  | { kind: 'logPosition'; position: bigint; timestampMs: number | null; volume?: number | null };

/** What a recovery must reach: the pinned point when there is one (exactly), else the requested time. */
export function coverageTargetOf(point: {
  pin?: { logPosition: string; timestamp: string | null } | null;
  until: string;
}): CoverageTarget {
  return point.pin
    ? {
        kind: 'logPosition',
        position: BigInt(point.pin.logPosition),
        timestampMs: point.pin.timestamp ? Date.parse(point.pin.timestamp) : null,
      }
    : { kind: 'timestamp', untilMs: Date.parse(point.until) };
}

export interface PlannedFile {
  sourceId: number;
  path: string;
  ebid: string | null;
}

export interface PlannedDataBackup {
  backupId: string;
  type: DataBackupType;
  startMs: number;
  /** When HANA finished writing it (UTC_END_TIME, else its start). */
  writtenMs: number;
  /** Per log volume: where replay starts after this backup. */
  positions: Record<number, string>;
  lastCommitMs: number | null;
  files: PlannedFile[];
}

export interface PlannedLogBackup {
  backupId: string;
  volume: number;
  path: string;
  ebid: string | null;
  first: bigint;
  last: bigint;
  lastCommitMs: number | null;
  startMs: number;
  /** When HANA finished writing it (UTC_END_TIME, else its start). */
  writtenMs: number;
}

export type ChainProblem =
  | { kind: 'no-data-backup' }
  | { kind: 'gap'; volume: number; from: bigint; to: bigint; nextBackupId: string; nextPath: string }
  | { kind: 'overlap'; volume: number; first: { backupId: string; path: string }; second: { backupId: string; path: string } };

export interface VolumeChain {
  volume: number;
  startPosition: bigint;
  /** The log backups the recovery would read, in order (HANA's strategy). */
  logs: PlannedLogBackup[];
  /** The chain (from the catalog) holds the target. */
  coversTarget: boolean;
}

export interface ChainPlan {
  target: CoverageTarget;
  /**
   * The source's master indexserver volume (the one `UNTIL LOG POSITION … AT VOLUME` names), from the chosen data
   * backup's files; the lowest volume when the catalog names no service. Null without a data backup.
   */
  masterVolume: number | null;
  data: PlannedDataBackup[];
  volumes: VolumeChain[];
  problems: ChainProblem[];
}

const dataFiles = (b: CatalogBackup): CatalogFile[] => b.files.filter((f) => f.sourceType !== 'catalog');
const volumeFiles = (b: CatalogBackup): CatalogFile[] => b.files.filter((f) => f.sourceType === 'volume');

function dataPosition(b: CatalogBackup, volume: number): bigint | null {
  return volumeFiles(b).find((f) => f.sourceId === volume)?.redoLogPosition ?? null;
}

/** The master indexserver volume of a data backup: the lowest indexserver volume, else the lowest volume. */
export function masterVolumeOf(b: CatalogBackup): number | null {
  const files = volumeFiles(b).sort((x, y) => x.sourceId - y.sourceId);
  return (files.find((f) => f.serviceType === 'indexserver') ?? files[0])?.sourceId ?? null;
}

/** The volume a log position target's position belongs to. */
function targetVolume(target: CoverageTarget, master: number | null): number | null {
  return target.kind === 'logPosition' ? (target.volume ?? master) : null;
}

function usableFor(target: CoverageTarget, b: CatalogBackup): boolean {
  if (target.kind === 'timestamp') return b.startMs <= target.untilMs;
  const volume = targetVolume(target, masterVolumeOf(b));
  const position = volume === null ? null : dataPosition(b, volume);
  return position !== null && position <= target.position;
}

function plannedData(b: CatalogBackup): PlannedDataBackup {
  const positions: Record<number, string> = {};
  for (const f of volumeFiles(b)) if (f.redoLogPosition !== null) positions[f.sourceId] = f.redoLogPosition.toString();
  const commits = dataFiles(b)
    .map((f) => f.lastCommitMs)
    .filter((m): m is number => m !== null);
  return {
    backupId: b.backupId,
    type: b.entryType as DataBackupType,
    startMs: b.startMs,
    writtenMs: b.endMs ?? b.startMs,
    positions,
    lastCommitMs: commits.length ? Math.max(...commits) : null,
    files: dataFiles(b).map((f) => ({ sourceId: f.sourceId, path: f.path, ebid: f.ebid })),
  };
}

/** Does this log backup hold the target on its volume (so the chain may end with it)? */
function holdsTarget(target: CoverageTarget, l: PlannedLogBackup, master: number | null): boolean {
  if (target.kind === 'logPosition' && l.volume === targetVolume(target, master)) return l.last >= target.position;
  const untilMs = target.kind === 'timestamp' ? target.untilMs : target.timestampMs;
  // Another volume of a pinned point whose time is unknown: its positions say nothing; require the same position as
  // before volumes were told apart (the harder reading).
  if (untilMs === null) return target.kind === 'logPosition' && l.last >= target.position;
  return l.lastCommitMs !== null && l.lastCommitMs >= untilMs;
}

/** The time a volume's chain must reach: the requested time, or a pinned point's time on the non-master volumes. */
function untilOf(target: CoverageTarget, volume: number, master: number | null): number | null {
  if (target.kind === 'timestamp') return target.untilMs;
  return volume === targetVolume(target, master) ? null : target.timestampMs;
}

export function planChain(backups: readonly CatalogBackup[], target: CoverageTarget): ChainPlan {
  const problems: ChainProblem[] = [];
  const data = backups.filter((b) => b.entryType !== 'log backup' && usableFor(target, b));
  const full = data.filter((b) => b.entryType === 'complete data backup').pop();
  if (!full) return { target, masterVolume: null, data: [], volumes: [], problems: [{ kind: 'no-data-backup' }] };
  const chosen = [full];
  const later = (b: CatalogBackup) => data.filter((x) => x.startMs > b.startMs);
  const diff = later(full)
    .filter((b) => b.entryType === 'differential data backup')
    .pop();
  if (diff) chosen.push(diff);
  chosen.push(...later(chosen[chosen.length - 1]!).filter((b) => b.entryType === 'incremental data backup'));
  const last = chosen[chosen.length - 1]!;
  const master = masterVolumeOf(last);

  const logs = backups.filter((b) => b.entryType === 'log backup');
  const volumes: VolumeChain[] = [];
  for (const volume of [...new Set(volumeFiles(last).map((f) => f.sourceId))].sort((a, b) => a - b)) {
    const start = dataPosition(last, volume) ?? 0n;
    const candidates: PlannedLogBackup[] = logs
      .flatMap((b) =>
        volumeFiles(b)
          .filter((f) => f.sourceId === volume)
          .map((f) => ({ b, f })),
      )
      .filter(({ f }) => f.redoLogPosition !== null && f.lastRedoLogPosition !== null && f.lastRedoLogPosition > start)
      .map(({ b, f }) => ({
        backupId: b.backupId,
        volume,
        path: f.path,
        ebid: f.ebid,
        first: f.redoLogPosition!,
        last: f.lastRedoLogPosition!,
        lastCommitMs: f.lastCommitMs,
        startMs: b.startMs,
        writtenMs: b.endMs ?? b.startMs,
      }))
      .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.startMs - b.startMs));
    for (let i = 1; i < candidates.length; i++) {
      const a = candidates[i - 1]!;
      const b = candidates[i]!;
      if (b.first < a.last)
        problems.push({
          kind: 'overlap',
          volume,
          first: { backupId: a.backupId, path: a.path },
          second: { backupId: b.backupId, path: b.path },
        });
    }
    const chain: PlannedLogBackup[] = [];
    let cur = start;
    let covers = target.kind === 'logPosition' && volume === targetVolume(target, master) && cur >= target.position;
    for (const l of candidates) {
      if (covers) break;
      if (l.first > cur) {
        problems.push({ kind: 'gap', volume, from: cur, to: l.first, nextBackupId: l.backupId, nextPath: l.path });
        break;
      }
      chain.push(l);
      cur = l.last;
      covers = holdsTarget(target, l, master);
    }
    // A log backup started after the time holds every commit up to its start: the chain covers the time even when
    // the volume was quiet and no commit came after it.
    const untilMs = untilOf(target, volume, master);
    if (!covers && untilMs !== null && chain.some((l) => l.startMs >= untilMs)) covers = true;
    // A pin is a point an earlier recovery reached, from log backups that existed then: a volume other than the
    // pinned one needs only its unbroken chain. HANA backs up a volume's log only when it grew, so a quiet volume
    // may never get a backup started after the pinned time.
    const gap = problems.some((p) => p.kind === 'gap' && p.volume === volume);
    if (!covers && !gap && target.kind === 'logPosition' && volume !== targetVolume(target, master)) covers = true;
    volumes.push({ volume, startPosition: start, logs: chain, coversTarget: covers });
  }
  return { target, masterVolume: master, data: chosen.map(plannedData), volumes, problems };
}
