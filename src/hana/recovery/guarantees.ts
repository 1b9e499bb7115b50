/**
 * Recovery with guarantees (docs/GLOSSARY.md: coverage, pin, drift): the coverage check and its policy BEFORE the
 * target tenant is touched, recovery to exactly the pinned point when the snapshot has one (UNTIL LOG POSITION),
 * verification that the achieved point is the pin, the drift policy, the log-shipping lag and the optional verification query, all
 * recorded in the recovery record (and from there in the VDB snapshot).
 */
import { DateTime } from 'luxon';
import { UserError } from '../../sdk/errors.js';
import { hanaErrorContext } from '../errors.js';
import { libs } from '../../sdk/libs.js';
import {
  describeGap,
  ensureCoverage,
  type CoverageOutcome,
  type CoverageSource,
  type RecoveryPolicy,
  type WaitTiming,
} from '../log-coverage/check.js';
import { coverageTargetOf } from '../log-coverage/chain.js';
import { HdbsqlError } from '../hdbsql/errors.js';
import type { HdbsqlTarget } from '../hdbsql/invocation.js';
import { runHdbsql } from '../hdbsql/run.js';
import { requireTenant, stopTenant } from '../tenant.js';
import type { UtcIso } from '../time.js';
import { recordPath, writeRecord, type GuaranteeRecord, type RecoveryRecord } from './record.js';
import { shortRecoveryTarget } from './short-target.js';
import { recoverTenant, type RecoverTenantRequest, type RecoverTenantResult } from './tenant-recovery.js';

export interface PinnedPoint {
  timestamp: UtcIso | null;
  logPosition: string;
}

export interface GuardedRecoveryRequest extends Omit<RecoverTenantRequest, 'stopAt' | 'guarantees'> {
  policy: RecoveryPolicy;
  /** How to read the source's catalog and the Backint tool (null: no source catalog key configured). */
  coverage: Omit<CoverageSource, 'connection' | 'source' | 'errorContext'> | null;
  /** The snapshot's pinned point: recover to exactly it. */
  pin: PinnedPoint | null;
  verification: { target: HdbsqlTarget; query: string } | null;
  /** For messages: "provisioning VDB1@QAS from ERP@PRD". */
  what: string;
  coverageTiming?: WaitTiming;
}

const MAX_RESULT = 8192;

function secondsBetween(a: string, b: string): number {
  return Math.round(DateTime.fromISO(b).diff(DateTime.fromISO(a), 'seconds').seconds);
}

function coverageRecord(o: CoverageOutcome): Record<string, unknown> {
  const a = o.assessment;
  return {
    checked: true,
    covered: a.covered,
    catalogCovered: a.catalogCovers,
    policy: o.policy.coveragePolicy,
    decision: o.decision,
    waitedSeconds: o.waitedSeconds,
    checks: o.checks,
    checkedAt: a.checkedAt,
    ...(a.requested.timestamp ? { requestedTimestamp: a.requested.timestamp } : {}),
    ...(a.requested.logPosition ? { requestedLogPosition: a.requested.logPosition } : {}),
    ...(a.reachable.timestamp ? { coveredUntil: a.reachable.timestamp, reachableTimestamp: a.reachable.timestamp } : {}),
    // Log positions are per volume and HANA reports the master indexserver's: a reachable end on another volume has
    // no position HANA will report, only its time.
    ...(a.reachable.logPosition && (a.masterVolume === null || a.reachable.volume === a.masterVolume)
      ? { reachableLogPosition: a.reachable.logPosition }
      : {}),
    ...(a.expected.notBefore ? { expectedNotBefore: a.expected.notBefore } : {}),
    ...(a.shortfallSeconds !== null ? { shortfallSeconds: a.shortfallSeconds } : {}),
    missing: a.missing.map((m) => m.message),
    ...(a.dataBackups[0] ? { dataBackupId: a.dataBackups[0].backupId } : {}),
    logBackupCount: a.logBackups.length,
    ...(o.logBackupIntervalSeconds !== null ? { logBackupIntervalSeconds: o.logBackupIntervalSeconds } : {}),
  };
}

export function verificationText(rows: (string | null)[][]): string {
  const text = rows.map((r) => r.map((v) => (v === null ? 'NULL' : v)).join(',')).join('\n');
  return text.length > MAX_RESULT ? `${text.slice(0, MAX_RESULT - 1)}…` : text;
}

type StopAt = RecoverTenantRequest['stopAt'];
type ErrorContext = Parameters<typeof requireTenant>[3];

/** The recovery path, as its steps: tenant check, coverage, RECOVER, pin, drift, verification, record. */
export async function recoverGuarded(req: GuardedRecoveryRequest): Promise<RecoverTenantResult & { guarantees: GuaranteeRecord }> {
  const ctx = errorContextOf(req);
  await requireTenant(req.connection, req.target, req.tenant, ctx); // read-only: a wrong tenant fails before any waiting
  const guarantees = initialGuarantees(req);
  const stopAt = await checkCoverage(req, ctx, guarantees);
  // A pinned point without the catalog (no log volume known for UNTIL LOG POSITION): recover to the requested time
  // as before the pin existed; checkPin fails clearly if that is not exactly the pinned point.
  const result = await recoverTenant({ ...req, stopAt, guarantees, writeSuccess: false }); // written below, once checked
  const record: RecoveryRecord = result.record;
  await checkPin(req, ctx, record, guarantees, stopAt);
  await checkDrift(req, ctx, record, guarantees);
  if (req.verification) await runVerification(req, req.verification, guarantees);
  record.guarantees = guarantees;
  await writeRecord(req.connection, recordPath(req.mountPath), record);
  return { ...result, record, guarantees };
}

function errorContextOf(req: GuardedRecoveryRequest) {
  return hanaErrorContext(req.system, req.target.key, `checking tenant ${req.tenant}`, {
    tenant: req.tenant,
    backintParameterFile: req.backintParameterFile,
  });
}

function initialGuarantees(req: GuardedRecoveryRequest): GuaranteeRecord {
  return {
    recoveryPolicy: { ...req.policy },
    coverage: { checked: false, policy: req.policy.coveragePolicy },
    pinnedTimestamp: req.pin?.timestamp ?? null,
    pinnedLogPosition: req.pin?.logPosition ?? null,
    driftSeconds: null,
    logShippingLagSeconds: null,
    verificationResult: null,
    warnings: [],
  };
}

/**
 * The coverage check and its policy, before the target is touched. Returns where the recovery stops: exactly a log
 * position (a pin, or the reachable point of a recovery that proceeds short), an earlier time (a short recovery whose
 * backups end first on another volume), or undefined for UNTIL TIMESTAMP of the requested time.
 */
async function checkCoverage(req: GuardedRecoveryRequest, ctx: ErrorContext, guarantees: GuaranteeRecord): Promise<StopAt> {
  const { policy } = req;
  if (!req.coverage) {
    // Without a key for the source catalog nothing can be checked: recover as before (a pinned snapshot by its
    // timestamp, verified against the pinned log position) and say so in the record.
    const text =
      `log coverage was not checked (the VDB has no sourceCatalogUserStoreKey; set it to enforce ` +
      `the ${policy.coveragePolicy} policy)`;
    guarantees.warnings.push(text);
    libs.logger.warn(`${req.what}: ${text}`);
    return undefined;
  }
  libs.reportProgress({
    percent: 0,
    message:
      `checking log coverage of ${req.source.tenant}@${req.source.sid} for ` +
      `${req.pin ? `log position ${req.pin.logPosition}` : req.until}`,
  });
  const outcome = await ensureCoverage(
    {
      ...req.coverage,
      connection: req.connection,
      source: { sid: req.source.sid, tenant: req.source.tenant },
      ...(req.source.backupSource === 'COMMVAULT_BACKINT'
        ? { commvault: req.source.commvaultSourceClient ? { sourceClient: req.source.commvaultSourceClient } : {} }
        : {}),
      errorContext: { ...ctx, key: req.coverage.catalog.key, source: `${req.source.tenant}@${req.source.sid}` },
    },
    coverageTargetOf(req),
    policy,
    req.what,
    req.coverageTiming,
  );
  const a = outcome.assessment;
  guarantees.coverage = coverageRecord(outcome);
  guarantees.logShippingLagSeconds = outcome.logShippingLagSeconds;
  if (outcome.decision === 'recover-short') return proceedShort(req, outcome, guarantees);
  if (!req.pin) return undefined;
  // The pinned position is the master indexserver volume's (what backup.log's finish line reports); HANA takes the
  // other volumes to the same consistent point.
  const volume = a.masterVolume ?? a.reachable.volume ?? Number(Object.keys(a.dataBackups[0]?.positions ?? {})[0]);
  return { logPosition: req.pin.logPosition, volume };
}

/** Policy proceed with backups short of the request: within maxDriftSeconds (or driftAction warn), recover short. */
function proceedShort(req: GuardedRecoveryRequest, outcome: CoverageOutcome, guarantees: GuaranteeRecord): StopAt {
  const { policy } = req;
  const a = outcome.assessment;
  const shortfall = a.shortfallSeconds ?? 0;
  if (policy.maxDriftSeconds > 0 && shortfall > policy.maxDriftSeconds && policy.driftAction === 'fail') {
    throw new UserError(
      `${req.what} would fall ${shortfall} s short (${describeGap(a)}), more than ` +
        `maxDriftSeconds ${policy.maxDriftSeconds} (driftAction fail). The target tenant was not ` +
        `touched.`,
      'Retry once the log backups have reached the Backint tool, or raise maxDriftSeconds.',
    );
  }
  guarantees.warnings.push(
    `recovering short of the requested point (policy proceed): ${describeGap(a)}; ` +
      `${a.missing.map((m) => m.message).join('; ')}`,
  );
  libs.logger.warn(`${req.what}: proceeding short of the requested point: ${describeGap(a)}`);
  const target = shortRecoveryTarget(a);
  if (target.kind === 'logPosition') return { logPosition: target.logPosition, volume: target.volume };
  guarantees.warnings.push(
    `the backups of volume ${target.endsOnVolume ?? '?'} end first, and a log position is named only on the master ` +
      `indexserver volume${a.masterVolume === null ? '' : ` ${a.masterVolume}`}: recovering UNTIL TIMESTAMP ` +
      `${target.timestamp ?? req.until}, the last commit every volume's backups hold`,
  );
  return { timestamp: target.timestamp ?? req.until };
}

/** Records the failure (stopping the tenant first when its data must not be used) and throws it. */
async function failRecovery(
  req: GuardedRecoveryRequest,
  ctx: ErrorContext,
  record: RecoveryRecord,
  guarantees: GuaranteeRecord,
  err: UserError,
  stop: boolean,
): Promise<never> {
  if (stop) {
    try {
      await stopTenant(req.connection, req.target, req.tenant, ctx);
      record.tenantActiveStatus = 'NO';
    } catch {
      /* the failure we record is the first one */
    }
  }
  Object.assign(record, { status: 'failed', failure: { code: null, message: err.message, action: err.action }, guarantees });
  await writeRecord(req.connection, recordPath(req.mountPath), record);
  throw err;
}

/** A pinned snapshot must be reached exactly; otherwise the tenant is stopped and the recovery fails. */
async function checkPin(
  req: GuardedRecoveryRequest,
  ctx: ErrorContext,
  record: RecoveryRecord,
  guarantees: GuaranteeRecord,
  stopAt: StopAt,
): Promise<void> {
  const achieved = record.achievedTimestamp;
  const reached = record.reachedLogPosition;
  if (req.pin && (reached !== req.pin.logPosition || (req.pin.timestamp !== null && achieved !== req.pin.timestamp))) {
    await failRecovery(req, ctx, record, guarantees, pinMissed(req, req.pin, achieved, reached), true);
  }
  const reportable = guarantees.coverage.reachableLogPosition;
  if (stopAt && 'logPosition' in stopAt && !req.pin && typeof reportable === 'string' && reached !== reportable) {
    guarantees.warnings.push(`reached log position ${reached ?? '?'} instead of the reachable ${reportable}`);
  }
  const reachableAt = guarantees.coverage.reachableTimestamp;
  if (stopAt && 'timestamp' in stopAt && typeof reachableAt === 'string' && (achieved === null || achieved < reachableAt)) {
    guarantees.warnings.push(`reached ${achieved ?? '?'}, earlier than the catalog said was reachable (${reachableAt})`);
  }
  const notBefore = guarantees.coverage.expectedNotBefore;
  if (
    !req.pin &&
    guarantees.coverage.covered === true &&
    typeof notBefore === 'string' &&
    achieved !== null &&
    achieved < notBefore
  ) {
    guarantees.warnings.push(`reached ${achieved}, earlier than the catalog said was reachable (${notBefore})`);
  }
  guarantees.pinnedTimestamp = req.pin?.timestamp ?? achieved;
  guarantees.pinnedLogPosition = req.pin?.logPosition ?? reached;
}

function pinMissed(req: GuardedRecoveryRequest, pin: PinnedPoint, achieved: string | null, reached: string | null): UserError {
  return new UserError(
    `${req.what} reached ${achieved ?? '?'} (log position ${reached ?? '?'}), not the ` +
      `snapshot's pinned point ${pin.timestamp ?? '?'} (log position ` +
      `${pin.logPosition}): the VDB would hold different data than the other VDBs of this ` +
      `snapshot. Tenant ${req.tenant} was stopped.`,
    req.coverage
      ? 'The backups needed for the pinned point are probably no longer all in the Backint tool: ' +
          'run hana-vdb plan for this snapshot, or provision from a newer dSource snapshot.'
      : 'Set sourceCatalogUserStoreKey in the VDB parameters: with the source catalog the pinned ' +
          'point is recovered exactly (UNTIL LOG POSITION); without it only the requested time can ' +
          'be asked for.',
  );
}

/** Drift between the requested and the achieved point, against maxDriftSeconds and driftAction. */
async function checkDrift(req: GuardedRecoveryRequest, ctx: ErrorContext, record: RecoveryRecord, guarantees: GuaranteeRecord) {
  const { policy } = req;
  const achieved = record.achievedTimestamp;
  if (achieved === null) return;
  const drift = Math.abs(secondsBetween(achieved, record.recoveryTimestamp));
  guarantees.driftSeconds = drift;
  if (!(policy.maxDriftSeconds > 0 && drift > policy.maxDriftSeconds)) return;
  const text =
    `${req.what} reached ${achieved}, ${drift} s from the requested ` +
    `${record.recoveryTimestamp}, more than maxDriftSeconds ${policy.maxDriftSeconds}`;
  if (policy.driftAction === 'fail') {
    const err = new UserError(
      `${text} (driftAction fail). Tenant ${req.tenant} holds the recovered data but the VDB is not accepted.`,
      'Refresh once the log backups have reached the Backint tool, raise maxDriftSeconds, or set driftAction to warn.',
    );
    await failRecovery(req, ctx, record, guarantees, err, false);
  }
  guarantees.warnings.push(text);
  libs.logger.warn(text);
}

/** The VDB's verification query: its result (or HANA's error) goes into the record; it never fails the VDB. */
async function runVerification(
  req: GuardedRecoveryRequest,
  verification: NonNullable<GuardedRecoveryRequest['verification']>,
  guarantees: GuaranteeRecord,
): Promise<void> {
  libs.reportProgress({ percent: 100, message: `running the verification query on ${req.tenant}` });
  try {
    guarantees.verificationResult = verificationText(
      (await runHdbsql(req.connection, verification.target, verification.query)).rows,
    );
  } catch (e) {
    if (!(e instanceof HdbsqlError)) throw e;
    guarantees.verificationResult = `ERROR ${e.code}: ${e.text}`.slice(0, MAX_RESULT);
    guarantees.warnings.push(`the verification query failed: [${e.code}] ${e.text}`);
    libs.logger.warn(`verification query on ${req.tenant} failed: [${e.code}] ${e.text}`);
  }
}
