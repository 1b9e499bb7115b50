/**
 * `hana-vdb-meta advise`: the RPO offset each dSource should have, from the log-shipping lag its VDB
 * recoveries measured (VDB snapshot metadata logShippingLagSeconds; the log backup interval is
 * coverage.logBackupIntervalSeconds): p95 of the lag (nearest rank) + the newest recorded interval
 * (log_backup_timeout_s), rounded up to whole minutes. Without measurements there is no number.
 * The drift seen so far (requested − achieved) is shown as evidence.
 */
import { toCsv } from './csv.js';
import { vdbSnapshotView } from './model.js';
import type { StoreContents } from './store.js';
import { fitLines, formatSeconds, labelled, wrap, WIDTH } from './text.js';

export interface Advice {
  dsource: string;
  sourceConfig: string;
  currentRpoOffsetMinutes: number | null;
  lag: { samples: number; p95Seconds: number | null; maxSeconds: number | null };
  logBackupIntervalSeconds: number | null;
  recommendedRpoOffsetMinutes: number | null;
  /** Why there is (or is not) a recommendation, in words. */
  reason: string;
  drift: { samples: number; shortCount: number; p95Seconds: number | null; maxSeconds: number | null };
}

export interface AdviseResult {
  formatVersion: 1;
  method: string;
  dsources: Advice[];
}

export const METHOD =
  'recommended RPO offset = ceil((p95 of logShippingLagSeconds + coverage.logBackupIntervalSeconds) / 60) ' +
  'minutes; p95 by nearest rank';

/** Nearest-rank percentile of a non-empty list. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export function buildAdvise(store: StoreContents, dsourceName?: string): AdviseResult {
  const dsources = store.dsources.filter((d) => dsourceName === undefined || d.name === dsourceName);
  return {
    formatVersion: 1,
    method: METHOD,
    dsources: dsources.map((d) => {
      const snaps = store.snapshots
        .filter((s) => s.kind === 'vdb' && s.dsourceId === d.id)
        .map((s) => vdbSnapshotView(s, store.vdbs));
      const lags = snaps.map((s) => s.logShippingLagSeconds).filter((x): x is number => x !== null);
      const interval = [...snaps].reverse().find((s) => s.logBackupIntervalSeconds !== null)?.logBackupIntervalSeconds ?? null;
      const drifts = snaps.map((s) => s.driftSeconds).filter((x): x is number => x !== null);
      const p95 = lags.length ? percentile(lags, 95) : null;
      let recommended: number | null = null;
      let reason: string;
      if (p95 === null) {
        reason =
          'No log-shipping lag measured yet: no VDB snapshot of this dSource records logShippingLagSeconds. ' +
          'Provision or refresh a VDB with a plugin that measures it.';
      } else if (interval === null) {
        reason =
          `Lag measured (p95 ${p95} s over ${lags.length} recoveries), but no log backup interval ` +
          `(coverage.logBackupIntervalSeconds) was recorded, so no offset can be derived.`;
      } else {
        recommended = Math.ceil((p95 + interval) / 60);
        reason =
          `p95 lag ${p95} s (${lags.length} recoveries) + log backup interval ${interval} s = ` +
          `${p95 + interval} s, rounded up to ${recommended} min.`;
      }
      const rpo = d.parameters.rpoOffsetMinutes;
      return {
        dsource: d.name,
        sourceConfig: d.sourceConfigName,
        currentRpoOffsetMinutes: Number.isInteger(rpo) ? (rpo as number) : null,
        lag: { samples: lags.length, p95Seconds: p95, maxSeconds: lags.length ? Math.max(...lags) : null },
        logBackupIntervalSeconds: interval,
        recommendedRpoOffsetMinutes: recommended,
        reason,
        drift: {
          samples: drifts.length,
          shortCount: drifts.filter((x) => x > 0).length,
          p95Seconds: drifts.length ? percentile(drifts, 95) : null,
          maxSeconds: drifts.length ? Math.max(...drifts) : null,
        },
      };
    }),
  };
}

const kv = (label: string, value: string) => labelled(2, label, 14, wrap(value, WIDTH - 16));

/** The dSource's RPO offset is below the recommended one. */
const lowerOffset = (a: Advice): boolean =>
  a.currentRpoOffsetMinutes !== null &&
  a.recommendedRpoOffsetMinutes !== null &&
  a.currentRpoOffsetMinutes < a.recommendedRpoOffsetMinutes;

export function renderAdviseTable(r: AdviseResult): string {
  const lines: string[] = [];
  if (r.dsources.length === 0) lines.push('No dSources in this store yet.');
  for (const a of r.dsources) {
    if (lines.length) lines.push('');
    lines.push(`dSource ${a.dsource}  ${a.sourceConfig}`);
    lines.push(...kv('current RPO', a.currentRpoOffsetMinutes === null ? '-' : `${a.currentRpoOffsetMinutes} min`));
    const verdict =
      a.recommendedRpoOffsetMinutes === null
        ? 'none'
        : `${a.recommendedRpoOffsetMinutes} min${lowerOffset(a) ? ' (current offset is lower: raise it)' : ''}`;
    lines.push(...kv('recommended', verdict), ...kv('because', a.reason));
    const d = a.drift;
    lines.push(
      ...kv(
        'drift so far',
        d.samples === 0
          ? 'no VDB snapshot records both requested and achieved times'
          : `${d.samples} VDB snapshot${d.samples === 1 ? '' : 's'}, ${d.shortCount} short of the request; ` +
              `p95 ${formatSeconds(d.p95Seconds!)}, max ${formatSeconds(d.maxSeconds!)}`,
      ),
    );
  }
  lines.push('', ...wrap(`Method: ${r.method}.`, WIDTH));
  return fitLines(lines);
}

export function renderAdviseCsv(r: AdviseResult): string {
  return toCsv(
    [
      'dsource',
      'sourceConfig',
      'currentRpoOffsetMinutes',
      'recommendedRpoOffsetMinutes',
      'lagSamples',
      'lagP95Seconds',
      'lagMaxSeconds',
      'logBackupIntervalSeconds',
      'driftSamples',
      'driftShortCount',
      'driftP95Seconds',
      'driftMaxSeconds',
      'reason',
    ],
    r.dsources.map((a) => [
      a.dsource,
      a.sourceConfig,
      a.currentRpoOffsetMinutes,
      a.recommendedRpoOffsetMinutes,
      a.lag.samples,
      a.lag.p95Seconds,
      a.lag.maxSeconds,
      a.logBackupIntervalSeconds,
      a.drift.samples,
      a.drift.shortCount,
      a.drift.p95Seconds,
      a.drift.maxSeconds,
      a.reason,
    ]),
  );
}
