/**
 * Typed views of the stored snapshot metadata (snapshotDefinition in schemas/schema.json). Metadata is plugin
 * output: a field that is absent or of the wrong type reads as null, never as a made-up value.
 */
import type { Json, JobRow, RecoveryHistoryRow, SnapshotRow, VdbRow } from '../../src/engine/store/read-only.js';
import type { StoreContents } from './store.js';
import { secondsBetween } from './time.js';

const str = (m: Json | null, k: string): string | null => (m && typeof m[k] === 'string' ? (m[k] as string) : null);
const int = (m: Json | null, k: string): number | null => (m && Number.isInteger(m[k]) ? (m[k] as number) : null);
const obj = (m: Json | null, k: string): Json | null =>
  m && typeof m[k] === 'object' && m[k] !== null && !Array.isArray(m[k]) ? (m[k] as Json) : null;

export interface DSourceSnapshotView {
  id: number;
  dsource: string;
  sourceSid: string | null;
  sourceTenant: string | null;
  originTimestamp: string | null;
  rpoOffsetMinutes: number | null;
  takenAt: string | null;
  createdAt: string;
}

/** What one recovery recorded (VDB snapshot metadata, or a recovery history row's copy of it). */
export interface RecoveryView {
  executionTimestamp: string | null;
  recoveryTimestamp: string | null;
  achievedTimestamp: string | null;
  /** recoveryTimestamp − achievedTimestamp in seconds (positive: HANA stopped short of the request). */
  driftSeconds: number | null;
  recoveryInfo: string | null;
  reachedLogPosition: string | null;
  operationId: string | null;
  logShippingLagSeconds: number | null;
  logBackupIntervalSeconds: number | null;
}

export interface VdbSnapshotView extends RecoveryView {
  id: number;
  dsource: string;
  vdb: string | null;
  vdbStatus: string | null;
  parentSnapshotId: number | null;
  current: boolean;
  createdAt: string;
}

export function dsourceSnapshotView(s: SnapshotRow): DSourceSnapshotView {
  const m = s.metadata;
  return {
    id: s.id,
    dsource: s.dsourceName,
    sourceSid: str(m, 'sourceSid'),
    sourceTenant: str(m, 'sourceTenant'),
    originTimestamp: str(m, 'originTimestamp'),
    rpoOffsetMinutes: int(m, 'rpoOffsetMinutes'),
    takenAt: str(m, 'takenAt'),
    createdAt: s.createdAt,
  };
}

export function recoveryView(m: Json | null): RecoveryView {
  const recoveryTimestamp = str(m, 'recoveryTimestamp');
  const achievedTimestamp = str(m, 'achievedTimestamp');
  return {
    executionTimestamp: str(m, 'executionTimestamp'),
    recoveryTimestamp,
    achievedTimestamp,
    driftSeconds: secondsBetween(recoveryTimestamp, achievedTimestamp),
    recoveryInfo: str(m, 'recoveryInfo'),
    reachedLogPosition: str(m, 'reachedLogPosition'),
    operationId: str(m, 'operationId'),
    logShippingLagSeconds: int(m, 'logShippingLagSeconds'),
    logBackupIntervalSeconds: int(obj(m, 'coverage'), 'logBackupIntervalSeconds'),
  };
}

export function vdbSnapshotView(s: SnapshotRow, vdbs: readonly VdbRow[]): VdbSnapshotView {
  const vdb = vdbs.find((v) => v.id === s.vdbId);
  return {
    id: s.id,
    dsource: s.dsourceName,
    vdb: s.vdbName,
    vdbStatus: vdb?.status ?? null,
    parentSnapshotId: s.parentSnapshotId,
    current: vdb?.currentSnapshotId === s.id,
    createdAt: s.createdAt,
    ...recoveryView(s.metadata),
  };
}

/** A recovery attempt as it stands: a "running" one whose process is gone is interrupted (the engine records that later). */
export interface AttemptView {
  id: number;
  vdb: string;
  operation: RecoveryHistoryRow['operation'];
  outcome: RecoveryHistoryRow['outcome'];
  recordedOutcome: RecoveryHistoryRow['outcome'];
  error: string | null;
  jobId: number;
  startedAt: string;
  endedAt: string | null;
  dsourceSnapshotId: number | null;
  targetSnapshotId: number | null;
  vdbSnapshotId: number | null;
  recovery: RecoveryView | null;
}

export function processGoneText(job: JobRow): string {
  return (
    `The hana-vdb process (pid ${job.pid}) ended while this job was running; the engine records it as ` +
    `interrupted the next time it runs.`
  );
}

export function attemptView(h: RecoveryHistoryRow, store: StoreContents): AttemptView {
  const job = store.jobs.find((j) => j.id === h.jobId);
  const gone = h.outcome === 'running' && job !== undefined && store.deadJobIds.has(job.id);
  return {
    id: h.id,
    vdb: h.vdbName,
    operation: h.operation,
    outcome: gone ? 'interrupted' : h.outcome,
    recordedOutcome: h.outcome,
    error: gone ? processGoneText(job) : h.error,
    jobId: h.jobId,
    startedAt: h.startedAt,
    endedAt: h.endedAt,
    dsourceSnapshotId: h.dsourceSnapshotId,
    targetSnapshotId: h.targetSnapshotId,
    vdbSnapshotId: h.vdbSnapshotId,
    recovery: h.metadata ? recoveryView(h.metadata) : null,
  };
}

/** A job as it stands (see AttemptView). */
export function jobOutcome(job: JobRow, store: StoreContents): { outcome: JobRow['outcome']; error: string | null } {
  return store.deadJobIds.has(job.id)
    ? { outcome: 'interrupted', error: processGoneText(job) }
    : { outcome: job.outcome, error: job.error };
}
