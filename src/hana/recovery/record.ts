/**
 * The recovery record kept on the target host, because operations keep no state in memory: configure writes it,
 * virtual.postSnapshot reads it back into the VDB snapshot. Lives at <mountPath>/.hana-vdb/recovery.json next
 * to the operation directories (<mountPath>/.hana-vdb/ops/<id>/). A failure is recorded there too.
 */
import { UserError } from '../../sdk/errors.js';
import { runRemote } from '../remote/run.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import { joinPath, type AbsolutePath } from '../identifiers.js';
import type { UtcIso } from '../time.js';

export const STATE_DIR = '.hana-vdb';
export const RECORD_FILE = 'recovery.json';

export function stateDir(mountPath: AbsolutePath): AbsolutePath {
  return joinPath(mountPath, STATE_DIR);
}
export function recordPath(mountPath: AbsolutePath): AbsolutePath {
  return joinPath(mountPath, STATE_DIR, RECORD_FILE);
}
export function opDirPath(mountPath: AbsolutePath, opKey: string): AbsolutePath {
  return joinPath(mountPath, STATE_DIR, 'ops', opKey);
}

/** The dSource snapshot fields a VDB snapshot copies. */
export interface BaseSnapshot {
  sourceSid: string;
  sourceTenant: string;
  originTimestamp: string;
  rpoOffsetMinutes: number;
  takenAt: string;
  /** The dSource's coverage and drift policy, as recorded at snapshot time. */
  recoveryPolicy?: { coveragePolicy: string; coverageWaitTimeoutSeconds: number; maxDriftSeconds: number; driftAction: string };
  /** The Backint tool the backups were read through: a VDB snapshot says which tool its recovery used. */
  backupSource?: string;
}

export type RecoveryStatus = 'running' | 'succeeded' | 'failed';

export interface RecoveryRecord {
  version: 1;
  status: RecoveryStatus;
  targetSid: string;
  targetTenant: string;
  snapshot: BaseSnapshot;
  statement: string;
  opDir: string;
  /** When RECOVER was issued: HANA's `RECOVER DATA started` line, else the host clock at issue. */
  executionTimestamp: UtcIso | null;
  /** The UNTIL TIMESTAMP value. */
  recoveryTimestamp: UtcIso;
  achievedTimestamp: UtcIso | null;
  /** HANA's finish line, verbatim. */
  recoveryInfo: string | null;
  reachedLogPosition: string | null;
  operationId: string | null;
  /** ACTIVE_STATUS of the target tenant after the operation ('YES'/'NO'), null when unknown. */
  tenantActiveStatus: string | null;
  failure: { code: number | null; message: string; action: string } | null;
  updatedAt: UtcIso;
  /** Recovery guarantees: coverage, pin, drift, lag, verification. Absent in records of older versions. */
  guarantees?: GuaranteeRecord;
}

/** What the guarded recovery adds to the VDB snapshot (snapshotDefinition fields of the same names). */
export interface GuaranteeRecord {
  recoveryPolicy: { coveragePolicy: string; coverageWaitTimeoutSeconds: number; maxDriftSeconds: number; driftAction: string };
  coverage: Record<string, unknown>;
  pinnedTimestamp: UtcIso | null;
  pinnedLogPosition: string | null;
  driftSeconds: number | null;
  logShippingLagSeconds: number | null;
  verificationResult: string | null;
  warnings: string[];
}

const WRITE = `set -u
mkdir -p -- "$(dirname -- "$HANA_VDB_RECORD_FILE")" || exit 21
printf '%s\\n' "$HANA_VDB_RECORD" > "$HANA_VDB_RECORD_FILE.tmp" && mv -f -- "$HANA_VDB_RECORD_FILE.tmp" "$HANA_VDB_RECORD_FILE"`;

const READ = `if [ -e "$HANA_VDB_RECORD_FILE" ]; then cat -- "$HANA_VDB_RECORD_FILE"; else echo "@@HANA_VDB_NONE"; fi`;

export async function writeRecord(connection: RemoteConnection, file: AbsolutePath, record: RecoveryRecord): Promise<void> {
  await runRemote(connection, WRITE, { HANA_VDB_RECORD_FILE: file, HANA_VDB_RECORD: JSON.stringify(record) }, { check: true });
}

export async function readRecord(connection: RemoteConnection, file: AbsolutePath): Promise<RecoveryRecord | null> {
  const res = await runRemote(connection, READ, { HANA_VDB_RECORD_FILE: file }, { check: true });
  if (res.stdout.trim() === '@@HANA_VDB_NONE') return null;
  return parseRecord(res.stdout, file);
}

export function parseRecord(text: string, file: string): RecoveryRecord {
  let r: unknown;
  try {
    r = JSON.parse(text);
  } catch {
    r = null;
  }
  const rec = r as Partial<RecoveryRecord> | null;
  if (!rec || rec.version !== 1 || typeof rec.status !== 'string' || !rec.snapshot || typeof rec.recoveryTimestamp !== 'string') {
    throw new UserError(
      `The recovery record ${file} on the target host is not readable.`,
      'Refresh or rewind the VDB to recover it again; this rewrites the record.',
    );
  }
  return rec as RecoveryRecord;
}
