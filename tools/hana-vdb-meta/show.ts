/**
 * `hana-vdb-meta show ID`: a snapshot (numeric id) or a VDB (name) with every recovery attempt that
 * touched it (vdb_recovery_history: provision, refresh, rewind, enable), outcome and error text in full.
 */
import { UserError } from '../../src/sdk/errors.js';
import type { Json } from '../../src/engine/store/read-only.js';
import { toCsv } from './csv.js';
import {
  attemptView,
  dsourceSnapshotView,
  recoveryView,
  type AttemptView,
  type DSourceSnapshotView,
  type RecoveryView,
} from './model.js';
import type { StoreContents } from './store.js';
import { fitLines, formatSeconds, labelled, wrap, WIDTH } from './text.js';
import { display, type DisplayZone } from './time.js';

export interface SnapshotDetail {
  id: number;
  kind: 'dsource' | 'vdb';
  dsource: string;
  vdb: string | null;
  parentSnapshotId: number | null;
  createdAt: string;
  jobId: number | null;
  /** Fields of the snapshotDefinition (dSource part). */
  source: Omit<DSourceSnapshotView, 'id' | 'dsource' | 'createdAt'>;
  /** VDB snapshots: what the recovery recorded; null for dSource snapshots. */
  recovery: RecoveryView | null;
  /** The stored metadata as the plugin returned it (coverage, verification result, pinning, ...). */
  metadata: Json;
}

export interface VdbDetail {
  name: string;
  dsource: string;
  status: string;
  environment: string;
  provisionedFromSnapshotId: number | null;
  currentSnapshotId: number | null;
  createdAt: string;
}

export interface ShowResult {
  formatVersion: 1;
  kind: 'snapshot' | 'vdb';
  snapshot: SnapshotDetail | null;
  vdb: VdbDetail | null;
  recoveryHistory: AttemptView[];
}

function snapshotDetail(store: StoreContents, id: number): SnapshotDetail | undefined {
  const s = store.snapshots.find((x) => x.id === id);
  if (!s) return undefined;
  const { id: _i, dsource: _d, createdAt: _c, ...source } = dsourceSnapshotView(s);
  return {
    id: s.id,
    kind: s.kind,
    dsource: s.dsourceName,
    vdb: s.vdbName,
    parentSnapshotId: s.parentSnapshotId,
    createdAt: s.createdAt,
    jobId: s.jobId,
    source,
    recovery: s.kind === 'vdb' ? recoveryView(s.metadata) : null,
    metadata: s.metadata,
  };
}

export function buildShow(store: StoreContents, id: string): ShowResult {
  const attempts = (pred: (a: AttemptView) => boolean) => store.history.map((h) => attemptView(h, store)).filter(pred);
  if (/^[1-9]\d*$/.test(id)) {
    const snapshot = snapshotDetail(store, Number(id));
    if (snapshot) {
      const n = snapshot.id;
      return {
        formatVersion: 1,
        kind: 'snapshot',
        snapshot,
        vdb: null,
        recoveryHistory: attempts((a) => a.dsourceSnapshotId === n || a.targetSnapshotId === n || a.vdbSnapshotId === n),
      };
    }
  }
  const v = store.vdbs.find((x) => x.name === id);
  if (v) {
    return {
      formatVersion: 1,
      kind: 'vdb',
      snapshot: v.currentSnapshotId === null ? null : (snapshotDetail(store, v.currentSnapshotId) ?? null),
      vdb: {
        name: v.name,
        dsource: v.dsourceName,
        status: v.status,
        environment: v.environmentName,
        provisionedFromSnapshotId: v.provisionedFromSnapshotId,
        currentSnapshotId: v.currentSnapshotId,
        createdAt: v.createdAt,
      },
      recoveryHistory: attempts((a) => a.vdb === v.name),
    };
  }
  const ids = store.snapshots.map((s) => s.id);
  throw new UserError(
    `No snapshot with id ${id} and no VDB named '${id}' in this store.`,
    `Pass a snapshot id (${ids.length ? `${ids[0]}..${ids[ids.length - 1]}` : 'none yet'}) or a VDB name ` +
      `(${store.vdbs.map((x) => x.name).join(', ') || 'none yet'}); hana-vdb-meta list shows both.`,
  );
}

// ---- table ----

const kv = (indent: number, label: string, value: string) => labelled(indent, label, 12, wrap(value, WIDTH - indent - 12));

function recoveryLines(r: RecoveryView, zone: DisplayZone, indent: number): string[] {
  return [
    ...kv(indent, 'executed', display(r.executionTimestamp, zone)),
    ...kv(indent, 'requested', display(r.recoveryTimestamp, zone)),
    ...kv(indent, 'achieved', display(r.achievedTimestamp, zone)),
    ...kv(indent, 'drift', r.driftSeconds === null ? '-' : formatSeconds(r.driftSeconds)),
    ...kv(indent, 'log pos', r.reachedLogPosition ?? '-'),
    ...kv(indent, 'op id', r.operationId ?? '-'),
    ...kv(indent, 'info', r.recoveryInfo ?? '-'),
  ];
}

const KNOWN = new Set([
  'sourceSid',
  'sourceTenant',
  'originTimestamp',
  'rpoOffsetMinutes',
  'takenAt',
  'executionTimestamp',
  'recoveryTimestamp',
  'achievedTimestamp',
  'recoveryInfo',
  'reachedLogPosition',
  'operationId',
]);

function snapshotLines(s: SnapshotDetail, zone: DisplayZone): string[] {
  const head =
    s.kind === 'dsource'
      ? `Snapshot ${s.id}: dSource snapshot of ${s.dsource}`
      : `Snapshot ${s.id}: VDB snapshot of ${s.vdb ?? '?'} (dSource ` +
        `${s.dsource}${s.parentSnapshotId === null ? '' : `, from snapshot ${s.parentSnapshotId}`})`;
  const out = [head];
  out.push(
    ...kv(2, 'source', s.source.sourceTenant && s.source.sourceSid ? `${s.source.sourceTenant}@${s.source.sourceSid}` : '-'),
  );
  out.push(...kv(2, 'taken', display(s.source.takenAt, zone)));
  out.push(...kv(2, 'origin', display(s.source.originTimestamp, zone)));
  out.push(...kv(2, 'RPO offset', s.source.rpoOffsetMinutes === null ? '-' : `${s.source.rpoOffsetMinutes} min`));
  if (s.recovery) out.push(...recoveryLines(s.recovery, zone, 2));
  const extra = Object.entries(s.metadata).filter(([k]) => !KNOWN.has(k));
  if (extra.length) out.push('  also recorded');
  for (const [k, v] of extra)
    out.push(...wrap(`${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`, WIDTH - 4).map((l) => `    ${l}`));
  return out;
}

function attemptLines(a: AttemptView, zone: DisplayZone): string[] {
  const out = [
    `  #${a.id} ${a.operation} of ${a.vdb}: ` +
      `${a.outcome}${a.outcome !== a.recordedOutcome ? ` (recorded as ${a.recordedOutcome})` : ''}  (job ${a.jobId})`,
  ];
  out.push(...kv(4, 'started', display(a.startedAt, zone)));
  out.push(...kv(4, 'ended', display(a.endedAt, zone)));
  const from = [
    a.dsourceSnapshotId !== null ? `dSource snapshot ${a.dsourceSnapshotId}` : null,
    a.targetSnapshotId !== null ? `target snapshot ${a.targetSnapshotId}` : null,
  ]
    .filter((x) => x !== null)
    .join(', ');
  out.push(...kv(4, 'from', from || '-'));
  if (a.vdbSnapshotId !== null) out.push(...kv(4, 'result', `VDB snapshot ${a.vdbSnapshotId}`));
  if (a.error) out.push(...kv(4, 'error', a.error));
  if (a.recovery) out.push(...recoveryLines(a.recovery, zone, 4));
  return out;
}

export function renderShowTable(r: ShowResult, zone: DisplayZone): string {
  const lines = [`Times in ${zone.name}.`, ''];
  if (r.vdb) {
    const v = r.vdb;
    lines.push(`VDB ${v.name}: ${v.status}`);
    lines.push(...kv(2, 'dSource', v.dsource), ...kv(2, 'environment', v.environment));
    lines.push(...kv(2, 'from', v.provisionedFromSnapshotId === null ? '-' : `dSource snapshot ${v.provisionedFromSnapshotId}`));
    lines.push(...kv(2, 'current', v.currentSnapshotId === null ? '- (no VDB snapshot)' : `snapshot ${v.currentSnapshotId}`));
    lines.push(...kv(2, 'created', display(v.createdAt, zone)));
    if (r.snapshot) lines.push('', 'Current snapshot', ...snapshotLines(r.snapshot, zone));
  } else if (r.snapshot) {
    lines.push(...snapshotLines(r.snapshot, zone));
  }
  lines.push('', `Recovery history (${r.recoveryHistory.length} attempt${r.recoveryHistory.length === 1 ? '' : 's'})`);
  if (r.recoveryHistory.length === 0) lines.push('  (none)');
  for (const a of r.recoveryHistory) lines.push(...attemptLines(a, zone));
  return fitLines(lines);
}

export const SHOW_CSV_HEADER = [
  'attemptId',
  'vdb',
  'operation',
  'outcome',
  'recordedOutcome',
  'jobId',
  'startedAt',
  'endedAt',
  'dsourceSnapshotId',
  'targetSnapshotId',
  'vdbSnapshotId',
  'executionTimestamp',
  'recoveryTimestamp',
  'achievedTimestamp',
  'driftSeconds',
  'reachedLogPosition',
  'operationId',
  'recoveryInfo',
  'error',
] as const;

/** CSV of `show`: the recovery history, one attempt per row. */
export function renderShowCsv(r: ShowResult): string {
  return toCsv(
    SHOW_CSV_HEADER,
    r.recoveryHistory.map((a) => [
      a.id,
      a.vdb,
      a.operation,
      a.outcome,
      a.recordedOutcome,
      a.jobId,
      a.startedAt,
      a.endedAt,
      a.dsourceSnapshotId,
      a.targetSnapshotId,
      a.vdbSnapshotId,
      a.recovery?.executionTimestamp,
      a.recovery?.recoveryTimestamp,
      a.recovery?.achievedTimestamp,
      a.recovery?.driftSeconds,
      a.recovery?.reachedLogPosition,
      a.recovery?.operationId,
      a.recovery?.recoveryInfo,
      a.error,
    ]),
  );
}
