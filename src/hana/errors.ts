/**
 * HANA failures as UserErrors: HANA's own text plus a concrete action (issue 6 item 6). Classification is by
 * HANA error code first and by text only where HANA reuses a code for different causes (Backint inside 448).
 */
import { UserError } from '../sdk/errors.js';

export type HanaFailureKind =
  | 'recovery-incomplete' // [448]
  | 'recovery-strategy' // [449]
  | 'insufficient-privilege' // 258
  | 'authentication-failed' // 10
  | 'userstore-key-invalid' // -10104
  | 'connection-failed' // -10709 and friends
  | 'unknown-tenant'
  | 'backint'
  | 'other';

export interface HanaFailure {
  code: number;
  text: string;
}

/** What the action text can name. Only validated identifiers and paths, never a secret. */
export interface HanaErrorContext {
  /** What we were doing, e.g. "recovering tenant VDB1 of QAS". */
  doing: string;
  key: string;
  sid?: string;
  instanceNumber?: string;
  hostName?: string;
  osUser?: string;
  tenant?: string;
  /** "<tenant>@<SID>" of the source. */
  source?: string;
  /** The key reads the source's catalog: sid and instanceNumber then name the source system, not the target. */
  sourceCatalog?: boolean;
  traceDirectory?: string;
  backintParameterFile?: string;
}

const UNKNOWN_DATABASE = /(unknown|invalid) (tenant |database name|database)|database .{0,80}(not found|does not exist|not exist)/i;

export function classifyHanaFailure(f: HanaFailure): HanaFailureKind {
  if (/backint/i.test(f.text)) return 'backint';
  switch (f.code) {
    case 448:
      return 'recovery-incomplete';
    case 449:
      return 'recovery-strategy';
    case 258:
      return 'insufficient-privilege';
    case 10:
      return 'authentication-failed';
    case -10104:
      return 'userstore-key-invalid';
    case -10709:
    case -10108:
    case -10807:
      return 'connection-failed';
  }
  if (UNKNOWN_DATABASE.test(f.text)) return 'unknown-tenant';
  return 'other';
}

function systemdbPort(ctx: HanaErrorContext): string {
  if (ctx.instanceNumber) return `3${ctx.instanceNumber}13`;
  return ctx.sourceCatalog ? `3<instance of ${ctx.sid ?? 'the source'}>13` : '3<nr>13';
}

/** Which SYSTEMDB the key must point at: the target's own, or the source's for a catalog key. */
function systemdb(ctx: HanaErrorContext): string {
  return ctx.sourceCatalog ? `the SYSTEMDB of the source system${ctx.sid ? ` ${ctx.sid}` : ''}` : 'SYSTEMDB';
}

function logs(ctx: HanaErrorContext): string {
  if (!ctx.traceDirectory) return 'backup.log and backint.log in the trace directory';
  const t = ctx.tenant ? ` and ${ctx.traceDirectory}/DB_${ctx.tenant}/backup.log` : '';
  return `${ctx.traceDirectory}/backup.log${t} and ${ctx.traceDirectory}/backint.log`;
}

export function actionFor(kind: HanaFailureKind, ctx: HanaErrorContext): string {
  const who = ctx.osUser ? ` of OS user ${ctx.osUser}` : '';
  const on = ctx.hostName ? ` on ${ctx.hostName}` : '';
  switch (kind) {
    case 'recovery-incomplete':
      return `HANA stopped the recovery; tenant ${ctx.tenant ?? ''} is not usable until a recovery succeeds. Read ${logs(ctx)} for the failing service and volume, fix the cause (missing or unreadable backups of ${ctx.source ?? 'the source'}, disk space on the target), then refresh or rewind the VDB again.`;
    case 'recovery-strategy':
      return `HANA found no unambiguous chain of backups for ${ctx.source ?? 'the source'} up to the requested time (e.g. overlapping log backup sequences after an earlier recovery of the source, SAP Note 1779221, or a missing data backup). Check the source's backup catalog, take a new snapshot whose time lies after the source's latest complete data backup, and provision from it.`;
    case 'insufficient-privilege':
      return `Grant the database user of hdbuserstore key ${ctx.key}${who}${on} the system privileges DATABASE RECOVERY OPERATOR, DATABASE START and DATABASE STOP (or DATABASE ADMIN) in SYSTEMDB, then retry.`;
    case 'authentication-failed':
      return `The credentials behind hdbuserstore key ${ctx.key}${who}${on} were rejected. Set them again with \`hdbuserstore SET ${ctx.key} <host>:${systemdbPort(ctx)} <user> <password>\` (the key must point at ${systemdb(ctx)}), then retry.`;
    case 'userstore-key-invalid':
      return `hdbuserstore key ${ctx.key} does not exist for OS user${ctx.osUser ? ` ${ctx.osUser}` : ''}${on}. Create it with \`hdbuserstore SET ${ctx.key} <host>:${systemdbPort(ctx)} <user> <password>\` (pointing at ${systemdb(ctx)}), or name an existing key (\`hdbuserstore LIST\`).`;
    case 'connection-failed':
      return `hdbsql could not reach the database that key ${ctx.key} points to. Check that ${ctx.sid ?? 'the'} system is running and that the key's ENV (\`hdbuserstore LIST ${ctx.key}\`) names the SQL port ${systemdbPort(ctx)} of ${systemdb(ctx)}.`;
    case 'unknown-tenant':
      return `Check the tenant name: \`SELECT DATABASE_NAME FROM SYS.M_DATABASES\` on ${ctx.sid ?? 'the system'}'s SYSTEMDB lists the tenants. Create the target tenant first (CREATE DATABASE ...) or correct the name, then retry.`;
    case 'backint':
      return `The Backint agent failed. Read ${logs(ctx)}; check that the agent and its parameter file${ctx.backintParameterFile ? ` ${ctx.backintParameterFile}` : ''}${on} can read the backups of ${ctx.source ?? 'the source'} (credentials, bucket or Commvault client/instance, network), then retry.`;
    case 'other':
      return `Read ${logs(ctx)} and HANA's message above, fix the cause, then retry.`;
  }
}

/** A HANA failure as the UserError the user sees: what we did, HANA's code and text verbatim, and what to do. */
export function hanaUserError(f: HanaFailure, ctx: HanaErrorContext, output = ''): UserError {
  const kind = classifyHanaFailure(f);
  const code = f.code === -1 ? '' : ` [${f.code}]`;
  return new UserError(`HANA failed while ${ctx.doing}:${code} ${f.text}`, actionFor(kind, ctx), output);
}

export function unknownTenantError(tenant: string, sid: string, known: readonly string[], ctx: HanaErrorContext): UserError {
  const list = known.length ? ` Tenants of ${sid}: ${known.join(', ')}.` : '';
  return new UserError(`Tenant database ${tenant} does not exist on system ${sid}.${list}`, actionFor('unknown-tenant', ctx));
}
