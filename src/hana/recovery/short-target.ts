/**
 * Where a recovery that proceeds short of the requested point (policy proceed) is told to stop. HANA reports the
 * master indexserver volume's log position, and no public text says what `UNTIL LOG POSITION … AT VOLUME` means for
 * another volume of a multi-volume tenant (docs/reference/hana-recovery.md §9.1), so only the master's position is
 * ever named. When another volume's backups end first, the recovery stops at the time of the last commit they hold:
 * not at the requested time, since HANA's strategy for that would list the backups that are not in the tool yet, and
 * CHECK ACCESS refuses a strategy with a missing backup. No time known (a data backup without a last commit): the
 * requested time.
 */
import type { Assessment } from '../log-coverage/assess.js';
import type { UtcIso } from '../time.js';

export type ShortTarget =
  | { kind: 'logPosition'; logPosition: string; volume: number }
  | { kind: 'timestamp'; timestamp: UtcIso | null; endsOnVolume: number | null };

export function shortRecoveryTarget(a: Pick<Assessment, 'reachable' | 'masterVolume'>): ShortTarget {
  const { reachable, masterVolume } = a;
  if (reachable.logPosition !== null && reachable.volume !== null && reachable.volume === masterVolume)
    return { kind: 'logPosition', logPosition: reachable.logPosition, volume: reachable.volume };
  return { kind: 'timestamp', timestamp: reachable.timestamp, endsOnVolume: reachable.volume };
}
