/** Tenant control on SYSTEMDB through hdbsql: status, idempotent stop and start, each error a UserError. */
import { UserError } from '../sdk/errors.js';
import type { RemoteConnection } from '../sdk/platform.js';
import { hanaUserError, unknownTenantError, type HanaErrorContext } from './errors.js';
import { HdbsqlError } from './hdbsql/errors.js';
import type { HdbsqlTarget } from './hdbsql/invocation.js';
import { runHdbsql } from './hdbsql/run.js';
import type { TenantName } from './identifiers.js';
import { databaseStatus, listDatabases, startDatabase, stopDatabase } from './sql.js';

export type ActiveStatus = string; // 'YES' | 'NO' as HANA reports; other values are passed through

/** Run one statement; HANA errors become UserErrors naming what we were doing. */
export async function hdbsqlOrUserError(connection: RemoteConnection, target: HdbsqlTarget, sql: string, ctx: HanaErrorContext) {
  try {
    return await runHdbsql(connection, target, sql);
  } catch (e) {
    if (e instanceof HdbsqlError) throw hanaUserError(e, ctx, e.stderr);
    throw e;
  }
}

/** ACTIVE_STATUS of the tenant, or null when the system has no such database. */
export async function tenantActiveStatus(
  connection: RemoteConnection,
  target: HdbsqlTarget,
  tenant: TenantName,
  ctx: HanaErrorContext,
): Promise<ActiveStatus | null> {
  const out = await hdbsqlOrUserError(connection, target, databaseStatus(tenant), {
    ...ctx,
    doing: `reading the state of tenant ${tenant}`,
  });
  const row = out.rows.find((r) => r[0] === tenant);
  return row ? (row[1] ?? null) : null;
}

/** The tenant's ACTIVE_STATUS; a UserError listing the existing tenants when it does not exist. */
export async function requireTenant(
  connection: RemoteConnection,
  target: HdbsqlTarget,
  tenant: TenantName,
  ctx: HanaErrorContext,
): Promise<ActiveStatus> {
  const status = await tenantActiveStatus(connection, target, tenant, ctx);
  if (status !== null) return status;
  const all = await hdbsqlOrUserError(connection, target, listDatabases(), { ...ctx, doing: 'listing the databases' });
  const names = all.rows.map((r) => r[0] ?? '').filter((n) => n !== '' && n !== 'SYSTEMDB');
  throw unknownTenantError(tenant, ctx.sid ?? 'the target system', names, ctx);
}

/**
 * HANA reports a tenant on its way as ACTIVE_STATUS STARTING or STOPPING: STOP and START may return before the
 * tenant got there, and a RECOVER issued meanwhile fails. So every stop and start waits until the status is
 * settled (YES or NO), polling with a growing pause up to `timeoutSeconds`.
 */
export interface SettleOptions {
  timeoutSeconds?: number;
  /** First pause between polls; doubles up to 5 s. */
  firstPauseMs?: number;
}

const settled = (s: ActiveStatus | null) => s === null || s === 'YES' || s === 'NO';

/** Polls ACTIVE_STATUS until it is YES or NO (or the tenant is gone); the status found. */
export async function waitSettled(
  connection: RemoteConnection,
  target: HdbsqlTarget,
  tenant: TenantName,
  ctx: HanaErrorContext,
  status: ActiveStatus | null,
  o: SettleOptions = {},
): Promise<ActiveStatus | null> {
  const end = Date.now() + (o.timeoutSeconds ?? 600) * 1000;
  let pause = o.firstPauseMs ?? 300;
  while (!settled(status)) {
    if (Date.now() > end)
      throw new UserError(
        `Tenant ${tenant} stayed ACTIVE_STATUS ${status} for ${o.timeoutSeconds ?? 600} s; it is neither running nor stopped.`,
        `Read ${ctx.traceDirectory ?? 'the trace directory'}/DB_${tenant}/ indexserver traces and SYS.M_DATABASES ` +
          '(ACTIVE_STATUS_DETAILS) for why, then retry.',
      );
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(pause * 2, 5000);
    status = await tenantActiveStatus(connection, target, tenant, ctx);
  }
  return status;
}

/** Stop the tenant unless it is already stopped, and wait until it is. Returns the status found before. */
export async function stopTenant(
  connection: RemoteConnection,
  target: HdbsqlTarget,
  tenant: TenantName,
  ctx: HanaErrorContext,
  o: SettleOptions = {},
): Promise<ActiveStatus> {
  const before = await requireTenant(connection, target, tenant, ctx);
  const now = await waitSettled(connection, target, tenant, ctx, before, o);
  if (now === 'NO') return before;
  await hdbsqlOrUserError(connection, target, stopDatabase(tenant), { ...ctx, doing: `stopping tenant ${tenant}` });
  const after = await waitSettled(connection, target, tenant, ctx, await tenantActiveStatus(connection, target, tenant, ctx), o);
  if (after !== 'NO') throw notReached(tenant, 'stopped', after, ctx);
  return before;
}

/** Start the tenant unless it is already running, and wait until it is settled. Returns the status found before. */
export async function startTenant(
  connection: RemoteConnection,
  target: HdbsqlTarget,
  tenant: TenantName,
  ctx: HanaErrorContext,
  o: SettleOptions = {},
): Promise<ActiveStatus> {
  return (await startTenantSettled(connection, target, tenant, ctx, o)).before;
}

/** Start the tenant unless it is already running; the status before, and the settled status after. */
export async function startTenantSettled(
  connection: RemoteConnection,
  target: HdbsqlTarget,
  tenant: TenantName,
  ctx: HanaErrorContext,
  o: SettleOptions = {},
): Promise<{ before: ActiveStatus; after: ActiveStatus | null }> {
  const before = await requireTenant(connection, target, tenant, ctx);
  const now = await waitSettled(connection, target, tenant, ctx, before, o);
  if (now === 'YES') return { before, after: now };
  await hdbsqlOrUserError(connection, target, startDatabase(tenant), { ...ctx, doing: `starting tenant ${tenant}` });
  const after = await waitSettled(connection, target, tenant, ctx, await tenantActiveStatus(connection, target, tenant, ctx), o);
  return { before, after };
}

function notReached(tenant: TenantName, wanted: string, status: ActiveStatus | null, ctx: HanaErrorContext): UserError {
  return new UserError(
    `HANA accepted the request, but tenant ${tenant} is not ${wanted}: ACTIVE_STATUS is ${status ?? 'unknown'}.`,
    `Read ${ctx.traceDirectory ?? 'the trace directory'}/DB_${tenant}/ indexserver traces for why, then retry.`,
  );
}
