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
import { startTenant, stopTenant, tenantActiveStatus } from '../tenant.js';
import { hanaTimestampLiteral, nowUtc, type UtcIso } from '../time.js';
import { opDirPath, recordPath, writeRecord, type BaseSnapshot, type GuaranteeRecord, type RecoveryRecord } from './record.js';
import { runDetachedRecovery, type DetachedRecoveryRequest, type DetachedRecoveryResult } from './run.js';

export interface TargetSystem {
  sid: Sid;
  instanceNumber: InstanceNumber;
  hostName: HostName;
  osUser: string;
  traceDirectory: AbsolutePath;
  hdbsqlPath: AbsolutePath;
}

export interface RecoverTenantRequest {
  connection: RemoteConnection;
  system: TargetSystem;
  target: HdbsqlTarget;
  tenant: TenantName;
  source: { sid: Sid; tenant: TenantName; backupSource?: BackupSource };
  /** The dSource snapshot fields the VDB snapshot copies. */
  base: BaseSnapshot;
  /** UNTIL TIMESTAMP (UTC); with untilLogPosition, the time requested (recorded as recoveryTimestamp). */
  until: UtcIso;
  /** Recover to exactly this point instead: UNTIL LOG POSITION ... AT VOLUME ... (pinned snapshots). */
  untilLogPosition?: { logPosition: string; volume: number };
  /** The VDB's mount path: the record and operation directories live under it. */
  mountPath: AbsolutePath;
  backintParameterFile?: AbsolutePath;
  timing?: DetachedRecoveryRequest['timing'];
  /** Carried in the record from the start, so a failure is recorded with its coverage. */
  guarantees?: GuaranteeRecord;
}

export interface RecoverTenantResult {
  record: RecoveryRecord;
  recovery: DetachedRecoveryResult;
}

/** backup.log files a tenant recovery run from SYSTEMDB may write to (ref §4.1: which one is unverified). */
export function recoveryLogPaths(traceDirectory: AbsolutePath, tenant: TenantName): AbsolutePath[] {
  return [joinPath(traceDirectory, 'backup.log'), joinPath(traceDirectory, `DB_${tenant}`, 'backup.log')];
}

export function newOperationKey(now = DateTime.utc()): string {
  return `recover-${now.toFormat("yyyyLLdd'T'HHmmss'Z'")}-${randomBytes(3).toString('hex')}`;
}

export async function recoverTenant(req: RecoverTenantRequest): Promise<RecoverTenantResult> {
  const { connection, system, target, tenant } = req;
  const statement = req.untilLogPosition
    ? recoverTenantUntilLogPosition({
        target: tenant,
        ...req.untilLogPosition,
        sourceTenant: req.source.tenant,
        sourceSid: req.source.sid,
        backupSource: req.source.backupSource,
      })
    : recoverTenantUntil({
        target: tenant,
        until: hanaTimestampLiteral(req.until),
        sourceTenant: req.source.tenant,
        sourceSid: req.source.sid,
        backupSource: req.source.backupSource,
      });
  const to = req.untilLogPosition ? `log position ${req.untilLogPosition.logPosition}` : req.until;
  const ctx: HanaErrorContext = hanaErrorContext(system, target.key, `recovering tenant ${tenant} of ${system.sid} to ${to}`, {
    tenant,
    source: `${req.source.tenant}@${req.source.sid}`,
    backintParameterFile: req.backintParameterFile,
  });
  const opDir = opDirPath(req.mountPath, newOperationKey());
  const file = recordPath(req.mountPath);
  const record: RecoveryRecord = {
    version: 1,
    status: 'running',
    targetSid: system.sid,
    targetTenant: tenant,
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

  const fail = async (err: UserError, code: number | null): Promise<never> => {
    let status: string | null = null;
    try {
      status = await tenantActiveStatus(connection, target, tenant, ctx);
    } catch {
      /* the failure we record is the first one */
    }
    Object.assign(record, {
      status: 'failed',
      tenantActiveStatus: status,
      failure: { code, message: err.message, action: err.action },
      updatedAt: nowUtc(),
    });
    await writeRecord(connection, file, record);
    throw err;
  };

  libs.reportProgress({ percent: 0, message: `stopping tenant ${tenant}` });
  try {
    await stopTenant(connection, target, tenant, ctx);
  } catch (e) {
    if (e instanceof UserError) return fail(e, null);
    throw e;
  }

  libs.reportProgress({ percent: 0, message: `recovering ${tenant} from ${ctx.source} until ${req.until}` });
  const recovery = await runDetachedRecovery({
    connection,
    target,
    statement,
    opDir,
    logPaths: recoveryLogPaths(system.traceDirectory, tenant),
    runningRecord: { file, json: JSON.stringify(record) },
    timing: req.timing,
  });
  const op = recovery.found?.operation ?? null;
  Object.assign(record, {
    executionTimestamp: (op?.startedAt ?? recovery.issuedAt) as UtcIso,
    recoveryInfo: op?.message ?? null,
    reachedLogPosition: op?.reachedLogPosition ?? null,
    operationId: op?.operationId ?? null,
  });

  if (recovery.hdbsqlError) {
    const e = recovery.hdbsqlError;
    // backup.log's finish line says more than the client's message; keep HANA's code from either.
    const text =
      op?.outcome === 'error' && op.message && !op.message.includes(e.text) ? `${e.text} (backup.log: ${op.message})` : e.text;
    return fail(hanaUserError({ code: e.code, text }, ctx, e.stderr), e.code);
  }
  if (op?.outcome === 'error') {
    return fail(hanaUserError({ code: op.errorCode ?? -1, text: op.message ?? 'recovery failed' }, ctx), op.errorCode);
  }
  if (recovery.lost) {
    return fail(
      new UserError(
        `The RECOVER process for tenant ${tenant} on ${system.hostName} ended without an exit code (host restart or ` +
          `killed) and backup.log shows no result.`,
        `Check ${opDir} and ${system.traceDirectory}/backup.log; then refresh or rewind the VDB again. ` +
          `${actionFor('recovery-incomplete', ctx)}`,
      ),
      null,
    );
  }
  if (!op || op.outcome !== 'success') {
    return fail(
      new UserError(
        `RECOVER for tenant ${tenant} returned without error, but its result was not found in ` +
          `${recoveryLogPaths(system.traceDirectory, tenant).join(' or ')}.`,
        'Check that backup.log is written in the trace directory of the repository (traceDirectory) and refresh the ' +
          'environment if the installation moved; then retry.',
      ),
      null,
    );
  }
  record.achievedTimestamp = op.reachedTimestamp;

  libs.reportProgress({ percent: 100, message: `starting tenant ${tenant}` });
  try {
    // HANA usually starts the tenant at the end of RECOVER; then the status read by startTenant is the answer.
    const before = await startTenant(connection, target, tenant, ctx);
    const status = before === 'YES' ? before : await tenantActiveStatus(connection, target, tenant, ctx);
    record.tenantActiveStatus = status;
    if (status !== 'YES') {
      return fail(
        new UserError(
          `Tenant ${tenant} was recovered (${op.message}) but is not running: ACTIVE_STATUS is ${status ?? 'unknown'}.`,
          `Read ${system.traceDirectory}/DB_${tenant}/ indexserver traces for why it did not start, start it with ALTER ` +
            `SYSTEM START DATABASE ${tenant}, then take a VDB snapshot.`,
        ),
        null,
      );
    }
  } catch (e) {
    if (e instanceof UserError) return fail(e, null);
    throw e;
  }
  Object.assign(record, { status: 'succeeded', updatedAt: nowUtc() });
  await writeRecord(connection, file, record);
  return { record, recovery };
}
