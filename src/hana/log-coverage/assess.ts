/**
 * Coverage of a recovery target: the catalog's plan (chain.ts) checked against what the Backint tool shows
 * (inquire.ts). The newest reachable point is where the recovery would really end: HANA replays the chain
 * until the first log backup the tool cannot deliver. Pure; the result is plain JSON (plan output, metadata).
 */
import { DateTime } from 'luxon';
import { toUtcIso, type UtcIso } from '../time.js';
import type { ChainPlan, CoverageTarget, PlannedLogBackup } from './chain.js';
import type { Visibility } from './inquire.js';

export type MissingKind = 'no-data-backup' | 'gap' | 'overlap' | 'not-backed-up-yet' | 'not-in-backint';

export interface MissingItem {
  kind: MissingKind;
  /** Waiting can fix it (log backups still to be written or to reach the tool); otherwise it is permanent. */
  waitable: boolean;
  message: string;
  backupId?: string;
  path?: string;
}

export interface AssessedFile {
  backupId: string;
  path: string;
  ebid: string | null;
  visible: boolean;
}

export interface AssessedDataBackup {
  backupId: string;
  type: string;
  startedAt: UtcIso;
  lastCommit: UtcIso | null;
  positions: Record<string, string>;
  visible: boolean;
  files: AssessedFile[];
}

export interface AssessedLogBackup {
  backupId: string;
  volume: number;
  path: string;
  ebid: string | null;
  firstPosition: string;
  lastPosition: string;
  lastCommit: UtcIso | null;
  writtenAt: UtcIso;
  visible: boolean;
  /** Creation time in the Backint tool (when it reports one). */
  createdAt: UtcIso | null;
  /** Epoch ms, kept for lag arithmetic (not shown). */
  writtenMs: number;
  createdMs: number | null;
}

export interface ReachedPoint {
  /**
   * Last commit reached (UTC, second precision); for a covered timestamp target, null (HANA picks the last commit <= the target).
   */
  timestamp: UtcIso | null;
  logPosition: string | null;
  volume: number | null;
}

export interface Assessment {
  requested: { timestamp: UtcIso | null; logPosition: string | null };
  /** The catalog's chain holds the target. */
  catalogCovers: boolean;
  /** ... and every backup the recovery needs is visible in the Backint tool. */
  covered: boolean;
  /** A missing piece that waiting cannot fix (or HANA would refuse the recovery). */
  blocking: boolean;
  dataBackups: AssessedDataBackup[];
  logBackups: AssessedLogBackup[];
  /** Where the recovery would end with what the tool holds now. */
  reachable: ReachedPoint;
  /** For a covered timestamp target: the reached commit lies in [notBefore, requested]. */
  expected: { exact: boolean; timestamp: UtcIso | null; notBefore: UtcIso | null; logPosition: string | null };
  /** requested − reachable, seconds, when it falls short. */
  shortfallSeconds: number | null;
  missing: MissingItem[];
  checkedAt: UtcIso;
}

const iso = (ms: number | null): UtcIso | null => (ms === null ? null : toUtcIso(DateTime.fromMillis(ms, { zone: 'utc' })));

function shown(v: Visibility | undefined, ebid: string | null): boolean {
  return ebid !== null && v?.visible === true;
}

export function assess(plan: ChainPlan, visibility: ReadonlyMap<string, Visibility>, nowMs: number): Assessment {
  const target: CoverageTarget = plan.target;
  const requested =
    target.kind === 'timestamp'
      ? { timestamp: iso(target.untilMs), logPosition: null }
      : { timestamp: iso(target.timestampMs), logPosition: target.position.toString() };
  const missing: MissingItem[] = [];
  for (const p of plan.problems) {
    if (p.kind === 'no-data-backup') {
      missing.push({
        kind: p.kind,
        waitable: false,
        message:
          `no successful complete data backup of the source at or before ` +
          `${requested.logPosition ? `log position ${requested.logPosition}` : requested.timestamp}`,
      });
    } else if (p.kind === 'gap') {
      missing.push({
        kind: p.kind,
        waitable: false,
        backupId: p.nextBackupId,
        path: p.nextPath,
        message:
          `log positions ${p.from}..${p.to} of volume ${p.volume} are in no log backup (the next one, ` +
          `${p.nextPath}, starts at ${p.to})`,
      });
    } else {
      missing.push({
        kind: p.kind,
        waitable: false,
        backupId: p.second.backupId,
        path: p.second.path,
        message:
          `log backups ${p.first.path} (backup id ${p.first.backupId}) and ${p.second.path} (backup id ` +
          `${p.second.backupId}) overlap in volume ${p.volume}; HANA refuses such a chain ([449] ... [111004])`,
      });
    }
  }

  const dataBackups: AssessedDataBackup[] = plan.data.map((d) => {
    const files = d.files.map((f) => ({
      backupId: d.backupId,
      path: f.path,
      ebid: f.ebid,
      visible: shown(visibility.get(f.ebid ?? ''), f.ebid),
    }));
    return {
      backupId: d.backupId,
      type: d.type,
      startedAt: iso(d.startMs)!,
      lastCommit: iso(d.lastCommitMs),
      positions: d.positions,
      visible: files.every((f) => f.visible),
      files,
    };
  });
  for (const d of dataBackups.filter((x) => !x.visible)) {
    const f = d.files.find((x) => !x.visible)!;
    missing.push({
      kind: 'not-in-backint',
      waitable: true,
      backupId: d.backupId,
      path: f.path,
      message: `the ${d.type} ${d.backupId} (${f.path}) is not in the Backint tool`,
    });
  }

  const assessLog = (l: PlannedLogBackup): AssessedLogBackup => {
    const v = visibility.get(l.ebid ?? '');
    return {
      backupId: l.backupId,
      volume: l.volume,
      path: l.path,
      ebid: l.ebid,
      firstPosition: l.first.toString(),
      lastPosition: l.last.toString(),
      lastCommit: iso(l.lastCommitMs),
      writtenAt: iso(l.writtenMs)!,
      visible: shown(v, l.ebid),
      createdAt: iso(v?.createdMs ?? null),
      writtenMs: l.writtenMs,
      createdMs: v?.createdMs ?? null,
    };
  };
  const logBackups = plan.volumes.flatMap((v) => v.logs.map(assessLog));

  // Per volume: the visible prefix of the chain is what a recovery replays.
  const lastData = plan.data[plan.data.length - 1];
  let reachable: ReachedPoint = { timestamp: null, logPosition: null, volume: null };
  let prefixComplete = plan.volumes.length > 0;
  for (const v of plan.volumes) {
    const logs = logBackups.filter((l) => l.volume === v.volume);
    const firstHidden = logs.findIndex((l) => !l.visible);
    const prefix = firstHidden === -1 ? logs : logs.slice(0, firstHidden);
    if (firstHidden !== -1) {
      prefixComplete = false;
      const hidden = logs[firstHidden]!;
      missing.push({
        kind: 'not-in-backint',
        waitable: true,
        backupId: hidden.backupId,
        path: hidden.path,
        message:
          `log backup ${hidden.backupId} (${hidden.path}, written ` +
          `${hidden.writtenAt}${hidden.lastCommit ? `, last commit ${hidden.lastCommit}` : ''}) is in the catalog but ` +
          `not in the Backint tool (not arrived yet: log-shipping lag; or deleted)`,
      });
    }
    const end = prefix[prefix.length - 1];
    const point: ReachedPoint = end
      ? { timestamp: end.lastCommit, logPosition: end.lastPosition, volume: v.volume }
      : { timestamp: iso(lastData?.lastCommitMs ?? null), logPosition: v.startPosition.toString(), volume: v.volume };
    if (
      reachable.volume === null ||
      (point.timestamp !== null && (reachable.timestamp === null || point.timestamp < reachable.timestamp))
    )
      reachable = point;
    if (!v.coversTarget) {
      prefixComplete = false;
      if (!plan.problems.some((p) => p.kind === 'gap' && p.volume === v.volume)) {
        const newest = v.logs[v.logs.length - 1];
        missing.push({
          kind: 'not-backed-up-yet',
          waitable: true,
          message:
            target.kind === 'timestamp'
              ? `no log backup of volume ${v.volume} holds commits after ${requested.timestamp} yet (newest: ` +
                `${newest ? `${newest.path}, written ${iso(newest.writtenMs)}, ` : ''}` +
                `${newest ? `last commit ${iso(newest.lastCommitMs) ?? '-'}` : 'none after the data backup'}); ` +
                `those commits are still only in the source's log area`
              : `no log backup of volume ${v.volume} reaches log position ${requested.logPosition} (newest ends at ` +
                `${newest ? newest.last : v.startPosition})`,
        });
      }
    }
  }

  const catalogCovers = plan.volumes.length > 0 && plan.volumes.every((v) => v.coversTarget) && plan.problems.length === 0;
  const covered = catalogCovers && prefixComplete && dataBackups.every((d) => d.visible);
  const blocking = missing.some((m) => !m.waitable);
  if (!dataBackups.every((d) => d.visible)) reachable = { timestamp: null, logPosition: null, volume: null };

  let expected: Assessment['expected'];
  if (covered && target.kind === 'logPosition') {
    expected = { exact: true, timestamp: requested.timestamp, notBefore: requested.timestamp, logPosition: requested.logPosition };
    reachable = { timestamp: requested.timestamp, logPosition: requested.logPosition, volume: reachable.volume };
  } else if (covered) {
    const before = logBackups
      .filter((l) => l.lastCommit !== null && l.lastCommit <= requested.timestamp!)
      .map((l) => l.lastCommit!);
    const notBefore = before.length ? before.sort().pop()! : iso(lastData?.lastCommitMs ?? null);
    expected = { exact: false, timestamp: null, notBefore, logPosition: null };
    reachable = { timestamp: requested.timestamp, logPosition: null, volume: plan.volumes[0]?.volume ?? null };
  } else {
    expected = { exact: true, timestamp: reachable.timestamp, notBefore: reachable.timestamp, logPosition: reachable.logPosition };
  }
  const shortfallSeconds =
    !covered && requested.timestamp && reachable.timestamp
      ? Math.max(0, Math.round((Date.parse(requested.timestamp) - Date.parse(reachable.timestamp)) / 1000))
      : null;
  return {
    requested,
    catalogCovers,
    covered,
    blocking,
    dataBackups,
    logBackups,
    reachable,
    expected,
    shortfallSeconds,
    missing,
    checkedAt: iso(nowMs)!,
  };
}
