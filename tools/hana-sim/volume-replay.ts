/**
 * How far a recovery of a tenant with several volumes replays, and where each volume's log then stands. Every commit
 * writes to the log of every volume (the master indexserver's entry holds the change, the others their share of the
 * transaction, `seq` = the commit's master position), so a consistent state needs every volume's log up to it: the
 * recovery reaches the newest commit all volumes' logs hold, and not past the target.
 *
 * `UNTIL LOG POSITION <pos> AT VOLUME <v>` names a position in volume v's log only: the target is the last commit
 * whose entry in v's log ends at or before pos. The same number given for another volume means another commit.
 */
export interface Commit {
  position: number;
  utc_ms: number;
  sql: string;
}

export interface VolumeEntries {
  volume: number;
  /** The volume's log position in the restored data backup. */
  dataPosition: number;
  /** Its log entries after dataPosition that the recovery could read, in order. */
  entries: { position: number; utc_ms: number; seq: number }[];
}

export interface ReplayTarget {
  untilMs?: number;
  untilPosition?: { position: number; volume: number };
}

export interface ReplayPlan {
  apply: Commit[];
  /** The master's reached position (the commit the state ends with). */
  reachedSeq: number;
  /** Every other volume's reached log position, by source volume id. */
  reached: Map<number, number>;
}

/** master: the source's master volume; commits: its commits after dataMasterPosition the recovery could read. */
export function planReplay(
  master: { volume: number; dataPosition: number; commits: Commit[] },
  others: VolumeEntries[],
  target: ReplayTarget,
): ReplayPlan {
  const heldByAll = Math.min(
    ...others.map((v) => v.entries[v.entries.length - 1]?.seq ?? master.dataPosition),
    Number.MAX_SAFE_INTEGER,
  );
  let targetSeq = Number.MAX_SAFE_INTEGER;
  const at = target.untilPosition;
  if (at && at.volume === master.volume) targetSeq = at.position;
  else if (at) {
    const named = others.find((v) => v.volume === at.volume);
    const inLog = named?.entries.filter((e) => e.position <= at.position) ?? [];
    targetSeq = inLog[inLog.length - 1]?.seq ?? master.dataPosition;
  }
  const apply: Commit[] = [];
  for (const c of master.commits) {
    if (c.position > heldByAll || c.position > targetSeq) break;
    if (target.untilMs !== undefined && c.utc_ms > target.untilMs) break;
    apply.push(c);
  }
  const reachedSeq = apply[apply.length - 1]?.position ?? master.dataPosition;
  const reached = new Map<number, number>();
  for (const v of others) {
    const upTo = v.entries.filter((e) => e.seq <= reachedSeq);
    reached.set(v.volume, upTo[upTo.length - 1]?.position ?? v.dataPosition);
  }
  return { apply, reachedSeq, reached };
}
