/**
 * Recovery with guarantees: the coverage check and its policy BEFORE the target tenant is touched,
 * recovery to exactly the pinned point when the snapshot has one (UNTIL LOG POSITION), verification that the
 * achieved point is the pin, the drift policy, the log-shipping lag and the optional verification query, all
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
import type { CoverageTarget } from '../log-coverage/chain.js';
import { HdbsqlError } from '../hdbsql/errors.js';
import type { HdbsqlTarget } from '../hdbsql/invocation.js';
import { runHdbsql } from '../hdbsql/run.js';
import { requireTenant, stopTenant } from '../tenant.js';
import type { UtcIso } from '../time.js';
import { recordPath, writeRecord, type GuaranteeRecord, type RecoveryRecord } from './record.js';
import { recoverTenant, type RecoverTenantRequest, type RecoverTenantResult } from './recover-tenant.js';

export interface PinnedPoint {
  timestamp: UtcIso | null;
  logPosition: string;
}

export interface GuardedRecoveryRequest extends Omit<RecoverTenantRequest, 'untilLogPosition' | 'guarantees'> {
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
    ...(a.reachable.logPosition ? { reachableLogPosition: a.reachable.logPosition } : {}),
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

export async function recoverGuarded(req: GuardedRecoveryRequest): Promise<RecoverTenantResult & { guarantees: GuaranteeRecord }> {
  const { connection, target, tenant, policy } = req;
  const ctx = hanaErrorContext(req.system, target.key, `checking tenant ${tenant}`, {
    tenant,
    backintParameterFile: req.backintParameterFile,
  });
  await requireTenant(connection, target, tenant, ctx); // read-only: a wrong tenant fails before any waiting

  const coverageTarget: CoverageTarget = req.pin
    ? {
        kind: 'logPosition',
        position: BigInt(req.pin.logPosition),
        timestampMs: req.pin.timestamp ? Date.parse(req.pin.timestamp) : null,
      }
    : { kind: 'timestamp', untilMs: Date.parse(req.until) };
  const guarantees: GuaranteeRecord = {
    recoveryPolicy: { ...policy },
    coverage: { checked: false, policy: policy.coveragePolicy },
    pinnedTimestamp: req.pin?.timestamp ?? null,
    pinnedLogPosition: req.pin?.logPosition ?? null,
    driftSeconds: null,
    logShippingLagSeconds: null,
    verificationResult: null,
    warnings: [],
  };

  let untilLogPosition: RecoverTenantRequest['untilLogPosition'];
  if (!req.coverage) {
    // Without a key for the source catalog nothing can be checked: recover as before (a pinned snapshot by its
    // timestamp, verified against the pinned log position below) and say so in the record.
    const text =
      `log coverage was not checked (the VDB has no sourceCatalogUserStoreKey; set it to enforce the ` +
      `${policy.coveragePolicy} policy)`;
    guarantees.warnings.push(text);
    libs.logger.warn(`${req.what}: ${text}`);
  } else {
    libs.reportProgress({
      percent: 0,
      message:
        `checking log coverage of ${req.source.tenant}@${req.source.sid} for ` +
        `${req.pin ? `log position ${req.pin.logPosition}` : req.until}`,
    });
    const outcome = await ensureCoverage(
      {
        ...req.coverage,
        connection,
        source: { sid: req.source.sid, tenant: req.source.tenant },
        errorContext: { ...ctx, key: req.coverage.catalog.key, source: `${req.source.tenant}@${req.source.sid}` },
      },
      coverageTarget,
      policy,
      req.what,
      req.coverageTiming,
    );
    const a = outcome.assessment;
    guarantees.coverage = coverageRecord(outcome);
    guarantees.logShippingLagSeconds = outcome.logShippingLagSeconds;
    if (outcome.decision === 'recover-short') {
      const shortfall = a.shortfallSeconds ?? 0;
      if (policy.maxDriftSeconds > 0 && shortfall > policy.maxDriftSeconds && policy.driftAction === 'fail') {
        throw new UserError(
          `${req.what} would fall ${shortfall} s short (${describeGap(a)}), more than maxDriftSeconds ` +
            `${policy.maxDriftSeconds} (driftAction fail). The target tenant was not touched.`,
          'Retry once the log backups have reached the Backint tool, or raise maxDriftSeconds.',
        );
      }
      guarantees.warnings.push(
        `recovering short of the requested point (policy proceed): ${describeGap(a)}; ` +
          `${a.missing.map((m) => m.message).join('; ')}`,
      );
      libs.logger.warn(`${req.what}: proceeding short of the requested point: ${describeGap(a)}`);
      untilLogPosition = { logPosition: a.reachable.logPosition!, volume: a.reachable.volume! };
    } else if (req.pin) {
      const volume = a.reachable.volume ?? Number(Object.keys(a.dataBackups[0]?.positions ?? {})[0]);
      untilLogPosition = { logPosition: req.pin.logPosition, volume };
    }
  }

  // A pinned point without the catalog (no log volume known for UNTIL LOG POSITION): recover to the requested time
  // as before the pin existed; the check below fails clearly if that is not exactly the pinned point.
  const result = await recoverTenant({ ...req, untilLogPosition, guarantees });
  const record: RecoveryRecord = result.record;
  const file = recordPath(req.mountPath);
  const fail = async (err: UserError, stop: boolean): Promise<never> => {
    if (stop) {
      try {
        await stopTenant(connection, target, tenant, ctx);
        record.tenantActiveStatus = 'NO';
      } catch {
        /* the failure we record is the first one */
      }
    }
    Object.assign(record, { status: 'failed', failure: { code: null, message: err.message, action: err.action }, guarantees });
    await writeRecord(connection, file, record);
    throw err;
  };

  const achieved = record.achievedTimestamp;
  const reached = record.reachedLogPosition;
  if (req.pin && (reached !== req.pin.logPosition || (req.pin.timestamp !== null && achieved !== req.pin.timestamp))) {
    return fail(
      new UserError(
        `${req.what} reached ${achieved ?? '?'} (log position ${reached ?? '?'}), not the snapshot's pinned point ` +
          `${req.pin.timestamp ?? '?'} (log position ${req.pin.logPosition}): the VDB would hold different data than the ` +
          `other VDBs of this snapshot. Tenant ${tenant} was stopped.`,
        req.coverage
          ? 'The backups needed for the pinned point are probably no longer all in the Backint tool: run hana-vdb plan ' +
              'for this snapshot, or provision from a newer dSource snapshot.'
          : 'Set sourceCatalogUserStoreKey in the VDB parameters: with the source catalog the pinned point is recovered ' +
              'exactly (UNTIL LOG POSITION); without it only the requested time can be asked for.',
      ),
      true,
    );
  }
  if (untilLogPosition && !req.pin && reached !== untilLogPosition.logPosition) {
    guarantees.warnings.push(`reached log position ${reached ?? '?'} instead of the reachable ${untilLogPosition.logPosition}`);
  }
  if (
    !req.pin &&
    guarantees.coverage.covered === true &&
    typeof guarantees.coverage.expectedNotBefore === 'string' &&
    achieved !== null &&
    achieved < guarantees.coverage.expectedNotBefore
  ) {
    guarantees.warnings.push(
      `reached ${achieved}, earlier than the catalog said was reachable (${guarantees.coverage.expectedNotBefore})`,
    );
  }

  guarantees.pinnedTimestamp = req.pin?.timestamp ?? achieved;
  guarantees.pinnedLogPosition = req.pin?.logPosition ?? reached;
  if (achieved !== null) {
    const drift = Math.abs(secondsBetween(achieved, record.recoveryTimestamp));
    guarantees.driftSeconds = drift;
    if (policy.maxDriftSeconds > 0 && drift > policy.maxDriftSeconds) {
      const text =
        `${req.what} reached ${achieved}, ${drift} s from the requested ${record.recoveryTimestamp}, more ` +
        `than maxDriftSeconds ${policy.maxDriftSeconds}`;
      if (policy.driftAction === 'fail') {
        return fail(
          new UserError(
            `${text} (driftAction fail). Tenant ${tenant} holds the recovered data but the VDB is not accepted.`,
            'Refresh once the log backups have reached the Backint tool, raise maxDriftSeconds, or set driftAction to warn.',
          ),
          false,
        );
      }
      guarantees.warnings.push(text);
      libs.logger.warn(text);
    }
  }

  if (req.verification) {
    libs.reportProgress({ percent: 100, message: `running the verification query on ${tenant}` });
    try {
      guarantees.verificationResult = verificationText(
        (await runHdbsql(connection, req.verification.target, req.verification.query)).rows,
      );
    } catch (e) {
      if (!(e instanceof HdbsqlError)) throw e;
      guarantees.verificationResult = `ERROR ${e.code}: ${e.text}`.slice(0, MAX_RESULT);
      guarantees.warnings.push(`the verification query failed: [${e.code}] ${e.text}`);
      libs.logger.warn(`verification query on ${tenant} failed: [${e.code}] ${e.text}`);
    }
  }
  record.guarantees = guarantees;
  await writeRecord(connection, file, record);
  return { ...result, record, guarantees };
}
