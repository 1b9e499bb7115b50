/** What a demo prints: the pinned JSON shape (docs/COMMANDS.md) and a table people can read. */
import type { SnapshotRow } from '../../src/engine/store/types.js';

export interface DemoVdb {
  name: string;
  /** The VDB snapshot recorded after the recovery. */
  snapshotId: number;
  /** The dSource snapshot the VDB was recovered from. */
  dsourceSnapshotId: number | null;
  executionTimestamp: string | null;
  recoveryTimestamp: string | null;
  achievedTimestamp: string | null;
  recoveryInfo: string | null;
  reachedLogPosition: string | null;
  operationId: string | null;
  dataChecksum: string;
  markerRows: number;
}

export interface DemoReport {
  scenario: string;
  dataDir: string;
  dsource: { name: string; sourceSid: string; sourceTenant: string; rpoOffsetMinutes: number };
  snapshots: Array<{ id: number; kind: 'dsource' | 'vdb'; vdb: string | null } & Record<string, unknown>>;
  vdbs: DemoVdb[];
  /** Scenario-specific findings (e.g. the lag scenario's comparison). */
  findings?: Record<string, unknown>;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : v === undefined || v === null ? null : String(v));

export function snapshotEntry(s: SnapshotRow): DemoReport['snapshots'][number] {
  return { id: s.id, kind: s.kind, vdb: s.vdbName, ...s.metadata };
}

export function vdbEntry(name: string, snap: SnapshotRow, data: { checksum: string; rows: number }): DemoVdb {
  const m = snap.metadata;
  return {
    name,
    snapshotId: snap.id,
    dsourceSnapshotId: snap.parentSnapshotId,
    executionTimestamp: str(m.executionTimestamp),
    recoveryTimestamp: str(m.recoveryTimestamp),
    achievedTimestamp: str(m.achievedTimestamp),
    recoveryInfo: str(m.recoveryInfo),
    reachedLogPosition: str(m.reachedLogPosition),
    operationId: str(m.operationId),
    dataChecksum: data.checksum,
    markerRows: data.rows,
  };
}

function driftSeconds(v: DemoVdb): string {
  if (!v.recoveryTimestamp || !v.achievedTimestamp) return '-';
  return String(Math.round((Date.parse(v.recoveryTimestamp) - Date.parse(v.achievedTimestamp)) / 1000));
}

/** A table for a terminal: UTC times of day when the run stays within one day (printed once above), else month-day too. */
export function renderReport(r: DemoReport): string {
  const stamps = r.vdbs
    .flatMap((v) => [v.executionTimestamp, v.recoveryTimestamp, v.achievedTimestamp])
    .filter((t): t is string => !!t);
  const days = new Set(stamps.map((t) => t.slice(0, 10)));
  const oneDay = days.size <= 1;
  const hhmmss = (iso: string | null): string => (iso ? iso.slice(oneDay ? 11 : 5, 19).replace('T', ' ') : '-');
  const when = oneDay ? `times are UTC on ${[...days][0] ?? ''}` : 'times are UTC';
  const head = ['VDB', 'from snap', 'executed', 'requested', 'achieved', 'drift s', 'log position', 'rows', 'checksum'];
  const rows = r.vdbs.map((v) => [
    `${v.name}#${v.snapshotId}`,
    String(v.dsourceSnapshotId ?? '-'),
    hhmmss(v.executionTimestamp),
    hhmmss(v.recoveryTimestamp),
    hhmmss(v.achievedTimestamp),
    driftSeconds(v),
    v.reachedLogPosition ?? '-',
    String(v.markerRows),
    v.dataChecksum.slice(0, 12),
  ]);
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(width[i]!))
      .join('  ')
      .trimEnd();
  const out = [
    `dSource ${r.dsource.name}: ${r.dsource.sourceTenant}@${r.dsource.sourceSid}, RPO offset ` +
      `${r.dsource.rpoOffsetMinutes} min; ${when}`,
    '',
    line(head),
    line(width.map((w) => '-'.repeat(w))),
    ...rows.map(line),
    '',
    ...r.vdbs.map((v) => `${v.name}#${v.snapshotId}: ${v.recoveryInfo ?? '(no recovery info)'}`),
  ];
  if (r.findings)
    out.push('', ...Object.entries(r.findings).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`));
  out.push('', `Inspect it: hana-vdb-meta list --data-dir ${r.dataDir}`);
  return `${out.join('\n')}\n`;
}
