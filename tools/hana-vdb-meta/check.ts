/**
 * `hana-vdb-meta check`: findings for monitoring, on the store as it is now.
 *  - achieved-point-mismatch: VDBs whose current snapshots come from one dSource snapshot but reached
 *    different points (achievedTimestamp or reachedLogPosition);
 *  - drift: a VDB's current snapshot is further from the requested time than allowed (--max-drift, else
 *    the VDB's maxDriftSeconds, else the dSource's; 0 or unset = no limit);
 *  - failed-recovery / interrupted-recovery: a VDB's latest recovery attempt;
 *  - failed-job / interrupted-job: the latest job on an object, when it is not a recovery reported above.
 * Superseded failures (a later attempt succeeded) are history, not findings.
 */
import type { Json, JobRow } from '../../src/engine/store/read-only.js';
import { toCsv } from './csv.js';
import { attemptView, jobOutcome, vdbSnapshotView, type VdbSnapshotView } from './model.js';
import type { StoreContents } from './store.js';
import { fitLines, formatSeconds, wrap, WIDTH } from './text.js';

/** Error text as a sentence, so the advice after it reads right. */
const sentence = (text: string | null) =>
  text === null ? 'no error text was recorded.' : /[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;

export type FindingKind =
  'achieved-point-mismatch' | 'drift' | 'failed-recovery' | 'interrupted-recovery' | 'failed-job' | 'interrupted-job';

export interface FindingObject {
  type: 'dsource' | 'vdb' | 'snapshot' | 'job' | 'environment';
  /** Name (dSource, VDB, environment) or id (snapshot, job). */
  id: string | number;
}

export interface Finding {
  kind: FindingKind;
  objects: FindingObject[];
  message: string;
}

export interface CheckResult {
  formatVersion: 1;
  /** --max-drift when given; null = per-VDB/dSource configuration. */
  maxDriftSeconds: number | null;
  checked: { dsources: number; vdbs: number; snapshots: number; recoveryAttempts: number; jobs: number };
  findings: Finding[];
}

function configuredMaxDrift(vdbParams: Json, dsourceParams: Json | undefined): number {
  const own = vdbParams.maxDriftSeconds;
  if (Number.isInteger(own)) return own as number;
  const ds = dsourceParams?.maxDriftSeconds;
  return Number.isInteger(ds) ? (ds as number) : 0;
}

const point = (v: VdbSnapshotView) => `${v.achievedTimestamp ?? '?'} / log position ${v.reachedLogPosition ?? '?'}`;
const distinct = (values: Array<string | null>) => new Set(values.filter((x): x is string => x !== null)).size;

function mismatches(current: VdbSnapshotView[]): Finding[] {
  const out: Finding[] = [];
  const byParent = new Map<number, VdbSnapshotView[]>();
  for (const v of current)
    if (v.parentSnapshotId !== null) byParent.set(v.parentSnapshotId, [...(byParent.get(v.parentSnapshotId) ?? []), v]);
  for (const [parent, group] of byParent) {
    if (group.length < 2) continue;
    const ts = distinct(group.map((v) => v.achievedTimestamp));
    const pos = distinct(group.map((v) => v.reachedLogPosition));
    if (ts <= 1 && pos <= 1) continue;
    const what = [ts > 1 ? 'achieved timestamps' : null, pos > 1 ? 'log positions' : null].filter(Boolean).join(' and ');
    out.push({
      kind: 'achieved-point-mismatch',
      objects: [
        { type: 'dsource', id: group[0]!.dsource },
        { type: 'snapshot', id: parent },
        ...group.flatMap((v) => [
          { type: 'vdb' as const, id: v.vdb ?? '?' },
          { type: 'snapshot' as const, id: v.id },
        ]),
      ],
      message:
        `VDBs from dSource snapshot ${parent} (${group[0]!.dsource}) hold different data: different ` +
        `${what}: ${group.map((v) => `${v.vdb} (snapshot ${v.id}) reached ${point(v)}`).join('; ')}. Refresh ` +
        `the VDBs that must match from one snapshot with pinning, or accept the difference.`,
    });
  }
  return out;
}

function drifts(store: StoreContents, current: VdbSnapshotView[], override: number | null): Finding[] {
  const out: Finding[] = [];
  for (const v of current) {
    if (v.driftSeconds === null) continue;
    const vdb = store.vdbs.find((x) => x.name === v.vdb)!;
    const limit = override ?? configuredMaxDrift(vdb.parameters, store.dsources.find((d) => d.id === vdb.dsourceId)?.parameters);
    if (limit <= 0 || Math.abs(v.driftSeconds) <= limit) continue;
    out.push({
      kind: 'drift',
      objects: [
        { type: 'vdb', id: vdb.name },
        { type: 'snapshot', id: v.id },
      ],
      message:
        `VDB ${vdb.name} (snapshot ${v.id}) reached ${v.achievedTimestamp}, ` +
        `${formatSeconds(v.driftSeconds)} from the requested ${v.recoveryTimestamp}; the limit is ${limit} ` +
        `s${override === null ? '' : ' (--max-drift)'}. Log backups probably had not reached the backup ` +
        `tool: refresh once they have, or raise the dSource's RPO offset (hana-vdb-meta advise).`,
    });
  }
  return out;
}

function recoveries(store: StoreContents): { findings: Finding[]; jobIds: Set<number> } {
  const findings: Finding[] = [];
  const jobIds = new Set(store.history.map((h) => h.jobId));
  for (const vdb of store.vdbs) {
    const rows = store.history.filter((h) => h.vdbId === vdb.id);
    const last = rows[rows.length - 1];
    if (!last) continue;
    const a = attemptView(last, store);
    if (a.outcome !== 'failed' && a.outcome !== 'interrupted') continue;
    findings.push({
      kind: a.outcome === 'failed' ? 'failed-recovery' : 'interrupted-recovery',
      objects: [
        { type: 'vdb', id: vdb.name },
        { type: 'job', id: a.jobId },
        ...(a.dsourceSnapshotId !== null ? [{ type: 'snapshot' as const, id: a.dsourceSnapshotId }] : []),
      ],
      message:
        `The last ${a.operation} of VDB ${vdb.name} (job ${a.jobId}, started ${a.startedAt}) ` +
        `${a.outcome === 'failed' ? 'failed' : 'was interrupted'}: ${sentence(a.error)} VDB status: ` +
        `${vdb.status}. Retry with hana-vdb vdb refresh ${vdb.name}, or see hana-vdb-meta show ${vdb.name}.`,
    });
  }
  return { findings, jobIds };
}

function jobs(store: StoreContents, recoveryJobs: Set<number>): Finding[] {
  const latest = new Map<string, JobRow>();
  for (const j of store.jobs) latest.set(`${j.objectType}:${j.objectName}`, j); // oldest first: the last one wins
  const out: Finding[] = [];
  for (const j of latest.values()) {
    if (recoveryJobs.has(j.id)) continue;
    const { outcome, error } = jobOutcome(j, store);
    if (outcome !== 'failed' && outcome !== 'interrupted') continue;
    const type = (['dsource', 'vdb', 'environment'] as const).find((t) => t === j.objectType) ?? 'environment';
    out.push({
      kind: outcome === 'failed' ? 'failed-job' : 'interrupted-job',
      objects: [
        { type, id: j.objectName },
        { type: 'job', id: j.id },
      ],
      message:
        `Job ${j.id} (${j.operation} of ${j.objectType} ${j.objectName}, started ${j.startedAt}) ` +
        `${outcome === 'failed' ? 'failed' : 'was interrupted'}: ${sentence(error)} It is the latest job on ` +
        `that object; run the operation again once the cause is fixed.`,
    });
  }
  return out;
}

export function buildCheck(store: StoreContents, maxDrift: number | null): CheckResult {
  const current = store.vdbs
    .filter((v) => v.currentSnapshotId !== null)
    .map((v) => store.snapshots.find((s) => s.id === v.currentSnapshotId))
    .filter((s) => s !== undefined)
    .map((s) => vdbSnapshotView(s, store.vdbs));
  const rec = recoveries(store);
  return {
    formatVersion: 1,
    maxDriftSeconds: maxDrift,
    checked: {
      dsources: store.dsources.length,
      vdbs: store.vdbs.length,
      snapshots: store.snapshots.length,
      recoveryAttempts: store.history.length,
      jobs: store.jobs.length,
    },
    findings: [...mismatches(current), ...drifts(store, current, maxDrift), ...rec.findings, ...jobs(store, rec.jobIds)],
  };
}

export function renderCheckTable(r: CheckResult): string {
  const c = r.checked;
  const scope =
    `${c.dsources} dSources, ${c.vdbs} VDBs, ${c.snapshots} snapshots, ${c.recoveryAttempts} ` +
    `recovery attempts, ${c.jobs} jobs checked`;
  if (r.findings.length === 0) return fitLines(wrap(`No findings (${scope}).`, WIDTH));
  const lines = wrap(`${r.findings.length} finding${r.findings.length === 1 ? '' : 's'} (${scope}):`, WIDTH);
  for (const f of r.findings) lines.push('', f.kind, ...wrap(f.message, WIDTH - 2).map((l) => `  ${l}`));
  return fitLines(lines);
}

export function renderCheckCsv(r: CheckResult): string {
  return toCsv(
    ['kind', 'objects', 'message'],
    r.findings.map((f) => [f.kind, f.objects.map((o) => `${o.type}:${o.id}`).join(' '), f.message]),
  );
}
