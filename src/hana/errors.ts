/**
 * HANA failures as UserErrors: HANA's own text plus a concrete action. Classification is by HANA's error code and,
 * for the recovery codes that HANA reuses for different causes (447, 448, 449), by the inner code HANA prints in
 * brackets: `* 449: recovery strategy could not be determined: [111014] The backup with backup id '…' cannot be
 * used for recovery` (a backup that cannot be used) is not `[111004] Ambiguous sequence of log backups` (overlapping
 * log sequences), and `* 448: … [301102] exception 301153: Sending root key to secondary failed` is a stopped system
 * replication secondary, not a broken backup. Text decides only where no code tells (Backint, unknown tenant).
 */
import { UserError } from '../sdk/errors.js';
import { HanaCode, HanaInnerCode } from './error-codes.js';

export type HanaFailureKind =
  | 'recovery-incomplete' // 448, any other inner code
  | 'being-recovered' // 448 refusal: another recovery of the tenant is running
  | 'recovery-strategy' // 449, any other inner code
  | 'ambiguous-log-backups' // 449 [111004]
  | 'backup-unusable' // 449 [111014]
  | 'sr-secondary-down' // 448 [301102] exception 301153
  | 'backup-root-key-missing' // 448 naming a missing backup root key
  | 'insufficient-privilege' // 258
  | 'authentication-failed' // 10
  | 'userstore-key-invalid' // -10104
  | 'connection-failed' // -10709 and friends
  | 'unknown-tenant'
  | 'backint' // 447 [110507], or Backint named in the text
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

/** The facts of a HANA system that an action can name; a repository and a recovery's target system both have them. */
export interface HanaSystemFacts {
  sid?: string;
  instanceNumber?: string;
  hostName?: string;
  osUser?: string;
  traceDirectory?: string;
}

type ContextExtras = Partial<Pick<HanaErrorContext, 'sid' | 'tenant' | 'source' | 'backintParameterFile'>>;

/** The one way to build an error context: the system's facts, the hdbuserstore key, what we are doing, and extras. */
export function hanaErrorContext(
  system: HanaSystemFacts,
  key: string,
  doing: string,
  extras: ContextExtras = {},
): HanaErrorContext {
  const { sid, instanceNumber, hostName, osUser, traceDirectory } = system;
  const ctx: HanaErrorContext = { doing, key, sid, instanceNumber, hostName, osUser, traceDirectory, ...extras };
  for (const k of Object.keys(ctx) as (keyof HanaErrorContext)[]) if (ctx[k] === undefined) delete ctx[k];
  return ctx;
}

const UNKNOWN_DATABASE = /(unknown|invalid) (tenant |database name|database)|database .{0,80}(not found|does not exist|not exist)/i;
/** HANA's inner code: the first bracketed number of five or more digits (`[111014]`, not `RTE:[89006]`'s prefix). */
const INNER_CODE = /(?<!RTE:)\[(\d{5,9})\]/;
const SR_ROOT_KEY = /exception 301153|root key to secondary/i;
const BEING_RECOVERED = /\bis (already )?being recovered\b/i;

/** HANA's inner code in a failure text, or null when it prints none. */
export function innerCode(text: string): number | null {
  const m = INNER_CODE.exec(text);
  return m ? Number(m[1]) : null;
}

const MISSING_ROOT_KEY = /root key/i;

function classifyRecovery(code: number, inner: number | null, text: string): HanaFailureKind | null {
  const { recoveryCouldNotBeCompleted: c448, recoveryStrategyCouldNotBeDetermined: c449, backupFailed: c447 } = HanaCode;
  if (code === c448 && (inner === HanaInnerCode.srRecoveryFailed || SR_ROOT_KEY.test(text))) return 'sr-secondary-down';
  if (code === c448 && BEING_RECOVERED.test(text)) return 'being-recovered';
  if (code === c448 && inner === HanaInnerCode.simMissingBackupRootKey && MISSING_ROOT_KEY.test(text))
    return 'backup-root-key-missing';
  if (code === c449 && inner === HanaInnerCode.ambiguousLogBackups) return 'ambiguous-log-backups';
  if (code === c449 && inner === HanaInnerCode.backupCannotBeUsed) return 'backup-unusable';
  if (code === c447 && inner === HanaInnerCode.backintError) return 'backint';
  if (/backint/i.test(text)) return 'backint';
  if (code === c448) return 'recovery-incomplete';
  if (code === c449) return 'recovery-strategy';
  return null;
}

const BY_CODE: ReadonlyMap<number, HanaFailureKind> = new Map([
  [HanaCode.insufficientPrivilege, 'insufficient-privilege'],
  [HanaCode.authenticationFailed, 'authentication-failed'],
  [HanaCode.userstoreKeyInvalid, 'userstore-key-invalid'],
  [HanaCode.connectionFailed, 'connection-failed'],
  [HanaCode.sessionReconnected, 'connection-failed'],
  [HanaCode.connectionBroken, 'connection-failed'],
]);

export function classifyHanaFailure(f: HanaFailure): HanaFailureKind {
  const recovery = classifyRecovery(f.code, innerCode(f.text), f.text);
  if (recovery) return recovery;
  const byCode = BY_CODE.get(f.code);
  if (byCode) return byCode;
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

function setKey(ctx: HanaErrorContext): string {
  return `\`hdbuserstore SET ${ctx.key} <host>:${systemdbPort(ctx)} <user> <password>\``;
}

type ActionText = (ctx: HanaErrorContext, who: string, on: string) => string;

const ACTIONS: Record<HanaFailureKind, ActionText> = {
  'recovery-incomplete': (c) =>
    `HANA stopped the recovery; tenant ${c.tenant ?? ''} is not usable until a recovery succeeds. ` +
    `Read ${logs(c)} for the failing service and volume, fix the cause (missing or unreadable backups of ` +
    `${c.source ?? 'the source'}, disk space on the target), then refresh or rewind the VDB again.`,
  'being-recovered': (c) =>
    `HANA refused because it is already recovering tenant ${c.tenant ?? ''} in another operation (another job, or ` +
    `by hand); the refusal changed nothing, and the tenant is being recovered, not broken. Wait for that ` +
    `recovery's "RECOVER DATA finished" line in ${logs(c)}, then retry.`,
  'recovery-strategy': (c) =>
    `HANA found no chain of backups for ${c.source ?? 'the source'} up to the requested time (e.g. a missing data ` +
    `backup). Check the source's backup catalog, take a new snapshot whose time lies after the source's latest ` +
    `complete data backup, and provision from it.`,
  'ambiguous-log-backups': (c) =>
    `The log backups of ${c.source ?? 'the source'} hold overlapping log sequences (the source was recovered ` +
    `earlier and started a new sequence, SAP Note 1779221). Take a new snapshot whose time lies after the source's ` +
    `first complete data backup since that recovery, and provision from it.`,
  'backup-unusable': (c) =>
    `HANA has no usable data backup of ${c.source ?? 'the source'} for this recovery (the backup it names, or any ` +
    `before the requested time, cannot be used). Check in the source's backup catalog that a data backup finished ` +
    `before that time and that the Backint agent${c.backintParameterFile ? ` (${c.backintParameterFile})` : ''} can ` +
    `still read it; then take a new snapshot whose time lies after such a backup, and provision from it.`,
  'sr-secondary-down': (c) =>
    `${c.sid ?? 'The target'} is a system replication primary whose secondary is not reachable, so HANA cannot ` +
    `send it the restored root key. Start the secondary and let it connect (\`hdbnsutil -sr_state\` on both sites), ` +
    `or unregister the secondary site (\`hdbnsutil -sr_unregister\`) for an urgent recovery, then retry.`,
  'backup-root-key-missing': (c) =>
    `The backups of ${c.source ?? 'the source'} are encrypted and ${c.sid ?? 'the target'} lacks their backup root key. ` +
    `Export it on the source (BACKUP ENCRYPTION ROOT KEYS FOR <tenant> USING FILE ('<name>')), copy the file to the ` +
    `target host and import it there as the OS user (hdbnsutil -recoverRootKeys <file> --database_name=` +
    `${c.tenant ?? '<tenant>'} --type=ALL), then refresh the VDB; hana-vdb plan checks the keys before a recovery.`,
  'insufficient-privilege': (c, who, on) =>
    `Grant the database user of hdbuserstore key ${c.key}${who}${on} the system privileges DATABASE RECOVERY ` +
    `OPERATOR, DATABASE START and DATABASE STOP (or DATABASE ADMIN) in SYSTEMDB, then retry.`,
  'authentication-failed': (c, who, on) =>
    `The credentials behind hdbuserstore key ${c.key}${who}${on} were rejected. Set them again with ${setKey(c)} ` +
    `(the key must point at ${systemdb(c)}), then retry.`,
  'userstore-key-invalid': (c, _who, on) =>
    `hdbuserstore key ${c.key} does not exist for OS user${c.osUser ? ` ${c.osUser}` : ''}${on}. Create it with ` +
    `${setKey(c)} (pointing at ${systemdb(c)}), or name an existing key (\`hdbuserstore LIST\`).`,
  'connection-failed': (c) =>
    `hdbsql could not reach the database that key ${c.key} points to. Check that ${c.sid ?? 'the'} system is ` +
    `running and that the key's ENV (\`hdbuserstore LIST ${c.key}\`) names the SQL port ${systemdbPort(c)} of ` +
    `${systemdb(c)}.`,
  'unknown-tenant': (c) =>
    `Check the tenant name: \`SELECT DATABASE_NAME FROM SYS.M_DATABASES\` on ${c.sid ?? 'the system'}'s SYSTEMDB ` +
    `lists the tenants. Create the target tenant first (CREATE DATABASE ...) or correct the name, then retry.`,
  backint: (c, _who, on) =>
    `The Backint agent failed. Read ${logs(c)}; check that the agent and its parameter file` +
    `${c.backintParameterFile ? ` ${c.backintParameterFile}` : ''}${on} can read the backups of ` +
    `${c.source ?? 'the source'} (credentials, bucket or Commvault client/instance, network), then retry.`,
  other: (c) => `Read ${logs(c)} and HANA's message above, fix the cause, then retry.`,
};

export function actionFor(kind: HanaFailureKind, ctx: HanaErrorContext): string {
  const who = ctx.osUser ? ` of OS user ${ctx.osUser}` : '';
  const on = ctx.hostName ? ` on ${ctx.hostName}` : '';
  return ACTIONS[kind](ctx, who, on);
}

/** A HANA failure as the UserError the user sees: what we did, HANA's code and text verbatim, and what to do. */
export function hanaUserError(f: HanaFailure, ctx: HanaErrorContext, output = ''): UserError {
  const kind = classifyHanaFailure(f);
  const code = f.code === -1 ? '' : ` [${f.code}]`;
  const verb = kind === 'being-recovered' ? 'refused' : 'failed';
  return new UserError(`HANA ${verb} while ${ctx.doing}:${code} ${f.text}`, actionFor(kind, ctx), output);
}

export function unknownTenantError(tenant: string, sid: string, known: readonly string[], ctx: HanaErrorContext): UserError {
  const list = known.length ? ` Tenants of ${sid}: ${known.join(', ')}.` : '';
  return new UserError(`Tenant database ${tenant} does not exist on system ${sid}.${list}`, actionFor('unknown-tenant', ctx));
}
