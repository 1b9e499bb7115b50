/**
 * A recovery's two phases as backup.log shows them (docs/reference/hana-recovery.md §4.3, §9.1): per service and
 * volume, `progress of service` lines first count the data restore in bytes (`100% 1985029865472/1985029865472`,
 * KBA 3707817), then the log replay in log segments (`93% 126/135`, rstat README). HANA prints no phase name, so a new
 * series on the same volume (the count starts again lower, or out of another total) is the replay. A recovery that
 * restores no data (from a snapshot) would show its replay as a data phase: no public sample shows that case.
 */
import type { ServiceProgress } from './messages.js';

export interface PhasedProgress extends ServiceProgress {
  phase: 'data' | 'log';
  /** Bytes of the volume's data restore: its last data line (all of it once the replay runs). */
  dataDone: number;
  dataTotal: number;
}

/** The latest progress per service and volume, from the lines in order. */
export function phasedProgress(lines: readonly ServiceProgress[]): PhasedProgress[] {
  const latest = new Map<string, PhasedProgress>();
  for (const p of lines) {
    const key = `${p.service}|${p.hostPort}|${p.volume}`;
    const prev = latest.get(key);
    const restarted = prev !== undefined && (p.total !== prev.total || p.done < prev.done);
    const phase = prev?.phase === 'log' || restarted ? 'log' : 'data';
    latest.set(
      key,
      phase === 'data'
        ? { ...p, phase, dataDone: p.done, dataTotal: p.total }
        : { ...p, phase, dataDone: prev!.dataTotal, dataTotal: prev!.dataTotal },
    );
  }
  return [...latest.values()];
}
