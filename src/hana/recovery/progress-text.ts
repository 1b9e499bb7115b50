/**
 * What a running recovery shows (the engine's job progress): while any volume still restores data, the bytes restored
 * of all volumes ("restoring data: 1.2 GiB of 3.4 GiB"); then the log segments each volume replayed. The percent gives
 * the data restore the first half and the replay the second; HANA's totals per volume come with its first line, so an
 * early percent may be low, never wrong.
 */
import type { PhasedProgress } from '../backup-log/phases.js';

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** 1288490189 → "1.2 GiB". */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${UNITS[u]}`;
}

const byVolume = (a: PhasedProgress, b: PhasedProgress) => a.volume - b.volume;

const DATA_RESTORE = 'recovering: restoring data: ';
export const isDataRestore = (message: string): boolean => message.startsWith(DATA_RESTORE);

export function recoveryProgress(progress: readonly PhasedProgress[]): { percent: number; message: string } | null {
  if (progress.length === 0) return null;
  const vols = [...progress].sort(byVolume);
  const dataDone = vols.reduce((s, p) => s + p.dataDone, 0);
  const dataTotal = vols.reduce((s, p) => s + p.dataTotal, 0);
  const dataShare = dataTotal > 0 ? dataDone / dataTotal : 0;
  const logShare = vols.reduce((s, p) => s + (p.phase === 'log' && p.total > 0 ? p.done / p.total : 0), 0) / vols.length;
  const percent = Math.min(99, Math.floor(50 * dataShare + 50 * logShare));
  const perVolume = (p: PhasedProgress) =>
    p.phase === 'log'
      ? `${p.service} volume ${p.volume} ${p.percent}% (segment ${p.done} of ${p.total})`
      : `${p.service} volume ${p.volume} ${p.percent}%`;
  const message = vols.some((p) => p.phase === 'data')
    ? `${DATA_RESTORE}${formatBytes(dataDone)} of ${formatBytes(dataTotal)} (${vols.map(perVolume).join(', ')})`
    : `recovering: replaying logs: ${vols.map(perVolume).join(', ')}`;
  return { percent, message };
}

/**
 * The data restore as it ended (every volume's bytes restored), for a poll that first sees the recovery already
 * replaying logs: the job then still shows both of HANA's phases, in order. Null when no data was restored.
 */
export function dataRestored(progress: readonly PhasedProgress[]): { percent: number; message: string } | null {
  if (progress.every((p) => p.dataTotal === 0)) return null;
  return recoveryProgress(
    progress.map((p) => ({
      ...p,
      phase: 'data' as const,
      done: p.dataTotal,
      total: p.dataTotal,
      percent: 100,
      dataDone: p.dataTotal,
    })),
  );
}
