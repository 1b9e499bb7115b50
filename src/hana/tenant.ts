/** Tenant control on SYSTEMDB through hdbsql: status, idempotent stop and start, each error a UserError. */
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

/** Stop the tenant unless it is already stopped. Returns the status found before. */
export async function stopTenant(
  connection: RemoteConnection,
  target: HdbsqlTarget,
  tenant: TenantName,
  ctx: HanaErrorContext,
): Promise<ActiveStatus> {
  const before = await requireTenant(connection, target, tenant, ctx);
  if (before !== 'NO')
    await hdbsqlOrUserError(connection, target, stopDatabase(tenant), { ...ctx, doing: `stopping tenant ${tenant}` });
  return before;
}

/** Start the tenant unless it is already running. Returns the status found before. */
export async function startTenant(
  connection: RemoteConnection,
  target: HdbsqlTarget,
  tenant: TenantName,
  ctx: HanaErrorContext,
): Promise<ActiveStatus> {
  const before = await requireTenant(connection, target, tenant, ctx);
  if (before !== 'YES')
    await hdbsqlOrUserError(connection, target, startDatabase(tenant), { ...ctx, doing: `starting tenant ${tenant}` });
  return before;
}
