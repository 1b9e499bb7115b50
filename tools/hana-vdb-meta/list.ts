/**
 * `hana-vdb-meta list`: per dSource its snapshots, and under each the VDB snapshots recovered from it.
 * Filters: --dsource, --vdb, --since/--until (a dSource snapshot by takenAt, a VDB snapshot by
 * executionTimestamp; a dSource snapshot outside the range stays when VDB snapshots under it are inside).
 */
import type { DateTime } from 'luxon';
import { UserError } from '../../src/sdk/errors.js';
import type { DSourceRow, VdbRow } from '../../src/engine/store/read-only.js';
import { toCsv } from './csv.js';
import { dsourceSnapshotView, vdbSnapshotView, type DSourceSnapshotView, type VdbSnapshotView } from './model.js';
import type { StoreContents } from './store.js';
import { fitLines, formatSeconds, labelled, truncate, wrapLimited, WIDTH } from './text.js';
import { display, instant, type DisplayZone } from './time.js';

export interface ListFilters {
  dsource?: string;
  vdb?: string;
  since?: DateTime;
  until?: DateTime;
}

export type VdbSnapshotEntry = Omit<
  VdbSnapshotView,
  'dsource' | 'parentSnapshotId' | 'logShippingLagSeconds' | 'logBackupIntervalSeconds'
>;
export type DSourceSnapshotEntry = Omit<DSourceSnapshotView, 'dsource'> & { vdbSnapshots: VdbSnapshotEntry[] };

export interface VdbSummary {
  name: string;
  status: VdbRow['status'];
  provisionedFromSnapshotId: number | null;
  currentSnapshotId: number | null;
}

export interface DSourceEntry {
  name: string;
  status: DSourceRow['status'];
  environment: string;
  sourceConfig: string;
  /** The dSource's configured RPO offset (each snapshot records the one in effect when it was taken). */
  rpoOffsetMinutes: number | null;
  snapshots: DSourceSnapshotEntry[];
  /** VDB snapshots whose dSource snapshot is not recorded (kept so nothing is hidden). */
  otherVdbSnapshots: VdbSnapshotEntry[];
  vdbs: VdbSummary[];
}

export interface ListResult {
  formatVersion: 1;
  filters: { dsource: string | null; vdb: string | null; since: string | null; until: string | null };
  dsources: DSourceEntry[];
}

const iso = (t: DateTime | undefined): string | null => (t ? t.toUTC().toISO({ suppressMilliseconds: true }) : null);

function inRange(at: string | null, f: ListFilters): boolean {
  if (!f.since && !f.until) return true;
  const t = instant(at);
  if (!t) return false;
  return (!f.since || t >= f.since) && (!f.until || t <= f.until);
}

function vdbEntry(v: VdbSnapshotView): VdbSnapshotEntry {
  return {
    id: v.id,
    vdb: v.vdb,
    vdbStatus: v.vdbStatus,
    current: v.current,
    createdAt: v.createdAt,
    executionTimestamp: v.executionTimestamp,
    recoveryTimestamp: v.recoveryTimestamp,
    achievedTimestamp: v.achievedTimestamp,
    driftSeconds: v.driftSeconds,
    recoveryInfo: v.recoveryInfo,
    reachedLogPosition: v.reachedLogPosition,
    operationId: v.operationId,
  };
}

export function buildList(store: StoreContents, f: ListFilters): ListResult {
  if (f.dsource !== undefined && !store.dsources.some((d) => d.name === f.dsource)) {
    throw new UserError(
      `There is no dSource named '${f.dsource}'.`,
      `Run hana-vdb-meta list without --dsource to see the dSources ` +
        `(${store.dsources.map((d) => d.name).join(', ') || 'none yet'}).`,
    );
  }
  const onlyVdb = f.vdb === undefined ? undefined : store.vdbs.find((v) => v.name === f.vdb);
  if (f.vdb !== undefined && !onlyVdb) {
    throw new UserError(
      `There is no VDB named '${f.vdb}'.`,
      `Run hana-vdb-meta list without --vdb to see the VDBs (${store.vdbs.map((v) => v.name).join(', ') || 'none yet'}).`,
    );
  }
  const dsources = store.dsources.filter(
    (d) => (f.dsource === undefined || d.name === f.dsource) && (!onlyVdb || d.id === onlyVdb.dsourceId),
  );
  const vdbSnaps = store.snapshots
    .filter((s) => s.kind === 'vdb' && (!onlyVdb || s.vdbId === onlyVdb.id))
    .map((s) => vdbSnapshotView(s, store.vdbs))
    .filter((v) => inRange(v.executionTimestamp ?? v.createdAt, f));
  return {
    formatVersion: 1,
    filters: { dsource: f.dsource ?? null, vdb: f.vdb ?? null, since: iso(f.since), until: iso(f.until) },
    dsources: dsources.map((d) => {
      const own = store.snapshots.filter((s) => s.kind === 'dsource' && s.dsourceId === d.id).map(dsourceSnapshotView);
      const ownIds = new Set(own.map((s) => s.id));
      const children = vdbSnaps.filter((v) => v.dsource === d.name);
      const snapshots = own
        .map(({ dsource: _d, ...s }) => ({ ...s, vdbSnapshots: children.filter((v) => v.parentSnapshotId === s.id).map(vdbEntry) }))
        .filter((s) => s.vdbSnapshots.length > 0 || (!onlyVdb && inRange(s.takenAt ?? s.createdAt, f)));
      const rpo = d.parameters.rpoOffsetMinutes;
      return {
        name: d.name,
        status: d.status,
        environment: d.environmentName,
        sourceConfig: d.sourceConfigName,
        rpoOffsetMinutes: Number.isInteger(rpo) ? (rpo as number) : null,
        snapshots,
        otherVdbSnapshots: children.filter((v) => v.parentSnapshotId === null || !ownIds.has(v.parentSnapshotId)).map(vdbEntry),
        vdbs: store.vdbs
          .filter((v) => v.dsourceId === d.id && (!onlyVdb || v.id === onlyVdb.id))
          .map((v) => ({
            name: v.name,
            status: v.status,
            provisionedFromSnapshotId: v.provisionedFromSnapshotId,
            currentSnapshotId: v.currentSnapshotId,
          })),
      };
    }),
  };
}

// ---- table ----

const INFO_LINES = 3;

function vdbBlock(v: VdbSnapshotEntry, zone: DisplayZone, note: { cut: boolean }): string[] {
  const out = [
    `    VDB ${v.vdb ?? '?'}  snapshot ${v.id}${v.current ? '  (current)' : ''}${v.vdbStatus ? `  [${v.vdbStatus}]` : ''}`,
  ];
  const row = (l1: string, v1: string, l2: string, v2: string) =>
    `      ${l1.padEnd(10)}${v1.padEnd(zone.utc ? 21 : 27)}${l2.padEnd(10)}${v2}`.trimEnd();
  out.push(row('executed', display(v.executionTimestamp, zone), 'log pos', v.reachedLogPosition ?? '-'));
  out.push(row('requested', display(v.recoveryTimestamp, zone), 'op id', v.operationId ?? '-'));
  out.push(
    row('achieved', display(v.achievedTimestamp, zone), 'drift', v.driftSeconds === null ? '-' : formatSeconds(v.driftSeconds)),
  );
  const info = wrapLimited(v.recoveryInfo ?? '-', WIDTH - 16, INFO_LINES);
  if (info.cut) note.cut = true;
  out.push(...labelled(6, 'info', 10, info.lines));
  return out;
}

export function renderListTable(r: ListResult, zone: DisplayZone): string {
  const note = { cut: false };
  const lines: string[] = [`Times in ${zone.name}.`];
  if (r.dsources.length === 0)
    lines.push('', r.filters.dsource || r.filters.vdb ? 'Nothing matches the filters.' : 'No dSources in this store yet.');
  for (const d of r.dsources) {
    lines.push(
      '',
      `dSource ${d.name}  ${d.sourceConfig}  ` +
        `${d.status}${d.rpoOffsetMinutes === null ? '' : `  RPO offset ${d.rpoOffsetMinutes} min`}`,
    );
    if (d.vdbs.length) {
      const names = d.vdbs.map((v) => `${v.name} (${v.status})`).join(', ');
      lines.push(...labelled(2, 'VDBs:', 6, wrapLimited(names, WIDTH - 8, 100).lines));
    }
    if (d.snapshots.length === 0 && d.otherVdbSnapshots.length === 0) lines.push('  (no snapshots match)');
    for (const s of d.snapshots) {
      const src = s.sourceTenant && s.sourceSid ? `${s.sourceTenant}@${s.sourceSid}` : '?';
      lines.push(`  snapshot ${s.id}  ${src}  RPO ${s.rpoOffsetMinutes ?? '?'} min`);
      lines.push(
        (
          `    ${'taken'.padEnd(10)}${display(s.takenAt, zone).padEnd(zone.utc ? 21 : 27)}` +
          `${'origin'.padEnd(10)}${display(s.originTimestamp, zone)}`
        ).trimEnd(),
      );
      if (s.vdbSnapshots.length === 0) lines.push('    (no VDB snapshots)');
      for (const v of s.vdbSnapshots) lines.push(...vdbBlock(v, zone, note));
    }
    if (d.otherVdbSnapshots.length) {
      lines.push('  VDB snapshots whose dSource snapshot is not recorded');
      for (const v of d.otherVdbSnapshots) lines.push(...vdbBlock(v, zone, note));
    }
  }
  if (note.cut) lines.push('', truncate('Long recovery info was shortened (…): hana-vdb-meta show ID prints it whole.', WIDTH));
  return fitLines(lines);
}

// ---- CSV: one row per VDB snapshot (a dSource snapshot without any: one row with the VDB columns empty) ----

export const LIST_CSV_HEADER = [
  'dsource',
  'dsourceStatus',
  'dsourceSnapshotId',
  'sourceSid',
  'sourceTenant',
  'originTimestamp',
  'rpoOffsetMinutes',
  'takenAt',
  'vdb',
  'vdbStatus',
  'vdbSnapshotId',
  'current',
  'executionTimestamp',
  'recoveryTimestamp',
  'achievedTimestamp',
  'driftSeconds',
  'reachedLogPosition',
  'operationId',
  'recoveryInfo',
] as const;

export function renderListCsv(r: ListResult): string {
  const rows: Array<Array<string | number | boolean | null>> = [];
  const vdbCols = (v: VdbSnapshotEntry) => [
    v.vdb,
    v.vdbStatus,
    v.id,
    v.current,
    v.executionTimestamp,
    v.recoveryTimestamp,
    v.achievedTimestamp,
    v.driftSeconds,
    v.reachedLogPosition,
    v.operationId,
    v.recoveryInfo,
  ];
  for (const d of r.dsources) {
    for (const s of d.snapshots) {
      const ds = [d.name, d.status, s.id, s.sourceSid, s.sourceTenant, s.originTimestamp, s.rpoOffsetMinutes, s.takenAt];
      if (s.vdbSnapshots.length === 0) rows.push([...ds, ...Array<null>(11).fill(null)]);
      for (const v of s.vdbSnapshots) rows.push([...ds, ...vdbCols(v)]);
    }
    for (const v of d.otherVdbSnapshots) rows.push([d.name, d.status, null, null, null, null, null, null, ...vdbCols(v)]);
  }
  return toCsv(LIST_CSV_HEADER, rows);
}
