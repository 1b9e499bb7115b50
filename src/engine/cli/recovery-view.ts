/**
 * Recovery metadata as people read it: a VDB's state and one row per recovery (snapshot, executed, requested,
 * achieved, drift, reached position, outcome), snapshots with their points as columns, parameters as `key = value`.
 * Times are stored in UTC; shown in UTC unless --tz names an IANA zone. Tables fit 100 columns.
 */
import { DateTime } from 'luxon';
import { UserError } from '../../sdk/errors.js';
import type { Json, RecoveryHistoryRow, SnapshotRow, VdbRow } from '../store/types.js';
import { table } from './output.js';

export interface Zone {
  name: string;
  /** "UTC" or "Europe/Berlin (UTC+01:00)". */
  label: string;
}

export function zoneOf(tz: string | undefined): Zone {
  if (tz === undefined || tz === 'UTC') return { name: 'UTC', label: 'UTC' };
  const now = DateTime.utc().setZone(tz);
  if (!now.isValid) throw new UserError(`Unknown time zone '${tz}'.`, 'Use an IANA zone name such as Europe/Berlin, or UTC.');
  return { name: tz, label: `${tz} (UTC${now.toFormat('ZZ')})` };
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;

/** A stored UTC instant in the zone: "yyyy-MM-dd HH:mm:ss", or "MM-dd HH:mm:ss" in tables (the year is in the heading). */
export function timeIn(iso: unknown, zone: Zone, short = false): string {
  if (typeof iso !== 'string' || !ISO_UTC.test(iso)) return iso === null || iso === undefined ? '-' : String(iso);
  return DateTime.fromISO(iso, { zone: 'utc' })
    .setZone(zone.name)
    .toFormat(short ? 'MM-dd HH:mm:ss' : 'yyyy-MM-dd HH:mm:ss');
}

function yearsOf(isos: unknown[], zone: Zone): string {
  const years = new Set(
    isos.filter((t): t is string => typeof t === 'string' && ISO_UTC.test(t)).map((t) => timeIn(t, zone).slice(0, 4)),
  );
  return [...years].sort().join(', ');
}

/** Word-wrap a note to 100 columns, continuation lines indented under its text. */
export function wrap(first: string, text: string, width = 100): string[] {
  const pad = ' '.repeat(first.length);
  const lines: string[] = [];
  let line = first;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line.length + word.length + 1 > width && line.trim() !== first.trim()) {
      lines.push(line);
      line = pad;
    }
    line += line === pad || line === first ? word : ` ${word}`;
  }
  lines.push(line);
  return lines;
}

const drift = (v: unknown) => (typeof v === 'number' ? `${v} s` : '-');

/** Recovery history: one row per provision, refresh, rewind (newest last), HANA's message and errors below. */
export function recoveryTable(history: RecoveryHistoryRow[], zone: Zone): string {
  const rows = history.map((h) => {
    const m = obj(h.metadata);
    return {
      '#': h.id,
      operation: h.operation,
      snapshot: h.dsourceSnapshotId ?? h.targetSnapshotId,
      executed: timeIn(m.executionTimestamp ?? h.startedAt, zone, true),
      requested: timeIn(m.recoveryTimestamp, zone, true),
      achieved: timeIn(m.achievedTimestamp, zone, true),
      drift: drift(m.driftSeconds),
      position: m.reachedLogPosition,
      outcome: h.outcome,
    };
  });
  const notes = history.flatMap((h) => {
    const m = obj(h.metadata);
    const lines = [];
    if (typeof m.recoveryInfo === 'string') lines.push(...wrap(`  #${h.id} HANA: `, m.recoveryInfo));
    if (h.error) lines.push(...wrap(`  #${h.id} error: `, h.error));
    for (const w of Array.isArray(m.recoveryWarnings) ? m.recoveryWarnings : [])
      lines.push(...wrap(`  #${h.id} warning: `, String(w)));
    return lines;
  });
  const times = history.flatMap((h) => [obj(h.metadata).executionTimestamp ?? h.startedAt]);
  const heading = `Recoveries (times ${zone.label}${times.length ? `, ${yearsOf(times, zone)}` : ''}):\n`;
  return heading + table(rows, Object.keys(rows[0] ?? { '#': 0 })) + (notes.length ? `${notes.join('\n')}\n` : '');
}

/** Snapshots with the points that matter as columns instead of their metadata as one JSON string. */
export function snapshotTable(snapshots: SnapshotRow[], zone: Zone): string {
  const rows = snapshots.map((s) => {
    const m = obj(s.metadata);
    return {
      id: s.id,
      kind: s.kind,
      of: s.kind === 'vdb' ? s.vdbName : s.dsourceName,
      origin: timeIn(m.originTimestamp, zone, true),
      requested: timeIn(m.recoveryTimestamp, zone, true),
      achieved: timeIn(m.achievedTimestamp, zone, true),
      drift: drift(m.driftSeconds),
      pinned: timeIn(m.pinnedTimestamp, zone, true),
    };
  });
  const years = yearsOf(
    snapshots.map((s) => obj(s.metadata).originTimestamp),
    zone,
  );
  const columns = ['id', 'kind', 'of', 'origin', 'requested', 'achieved', 'drift', 'pinned'];
  return `Times ${zone.label}${years ? `, ${years}` : ''}.\n${table(rows, columns)}`;
}

/** Nested objects flattened to `a.b = value` lines; timestamps in the zone; arrays joined. */
export function keyValues(value: Json | Obj, zone: Zone, indent = '  ', prefix = ''): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(obj(value))) {
    const key = `${prefix}${k}`;
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      lines.push(keyValues(v as Obj, zone, indent, `${key}.`).trimEnd());
    } else {
      const text = Array.isArray(v)
        ? v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') || '-'
        : timeIn(v, zone);
      lines.push(`${indent}${key} = ${text}`);
    }
  }
  return lines.filter(Boolean).join('\n') + '\n';
}

/** `hana-vdb show vdb NAME`: state first, then the recoveries, then the parameters. */
export function vdbText(vdb: VdbRow, history: RecoveryHistoryRow[], snapshots: SnapshotRow[], zone: Zone): string {
  const target = obj(vdb.sourceConfig).name ?? obj(vdb.parameters).targetTenant ?? '-';
  const head = [
    `VDB ${vdb.name}: ${vdb.status}`,
    `  target ${String(target)} in ${vdb.repositoryName} on ${vdb.environmentName}; dSource ${vdb.dsourceName}`,
    `  current snapshot ${vdb.currentSnapshotId ?? '-'}, provisioned from snapshot ${vdb.provisionedFromSnapshotId ?? '-'}` +
      `; VDB snapshots ${snapshots.map((s) => s.id).join(', ') || '-'}`,
    `  created ${timeIn(vdb.createdAt, zone)} ${zone.label}`,
  ].join('\n');
  return `${head}\n\n${recoveryTable(history, zone)}\nParameters:\n${keyValues(vdb.parameters, zone)}`;
}
