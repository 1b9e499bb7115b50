/**
 * Point-in-time recovery of a target tenant from the source's Backint backups, start to finish:
 * check the tenant exists, stop it (idempotent), remember where backup.log ends, issue RECOVER detached, follow
 * it to the end, start the tenant if HANA left it stopped and check ACTIVE_STATUS, and record what happened on
 * the host — success or failure — in <mountPath>/.hana-vdb/recovery.json.
 */
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { UserError } from '../../sdk/errors.js';
import { libs } from '../../sdk/libs.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import { actionFor, hanaErrorContext, hanaUserError, type HanaErrorContext } from '../errors.js';
import type { HdbsqlTarget } from '../hdbsql/invocation.js';
import { joinPath, type AbsolutePath, type HostName, type InstanceNumber, type Sid, type TenantName } from '../identifiers.js';
import { recoverTenantUntil, recoverTenantUntilLogPosition, type BackupSource } from '../sql.js';
import { startTenantSettled, stopTenant, tenantActiveStatus } from '../tenant.js';
import { hanaTimestampLiteral, nowUtc, type UtcIso } from '../time.js';
import {
  opDirPath,
  readRecord,
  recordPath,
  writeRecord,
  type BaseSnapshot,
  type GuaranteeRecord,
  type RecoveryRecord,
} from './record.js';
import {
  followStartedRecovery,
  remoteCommandLost,
  runDetachedRecovery,
  type DetachedRecoveryRequest,
  type DetachedRecoveryResult,
} from './run-statement.js';

export interface TargetSystem {
  sid: Sid;
  instanceNumber: InstanceNumber;
  hostName: HostName;
  osUser: string;
  traceDirectory: AbsolutePath;
  hdbsqlPath: AbsolutePath;
}

export type StopAt = { logPosition: string; volume: number } | { timestamp: UtcIso };

export interface RecoverTenantRequest {
  connection: RemoteConnection;
  system: TargetSystem;
  target: HdbsqlTarget;
  tenant: TenantName;
  source: { sid: Sid; tenant: TenantName; backupSource?: BackupSource; checkAccess?: boolean; commvaultSourceClient?: string };
  /** The dSource snapshot fields the VDB snapshot copies. */
  base: BaseSnapshot;
  /** The time requested: UNTIL TIMESTAMP (UTC) unless stopAt says otherwise; always recorded as recoveryTimestamp. */
  until: UtcIso;
  /**
   * Where the statement stops instead: exactly a log position (UNTIL LOG POSITION … AT VOLUME …, pinned snapshots and
   * short recoveries), or an earlier time (a short recovery whose backups end first on a volume other than the master).
   */
  stopAt?: StopAt;
  /** The VDB's mount path: the record and operation directories live under it. */
  mountPath: AbsolutePath;
  backintParameterFile?: AbsolutePath;
  timing?: DetachedRecoveryRequest['timing'];
  /** Carried in the record from the start, so a failure is recorded with its coverage. */
  guarantees?: GuaranteeRecord;
  /**
   * false: a success is not written to the host's record here; the caller writes it once its own checks are done
   * (guarantees.ts: pin, drift, verification). Until then the record says `running`, so a run that dies in between
   * is followed by the next one (starting the tenant is idempotent), and no record says `succeeded` of a recovery
   * whose checks never ran. Default true.
   */
  writeSuccess?: boolean;
}

export interface RecoverTenantResult {
  record: RecoveryRecord;
  recovery: DetachedRecoveryResult;
}

/**
 * backup.log files a tenant recovery run from SYSTEMDB may write to (docs/reference/hana-recovery.md §4.1: which one is
 * unverified).
 */
export function recoveryLogPaths(traceDirectory: AbsolutePath, tenant: TenantName): AbsolutePath[] {
  return [joinPath(traceDirectory, 'backup.log'), joinPath(traceDirectory, `DB_${tenant}`, 'backup.log')];
}

export function newOperationKey(now = DateTime.utc()): string {
  return `recover-${now.toFormat("yyyyLLdd'T'HHmmss'Z'")}-${randomBytes(3).toString('hex')}`;
}

/**
 * Stop the target tenant, run RECOVER detached and follow backup.log, classify the result, start the tenant.
 * A recovery an earlier run started on this VDB (its engine died) is followed to its end first, never repeated.
 */
export async function recoverTenant(req: RecoverTenantRequest): Promise<RecoverTenantResult> {
  const { connection, system, target, tenant } = req;
  const statement = recoverStatement(req);
  const ctx = errorContextOf(req);
  const earlier = await followEarlierRecovery(req, statement);
  if (earlier) return finishRecovery(req, ctx, runningRecord(req, statement, earlier.opDir), earlier.recovery);

  const opDir = opDirPath(req.mountPath, newOperationKey());
  const record = runningRecord(req, statement, opDir);
  libs.reportProgress({ percent: 0, message: `stopping tenant ${tenant}` });
  try {
    await stopTenant(connection, target, tenant, ctx);
  } catch (e) {
    if (e instanceof UserError) return failRecovery(req, ctx, record, e, null, 'stop');
    throw e;
  }

  libs.reportProgress({ percent: 0, message: `recovering ${tenant} from ${ctx.source} until ${req.until}` });
  const recovery = await runDetachedRecovery({
    connection,
    target,
    statement,
    opDir,
    logPaths: recoveryLogPaths(system.traceDirectory, tenant),
    runningRecord: { file: recordPath(req.mountPath), json: JSON.stringify(record) },
    timing: req.timing,
  }).catch((e: unknown) => {
    throw remoteCommandLost(e) ? lostWhileRecovering(req, e as Error) : e;
  });
  return finishRecovery(req, ctx, record, recovery);
}

/**
 * The remote commands that start and follow RECOVER kept failing (connection lost, their shell killed): nothing
 * says how the recovery went, so say what is known — the tenant was stopped for it and HANA may be recovering it.
 */
function lostWhileRecovering(req: RecoverTenantRequest, e: Error): UserError {
  const { tenant, system } = req;
  return new UserError(
    `${e.message.replace(/[.;:]?$/, '.')} This happened while RECOVER of tenant ${tenant} to ${req.until} was being issued ` +
      `or followed, so its outcome is unknown: ${tenant} was stopped for it and HANA may still be recovering it ` +
      `(${recordPath(req.mountPath)} on ${system.hostName} records it as running). ` +
      `The tenant is not usable until a recovery succeeds.`,
    `Check that ${system.hostName} is reachable, then run the same command again: it follows a recovery HANA still ` +
      `runs through ${system.traceDirectory}/DB_${tenant}/backup.log and records one that ended, without a second RECOVER.`,
  );
}

/** Record what the finished RECOVER did, start the tenant, write the record; a failure is recorded and thrown. */
async function finishRecovery(
  req: RecoverTenantRequest,
  ctx: HanaErrorContext & { source: string },
  record: RecoveryRecord,
  recovery: DetachedRecoveryResult,
): Promise<RecoverTenantResult> {
  const op = recovery.found?.operation ?? null;
  Object.assign(record, {
    executionTimestamp: (op?.startedAt ?? recovery.issuedAt) as UtcIso,
    recoveryInfo: op?.message ?? null,
    reachedLogPosition: op?.reachedLogPosition ?? null,
    operationId: op?.operationId ?? null,
  });
  const fail = (err: UserError, code: number | null, phase: FailedPhase) => failRecovery(req, ctx, record, err, code, phase);
  const failure = recoveryFailure(req, ctx, recovery, record.opDir as AbsolutePath);
  if (failure) return fail(failure.error, failure.code, failure.stillRunning ? 'still-recovering' : 'recover');
  record.achievedTimestamp = op!.reachedTimestamp;

  libs.reportProgress({ percent: 100, message: `starting tenant ${req.tenant}` });
  try {
    record.tenantActiveStatus = await startRecovered(req, ctx, op!.message);
  } catch (e) {
    if (e instanceof UserError) return fail(e, null, 'start');
    throw e;
  }
  Object.assign(record, { status: 'succeeded', updatedAt: nowUtc() });
  if (req.writeSuccess !== false) await writeRecord(req.connection, recordPath(req.mountPath), record);
  return { record, recovery };
}

/**
 * The host's record says a recovery of this VDB is running: an earlier run started it and did not see its end
 * (its engine died). Follow it to its end before anything else — HANA refuses a second RECOVER meanwhile. When
 * it was this very statement, its result is this run's (returned); otherwise this run goes on with its own.
 */
async function followEarlierRecovery(
  req: RecoverTenantRequest,
  statement: string,
): Promise<{ opDir: AbsolutePath; recovery: DetachedRecoveryResult } | null> {
  let earlier: RecoveryRecord | null;
  try {
    earlier = await readRecord(req.connection, recordPath(req.mountPath));
  } catch (e) {
    if (e instanceof UserError) return null; // unreadable record: nothing to follow, this run rewrites it
    throw e;
  }
  if (!earlier || earlier.status !== 'running') return null;
  const opDir = earlier.opDir as AbsolutePath;
  libs.reportProgress({ percent: 0, message: `following the recovery of ${req.tenant} an earlier job started (${opDir})` });
  const recovery = await followStartedRecovery({
    connection: req.connection,
    target: req.target,
    statement: earlier.statement,
    opDir,
    logPaths: recoveryLogPaths(req.system.traceDirectory, req.tenant),
    timing: req.timing,
  });
  if (!recovery) return null; // that run died before it issued RECOVER
  const op = recovery.found?.operation;
  if (recovery.clientLost && op?.outcome === 'running') {
    // Still no end after backup.log stayed silent again: HANA restarted and dropped it, or it hangs. A new
    // RECOVER is safe either way: HANA refuses it while it still recovers the tenant.
    libs.logger.warn(
      `The recovery an earlier job started shows no end in backup.log (silent ${recovery.clientLost.silentForSeconds} s); ` +
        'recovering again.',
    );
    return null;
  }
  if (earlier.statement === statement) return { opDir, recovery };
  libs.logger.info(
    `The recovery an earlier job started (${earlier.statement}) ended: ` +
      `${op?.message ?? 'backup.log shows no result'}; now running this one.`,
  );
  return null;
}

function recoverStatement(req: RecoverTenantRequest): string {
  const source = {
    sourceTenant: req.source.tenant,
    sourceSid: req.source.sid,
    backupSource: req.source.backupSource,
    checkAccess: req.source.checkAccess,
  };
  const stop = req.stopAt;
  return stop && 'logPosition' in stop
    ? recoverTenantUntilLogPosition({ target: req.tenant, ...stop, ...source })
    : recoverTenantUntil({ target: req.tenant, until: hanaTimestampLiteral(stop?.timestamp ?? req.until), ...source });
}

function errorContextOf(req: RecoverTenantRequest): HanaErrorContext & { source: string } {
  const { system, tenant, stopAt: stop } = req;
  const doing =
    `recovering tenant ${tenant} of ${system.sid} to ` +
    `${stop && 'logPosition' in stop ? `log position ${stop.logPosition}` : (stop?.timestamp ?? req.until)}`;
  const source = `${req.source.tenant}@${req.source.sid}`;
  return { ...hanaErrorContext(system, req.target.key, doing, { tenant, backintParameterFile: req.backintParameterFile }), source };
}

/** The record written on the host before RECOVER starts: a later run can tell that this one was under way. */
function runningRecord(req: RecoverTenantRequest, statement: string, opDir: AbsolutePath): RecoveryRecord {
  return {
    version: 1,
    status: 'running',
    targetSid: req.system.sid,
    targetTenant: req.tenant,
    snapshot: req.base,
    statement,
    opDir,
    executionTimestamp: null,
    recoveryTimestamp: req.until,
    achievedTimestamp: null,
    recoveryInfo: null,
    reachedLogPosition: null,
    operationId: null,
    tenantActiveStatus: null,
    failure: null,
    updatedAt: nowUtc(),
    ...(req.guarantees ? { guarantees: req.guarantees } : {}),
  };
}

/** Where the recovery failed: before RECOVER, in it, in it but maybe still running on HANA, or starting after it. */
type FailedPhase = 'stop' | 'recover' | 'still-recovering' | 'start';

/**
 * Records the failure with the tenant's status as HANA reports it now, and throws it, saying what that leaves of
 * the tenant. A recovery that may still be running stays `running` in the record, so the next run follows it
 * instead of issuing another.
 */
async function failRecovery(
  req: RecoverTenantRequest,
  ctx: HanaErrorContext,
  record: RecoveryRecord,
  err: UserError,
  code: number | null,
  phase: FailedPhase,
): Promise<never> {
  let status: string | null = null;
  try {
    status = await tenantActiveStatus(req.connection, req.target, req.tenant, ctx);
  } catch {
    /* the failure we record is the first one */
  }
  const after = tenantAfter(req.tenant, phase, status, code, err.message);
  const error = after ? new UserError(`${err.message} ${after}`, err.action, err.output) : err;
  Object.assign(record, {
    status: phase === 'still-recovering' ? 'running' : 'failed',
    tenantActiveStatus: status,
    failure: { code, message: error.message, action: error.action },
    updatedAt: nowUtc(),
  });
  await writeRecord(req.connection, recordPath(req.mountPath), record);
  throw error;
}

/** What a failure left of the tenant, as far as we know; '' where the message already says it. */
export function tenantAfter(
  tenant: string,
  phase: FailedPhase,
  status: string | null,
  code: number | null,
  message: string,
): string {
  if (phase === 'still-recovering' || phase === 'start') return '';
  if (/\bbeing recovered\b/i.test(message))
    return `Tenant ${tenant} is being recovered by that other operation; this run changed nothing.`;
  const known = status === null ? ` (its ACTIVE_STATUS could not be read)` : ` (ACTIVE_STATUS ${status})`;
  if (phase === 'stop')
    return status === 'YES'
      ? `Tenant ${tenant} was not touched: it is still running.`
      : `Tenant ${tenant} is stopped${known}; its data was not touched: nothing was recovered.`;
  if (code === 449)
    return `HANA restored nothing (no usable recovery strategy): tenant ${tenant} is stopped${known} with its data as before.`;
  if (status === 'YES') return `Tenant ${tenant} is running${known}.`;
  return `Tenant ${tenant} is stopped${known}; it is not usable until a recovery succeeds.`;
}

/** Why a finished RECOVER did not succeed, from the client's error, backup.log, or their absence; null on success. */
function recoveryFailure(
  req: RecoverTenantRequest,
  ctx: HanaErrorContext,
  recovery: DetachedRecoveryResult,
  opDir: AbsolutePath,
): { error: UserError; code: number | null; stillRunning?: boolean } | null {
  const { system, tenant } = req;
  const op = recovery.found?.operation ?? null;
  if (recovery.hdbsqlError) {
    const e = recovery.hdbsqlError;
    // backup.log's finish line says more than the client's message; keep HANA's code from either.
    const text =
      op?.outcome === 'error' && op.message && !op.message.includes(e.text) ? `${e.text} (backup.log: ${op.message})` : e.text;
    return { error: hanaUserError({ code: e.code, text }, ctx, e.stderr), code: e.code };
  }
  if (op?.outcome === 'error') {
    return { error: hanaUserError({ code: op.errorCode ?? -1, text: op.message ?? 'recovery failed' }, ctx), code: op.errorCode };
  }
  if (recovery.clientLost && op?.outcome === 'running') {
    const error = new UserError(
      `${recovery.clientLost.text} while tenant ${tenant} was being recovered. backup.log shows the recovery ` +
        `(started ${op.startedAt ?? recovery.issuedAt}) still running, but wrote nothing for ` +
        `${recovery.clientLost.silentForSeconds ?? '?'} s: whether HANA is still recovering ${tenant} is unknown. ` +
        `The tenant is being recovered or stopped; it is not usable until a recovery succeeds.`,
      `Watch ${system.traceDirectory}/DB_${tenant}/backup.log for the recovery's "RECOVER DATA finished" line, then ` +
        'run the same command again: it follows a recovery still running and records one that ended.',
    );
    return { error, code: null, stillRunning: true };
  }
  if (recovery.lost) {
    const error = new UserError(
      `The RECOVER process for tenant ${tenant} on ${system.hostName} ended without an exit code ` +
        `(host restart or killed) and backup.log shows no result.`,
      `Check ${opDir} and ${system.traceDirectory}/backup.log; then refresh or rewind the VDB ` +
        `again. ${actionFor('recovery-incomplete', ctx)}`,
    );
    return { error, code: null };
  }
  if (!op || op.outcome !== 'success') {
    const error = new UserError(
      `RECOVER for tenant ${tenant} returned without error, but its result was not found in ` +
        `${recoveryLogPaths(system.traceDirectory, tenant).join(' or ')}.`,
      'Check that backup.log is written in the trace directory of the repository ' +
        '(traceDirectory) and refresh the environment if the installation moved; then retry.',
    );
    return { error, code: null };
  }
  return null;
}

/** Starts the recovered tenant (HANA usually did at the end of RECOVER); its ACTIVE_STATUS must then be YES. */
async function startRecovered(req: RecoverTenantRequest, ctx: HanaErrorContext, finishLine: string | null): Promise<string> {
  const { connection, target, tenant, system } = req;
  const { after: status } = await startTenantSettled(connection, target, tenant, ctx);
  if (status !== 'YES') {
    throw new UserError(
      `Tenant ${tenant} was recovered (${finishLine}) but is not running: ACTIVE_STATUS is ${status ?? 'unknown'}.`,
      `Read ${system.traceDirectory}/DB_${tenant}/ indexserver traces for why it did not start, ` +
        `start it with ALTER SYSTEM START DATABASE ${tenant}, then take a VDB snapshot.`,
    );
  }
  return status;
}
