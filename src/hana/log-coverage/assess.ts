/**
 * Coverage of a recovery target: the catalog's plan (chain.ts) checked against what the Backint tool shows
 * (inquire.ts). The newest reachable point is where the recovery would really end: HANA replays the chain
 * until the first log backup the tool cannot deliver. Pure; the result is plain JSON (plan output, metadata).
 */
import { DateTime } from 'luxon';
import { toUtcIso, type UtcIso } from '../time.js';
import { catalogLists, newestVisibleCatalog, type CatalogBackupCopy } from './catalog-backups.js';
import type { ChainPlan, CoverageTarget, PlannedLogBackup } from './chain.js';
import type { Visibility } from './inquire.js';

export type MissingKind = 'no-data-backup' | 'gap' | 'overlap' | 'not-backed-up-yet' | 'not-in-backint' | 'catalog-behind';

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
   * Last commit reached (UTC, second precision); for a covered timestamp target, null (HANA picks the last
   * commit <= the target).
   */
  timestamp: UtcIso | null;
  logPosition: string | null;
  volume: number | null;
}

export interface Assessment {
  requested: { timestamp: UtcIso | null; logPosition: string | null };
  /** The source's master indexserver volume: where `UNTIL LOG POSITION … AT VOLUME` points (null: no data backup). */
  masterVolume: number | null;
  /** The catalog's chain holds the target. */
  catalogCovers: boolean;
  /** ... and every backup the recovery needs is visible in the Backint tool. */
  covered: boolean;
  /** A missing piece that waiting cannot fix (or HANA would refuse the recovery). */
  blocking: boolean;
  /**
   * The newest catalog backup the Backint tool shows (the one `USING CATALOG BACKINT` plans from) among those written
   * after the data backup; null when none is there yet, or when the catalog backups were not checked.
   */
  catalogBackup: { backupId: string; path: string; writtenAt: UtcIso } | null;
  dataBackups: AssessedDataBackup[];
  logBackups: AssessedLogBackup[];
  /** Where the recovery would end with what the tool holds now. */
  reachable: ReachedPoint;
  /** For a covered timestamp target: the reached commit lies in [notBefore, requested]. */
  expected: { exact: boolean; timestamp: UtcIso | null; notBefore: UtcIso | null; logPosition: string | null };
  /** requested − reachable, seconds, when it falls short. */
  shortfallSeconds: number | null;
  /**
   * A backup a recovery to the reachable point would still need though the tool lacks it: a volume's first log backup
   * after the data backup, listed by the catalog HANA reads. Stopping at the data backup's point, HANA's strategy
   * still names each volume's first log backup, and CHECK ACCESS refuses a strategy with a missing backup. Null: none.
   */
  shortNeeds: AssessedLogBackup | null;
  missing: MissingItem[];
  checkedAt: UtcIso;
}

const iso = (ms: number | null): UtcIso | null => (ms === null ? null : toUtcIso(DateTime.fromMillis(ms, { zone: 'utc' })));

function shown(v: Visibility | undefined, ebid: string | null): boolean {
  return ebid !== null && v?.visible === true;
}

type Requested = Assessment['requested'];

/**
 * What the chain plan and the Backint tool's answers mean for a recovery: covered, reachable point, what is missing.
 * `catalogs`: the source's catalog backups written after the plan's data backup (catalog-backups.ts); a backup counts
 * only when the newest of them the tool shows lists it, since HANA plans from that one. Undefined: not checked.
 */
export function assess(
  plan: ChainPlan,
  visibility: ReadonlyMap<string, Visibility>,
  nowMs: number,
  catalogs?: readonly CatalogBackupCopy[],
): Assessment {
  const target: CoverageTarget = plan.target;
  const requested: Requested =
    target.kind === 'timestamp'
      ? { timestamp: iso(target.untilMs), logPosition: null }
      : { timestamp: iso(target.timestampMs), logPosition: target.position.toString() };
  const missing: MissingItem[] = plan.problems.map((p) => chainProblem(p, requested));
  const dataBackups = plan.data.map((d) => assessDataBackup(d, visibility));
  missing.push(...dataBackups.filter((d) => !d.visible).map(dataBackupMissing));
  const catalog = catalogs === undefined ? undefined : newestVisibleCatalog(catalogs, visibility);
  const dataListed = catalog !== null || plan.data.length === 0;
  if (!dataListed && dataBackups.every((d) => d.visible)) missing.push(noCatalogYet(plan, catalogs ?? []));
  const logBackups = plan.volumes.flatMap((v) => v.logs.map((l) => assessLog(l, visibility)));
  const volumes = replayableVolumes(plan, logBackups, requested, missing, { catalog, all: catalogs ?? [] });
  let reachable = volumes.reachable;

  const catalogCovers = plan.volumes.length > 0 && plan.volumes.every((v) => v.coversTarget) && plan.problems.length === 0;
  const usable = dataListed && dataBackups.every((d) => d.visible);
  const covered = catalogCovers && volumes.prefixComplete && usable;
  if (!usable) reachable = { timestamp: null, logPosition: null, volume: null };
  const point = expectedPoint(plan, logBackups, requested, covered, reachable);
  reachable = point.reachable;
  const shortfallSeconds =
    !covered && requested.timestamp && reachable.timestamp
      ? Math.max(0, Math.round((Date.parse(requested.timestamp) - Date.parse(reachable.timestamp)) / 1000))
      : null;
  return {
    requested,
    masterVolume: plan.masterVolume,
    catalogCovers,
    covered,
    blocking: missing.some((m) => !m.waitable),
    catalogBackup: catalog ? { backupId: catalog.backupId, path: catalog.path, writtenAt: iso(catalog.startMs)! } : null,
    dataBackups,
    logBackups,
    reachable,
    expected: point.expected,
    shortfallSeconds,
    shortNeeds: volumes.shortNeeds,
    missing,
    checkedAt: iso(nowMs)!,
  };
}

/** A problem of the catalog's chain itself: nothing arriving in the Backint tool can fix it. */
function chainProblem(p: ChainPlan['problems'][number], requested: Requested): MissingItem {
  if (p.kind === 'no-data-backup') {
    return {
      kind: p.kind,
      waitable: false,
      message:
        `no successful complete data backup of the source at or before ` +
        `${requested.logPosition ? `log position ${requested.logPosition}` : requested.timestamp}`,
    };
  }
  if (p.kind === 'gap') {
    return {
      kind: p.kind,
      waitable: false,
      backupId: p.nextBackupId,
      path: p.nextPath,
      message:
        `log positions ${p.from}..${p.to} of volume ${p.volume} are in no log backup (the next ` +
        `one, ${p.nextPath}, starts at ${p.to})`,
    };
  }
  return {
    kind: p.kind,
    waitable: false,
    backupId: p.second.backupId,
    path: p.second.path,
    message:
      `log backups ${p.first.path} (backup id ${p.first.backupId}) and ${p.second.path} (backup ` +
      `id ${p.second.backupId}) overlap in volume ${p.volume}; HANA refuses such a chain ([449] ` +
      `... [111004])`,
  };
}

function assessDataBackup(d: ChainPlan['data'][number], visibility: ReadonlyMap<string, Visibility>): AssessedDataBackup {
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
}

function dataBackupMissing(d: AssessedDataBackup): MissingItem {
  const f = d.files.find((x) => !x.visible)!;
  return {
    kind: 'not-in-backint',
    waitable: true,
    backupId: d.backupId,
    path: f.path,
    message: `the ${d.type} ${d.backupId} (${f.path}) is not in the Backint tool`,
  };
}

function assessLog(l: PlannedLogBackup, visibility: ReadonlyMap<string, Visibility>): AssessedLogBackup {
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
}

/**
 * Per volume, the visible prefix of its chain is what a recovery replays; the recovery ends at the earliest of the
 * volumes' ends. Adds to `missing` the first hidden log backup of each volume and volumes not backed up far enough.
 */
function replayableVolumes(
  plan: ChainPlan,
  logBackups: AssessedLogBackup[],
  requested: Requested,
  missing: MissingItem[],
  catalogs: { catalog: CatalogBackupCopy | null | undefined; all: readonly CatalogBackupCopy[] },
): { reachable: ReachedPoint; prefixComplete: boolean; shortNeeds: AssessedLogBackup | null } {
  const lastData = plan.data[plan.data.length - 1];
  const { catalog } = catalogs;
  // HANA replays what the catalog it reads lists: a log backup in the tool that this catalog does not list ends it.
  const listed = (l: AssessedLogBackup) => catalog === undefined || (catalog !== null && catalogLists(catalog, l.writtenMs));
  let reachable: ReachedPoint = { timestamp: null, logPosition: null, volume: null };
  let prefixComplete = plan.volumes.length > 0;
  let shortNeeds: AssessedLogBackup | null = null;
  for (const v of plan.volumes) {
    const logs = logBackups.filter((l) => l.volume === v.volume);
    const firstHidden = logs.findIndex((l) => !l.visible || !listed(l));
    if (firstHidden === 0 && !logs[0]!.visible && listed(logs[0]!)) shortNeeds ??= logs[0]!;
    const prefix = firstHidden === -1 ? logs : logs.slice(0, firstHidden);
    if (firstHidden !== -1) {
      prefixComplete = false;
      const l = logs[firstHidden]!;
      // No catalog at all in the tool is said once, for the data backup.
      if (!l.visible) missing.push(hiddenLogBackup(l));
      else if (catalog) missing.push(catalogBehind(l, catalog, catalogs.all));
    }
    const end = prefix[prefix.length - 1];
    const point: ReachedPoint = end
      ? { timestamp: end.lastCommit, logPosition: end.lastPosition, volume: v.volume }
      : { timestamp: iso(lastData?.lastCommitMs ?? null), logPosition: v.startPosition.toString(), volume: v.volume };
    // The earliest end; on a tie the master's, whose position HANA reports and UNTIL LOG POSITION … AT VOLUME names.
    if (
      reachable.volume === null ||
      (point.timestamp !== null && (reachable.timestamp === null || point.timestamp < reachable.timestamp)) ||
      (point.timestamp === reachable.timestamp && v.volume === plan.masterVolume)
    )
      reachable = point;
    if (!v.coversTarget) {
      prefixComplete = false;
      if (!plan.problems.some((p) => p.kind === 'gap' && p.volume === v.volume)) missing.push(notBackedUpYet(plan, v, requested));
    }
  }
  return { reachable, prefixComplete, shortNeeds };
}

function hiddenLogBackup(hidden: AssessedLogBackup): MissingItem {
  return {
    kind: 'not-in-backint',
    waitable: true,
    backupId: hidden.backupId,
    path: hidden.path,
    message:
      `log backup ${hidden.backupId} (${hidden.path}, written ` +
      `${hidden.writtenAt}${hidden.lastCommit ? `, last commit ${hidden.lastCommit}` : ''}) is ` +
      `in the catalog but not in the Backint tool (not arrived yet: log-shipping lag; or deleted)`,
  };
}

const catalogName = (c: CatalogBackupCopy) => `${c.path} (backup id ${c.backupId}, written ${iso(c.startMs)})`;

/** The first catalog backup that lists a backup written at `writtenMs`, when the source has written one. */
function listingCatalogText(all: readonly CatalogBackupCopy[], writtenMs: number): string {
  const next = all.find((c) => catalogLists(c, writtenMs));
  return next
    ? `the catalog backup that lists it, ${catalogName(next)}, is not in the Backint tool yet (log-shipping lag)`
    : 'the source has not written a catalog backup that lists it yet';
}

/** A log backup in the tool that the catalog HANA would read does not list: the catalog is the missing piece. */
function catalogBehind(l: AssessedLogBackup, catalog: CatalogBackupCopy, all: readonly CatalogBackupCopy[]): MissingItem {
  return {
    kind: 'catalog-behind',
    waitable: true,
    backupId: l.backupId,
    path: l.path,
    message:
      `the backup catalog is behind: log backup ${l.backupId} (${l.path}, written ${l.writtenAt}) is in the Backint tool, ` +
      `but the newest catalog backup there, ${catalogName(catalog)}, does not list it, and RECOVER … USING CATALOG BACKINT ` +
      `plans from that catalog (it would stop short); ${listingCatalogText(all, l.writtenMs)}`,
  };
}

/** No catalog backup in the tool lists the data backup: HANA would not plan from it. */
function noCatalogYet(plan: ChainPlan, all: readonly CatalogBackupCopy[]): MissingItem {
  const d = plan.data[plan.data.length - 1]!;
  return {
    kind: 'catalog-behind',
    waitable: true,
    backupId: d.backupId,
    message:
      `the backup catalog is behind: no catalog backup in the Backint tool lists the ${d.type} ${d.backupId}, and ` +
      `RECOVER … USING CATALOG BACKINT plans only from the newest catalog there; ${listingCatalogText(all, d.writtenMs)}`,
  };
}

function notBackedUpYet(plan: ChainPlan, v: ChainPlan['volumes'][number], requested: Requested): MissingItem {
  const newest = v.logs[v.logs.length - 1];
  const newestText = newest
    ? `${newest.path}, written ${iso(newest.writtenMs)}, last commit ${iso(newest.lastCommitMs) ?? '-'}`
    : 'none after the data backup';
  return {
    kind: 'not-backed-up-yet',
    waitable: true,
    message:
      plan.target.kind === 'timestamp'
        ? `no log backup of volume ${v.volume} holds commits after ${requested.timestamp} yet ` +
          `(newest: ${newestText}); those commits are still only in the source's log area`
        : v.volume === (plan.target.volume ?? plan.masterVolume)
          ? `no log backup of volume ${v.volume} reaches log position ${requested.logPosition} (newest ` +
            `ends at ${newest ? newest.last : v.startPosition})`
          : `no log backup of volume ${v.volume} reaches ${requested.timestamp ?? 'the pinned point'} yet (newest: ${newestText})`,
  };
}

/** Where the recovery is expected to end: exactly the requested point, the window before it, or the reachable one. */
function expectedPoint(
  plan: ChainPlan,
  logBackups: AssessedLogBackup[],
  requested: Requested,
  covered: boolean,
  reachable: ReachedPoint,
): { expected: Assessment['expected']; reachable: ReachedPoint } {
  if (covered && plan.target.kind === 'logPosition') {
    return {
      expected: { exact: true, timestamp: requested.timestamp, notBefore: requested.timestamp, logPosition: requested.logPosition },
      reachable: { timestamp: requested.timestamp, logPosition: requested.logPosition, volume: plan.masterVolume },
    };
  }
  if (covered) {
    const lastData = plan.data[plan.data.length - 1];
    const before = logBackups
      .filter((l) => l.lastCommit !== null && l.lastCommit <= requested.timestamp!)
      .map((l) => l.lastCommit!);
    const notBefore = before.length ? before.sort().pop()! : iso(lastData?.lastCommitMs ?? null);
    return {
      expected: { exact: false, timestamp: null, notBefore, logPosition: null },
      reachable: { timestamp: requested.timestamp, logPosition: null, volume: plan.volumes[0]?.volume ?? null },
    };
  }
  return {
    expected: { exact: true, timestamp: reachable.timestamp, notBefore: reachable.timestamp, logPosition: reachable.logPosition },
    reachable,
  };
}
