/**
 * Plugin-defined objects (schemas/schema.json) parsed into the typed values src/hana works with. The engine
 * validated them against the schema already; parsing again here brands every identifier, so no SQL or shell
 * is built from a raw field, and a hand-edited object fails with the field's name.
 */
import { UserError } from '../../src/sdk/errors.js';
import type { PluginObject, VirtualSource } from '../../src/sdk/platform.js';
import {
  parseAbsolutePath,
  parseHostName,
  parseInstanceNumber,
  parseSid,
  parseTenantName,
  parseUserStoreKey,
  type AbsolutePath,
  type HdbsqlTarget,
  type Sid,
  type TenantName,
  type UserStoreKey,
} from '../../src/hana/index.js';
import { parseBackupSource, type BackupSource } from '../../src/hana/sql.js';
import { utcIso, type UtcIso } from '../../src/hana/time.js';
import type { TargetSystem } from '../../src/hana/recovery/tenant-recovery.js';
import type { BaseSnapshot } from '../../src/hana/recovery/record.js';
import { DEFAULT_POLICY, type RecoveryPolicy } from '../../src/hana/log-coverage/check.js';
import type { PinnedPoint } from '../../src/hana/recovery/guarantees.js';

export interface Repository extends TargetSystem {
  version: string;
  installationPath: AbsolutePath;
  /** HANA's Backint entry point, <usr/sap>/<SID>/SYS/global/hdb/opt/hdbbackint. */
  hdbbackintPath: AbsolutePath;
}

function osUser(value: unknown): string {
  if (typeof value === 'string' && /^[a-z_][a-z0-9_-]{0,31}$/.test(value)) return value;
  throw new UserError(
    `Invalid repository.osUser: ${JSON.stringify(value)}.`,
    'Refresh the environment to rediscover the installation.',
  );
}

export function repositoryOf(r: PluginObject): Repository {
  const installationPath = parseAbsolutePath(r.installationPath, 'repository.installationPath');
  const sidDir = installationPath.split('/').slice(0, -1).join('/');
  return {
    installationPath,
    hdbbackintPath: parseAbsolutePath(`${sidDir}/SYS/global/hdb/opt/hdbbackint`, 'repository.installationPath'),
    sid: parseSid(r.sid, 'repository.sid'),
    instanceNumber: parseInstanceNumber(r.instanceNumber, 'repository.instanceNumber'),
    hostName: parseHostName(r.hostName, 'repository.hostName'),
    osUser: osUser(r.osUser),
    traceDirectory: parseAbsolutePath(r.traceDirectory, 'repository.traceDirectory'),
    hdbsqlPath: parseAbsolutePath(r.hdbsqlPath, 'repository.hdbsqlPath'),
    version: String(r.version ?? ''),
  };
}

export interface LinkedParameters {
  backupSource: BackupSource;
  /** CHECK ACCESS USING BACKINT in the RECOVER statement (default on). */
  checkAccessUsingBackint: boolean;
  sourceTenant: TenantName;
  sourceUserStoreKey: UserStoreKey;
  rpoOffsetMinutes: number;
  backintParameterFile: AbsolutePath;
  /** The source's Commvault client name (CommCell), when the dSource gives it. */
  commvaultSourceClient: string | null;
  policy: RecoveryPolicy;
}

function commvaultClient(value: unknown, field = 'commvaultSourceClient'): string | null {
  if (value === undefined) return null;
  if (typeof value === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(value)) return value;
  throw new UserError(
    `Invalid ${field}: ${JSON.stringify(value)}.`,
    'Set commvaultSourceClient to the client name exactly as the CommCell shows it (letters, digits, _ . -), e.g. hanaprd.',
  );
}

function wholeNumber(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    throw new UserError(`Invalid ${field}: ${JSON.stringify(value)}.`, `Set ${field} to a whole number of seconds, 0 or more.`);
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new UserError(`Invalid ${field}: ${JSON.stringify(value)}.`, `Use one of ${allowed.join(', ')}.`);
}

const POLICIES = ['wait', 'fail', 'proceed'] as const;
const DRIFT_ACTIONS = ['warn', 'fail'] as const;

/** A policy object (linkedSource fields, or a snapshot's recoveryPolicy), defaults for what is absent. */
export function recoveryPolicyOf(p: PluginObject | undefined, base: RecoveryPolicy = DEFAULT_POLICY, where = ''): RecoveryPolicy {
  const o = p ?? {};
  return {
    coveragePolicy: oneOf(o.coveragePolicy, `${where}coveragePolicy`, POLICIES, base.coveragePolicy),
    coverageWaitTimeoutSeconds: wholeNumber(
      o.coverageWaitTimeoutSeconds,
      `${where}coverageWaitTimeoutSeconds`,
      base.coverageWaitTimeoutSeconds,
    ),
    maxDriftSeconds: wholeNumber(o.maxDriftSeconds, `${where}maxDriftSeconds`, base.maxDriftSeconds),
    driftAction: oneOf(o.driftAction, `${where}driftAction`, DRIFT_ACTIONS, base.driftAction),
  };
}

function flag(value: unknown, field: string): boolean {
  if (value === undefined) return true;
  if (typeof value === 'boolean') return value;
  throw new UserError(`Invalid ${field}: ${JSON.stringify(value)} is not true or false.`, `Set ${field} to true or false.`);
}

export function linkedParameters(p: PluginObject): LinkedParameters {
  const offset = p.rpoOffsetMinutes ?? 0;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0)
    throw new UserError(
      `Invalid rpoOffsetMinutes: ${JSON.stringify(offset)}.`,
      'Set rpoOffsetMinutes to a whole number of minutes, 0 or more.',
    );
  return {
    backupSource: parseBackupSource(p.backupSource),
    checkAccessUsingBackint: flag(p.checkAccessUsingBackint, 'checkAccessUsingBackint'),
    sourceTenant: parseTenantName(p.sourceTenant, 'sourceTenant'),
    sourceUserStoreKey: parseUserStoreKey(p.sourceUserStoreKey, 'sourceUserStoreKey'),
    rpoOffsetMinutes: offset,
    backintParameterFile: parseAbsolutePath(p.backintParameterFile, 'backintParameterFile'),
    commvaultSourceClient: commvaultClient(p.commvaultSourceClient),
    policy: recoveryPolicyOf(p),
  };
}

export interface VirtualParameters {
  targetTenant: TenantName;
  targetUserStoreKey: UserStoreKey;
  /** Null: take it from the target's global.ini (the preflight derives it). */
  backintParameterFile: AbsolutePath | null;
  mountBase: AbsolutePath;
  sourceCatalogUserStoreKey: UserStoreKey | null;
  targetTenantUserStoreKey: UserStoreKey | null;
  /** Only the fields the VDB sets; they override the dSource's policy. */
  policyOverride: PluginObject;
  verificationQuery: string | null;
}

/**
 * The verification query: one SELECT on one line, nothing that could chain or smuggle a statement (the schema
 * says the same; parsed again because a stored object may be older or hand-edited).
 */
export function parseVerificationQuery(value: unknown): string | null {
  if (value === undefined) return null;
  const action = 'Use a single-line SELECT statement without ; or \\ (e.g. SELECT COUNT(*), MAX(ID) FROM MARKERS).';
  if (typeof value !== 'string') throw new UserError('Invalid verificationQuery: it is not a text.', action);
  const q = value.trim();
  if (!/^SELECT\s/i.test(q) || /[;\\\r\n\0]/.test(q) || q.length > 2000)
    throw new UserError(`Invalid verificationQuery: ${JSON.stringify(q.slice(0, 80))} is not a single SELECT statement.`, action);
  return q;
}

export function virtualParameters(p: PluginObject): VirtualParameters {
  const optionalKey = (field: string) => (p[field] === undefined ? null : parseUserStoreKey(p[field], field));
  const verificationQuery = parseVerificationQuery(p.verificationQuery);
  const targetTenantUserStoreKey = optionalKey('targetTenantUserStoreKey');
  if (verificationQuery && !targetTenantUserStoreKey) {
    throw new UserError(
      'verificationQuery is set but targetTenantUserStoreKey is not: the query runs in the VDB tenant through that key.',
      'Set targetTenantUserStoreKey to an hdbuserstore key (on the target host) for a user of the VDB tenant, or remove ' +
        'verificationQuery.',
    );
  }
  const policyOverride: PluginObject = {};
  for (const k of ['coveragePolicy', 'coverageWaitTimeoutSeconds', 'maxDriftSeconds', 'driftAction'])
    if (p[k] !== undefined) policyOverride[k] = p[k];
  recoveryPolicyOf(policyOverride); // validates the overrides now, naming the field
  return {
    targetTenant: parseTenantName(p.targetTenant, 'targetTenant'),
    targetUserStoreKey: parseUserStoreKey(p.targetUserStoreKey, 'targetUserStoreKey'),
    backintParameterFile:
      p.backintParameterFile === undefined ? null : parseAbsolutePath(p.backintParameterFile, 'backintParameterFile'),
    mountBase: parseAbsolutePath(p.mountBase, 'mountBase'),
    sourceCatalogUserStoreKey: optionalKey('sourceCatalogUserStoreKey'),
    targetTenantUserStoreKey,
    policyOverride,
    verificationQuery,
  };
}

/** How errors name the Backint agent's parameter file. */
export const BACKINT_FILE = 'Backint parameter file';

export function hdbsqlTarget(repo: Repository, key: UserStoreKey): HdbsqlTarget {
  return { hdbsqlPath: repo.hdbsqlPath, key };
}

/**
 * How the target host reads the source's catalog (its hdbsql, the source catalog key) and the Backint tool; null without the key.
 */
export function coverageOf(
  repo: Repository,
  p: VirtualParameters,
  backintParameterFile: AbsolutePath,
): { catalog: HdbsqlTarget; hdbbackint: AbsolutePath; backintParameterFile: AbsolutePath } | null {
  if (!p.sourceCatalogUserStoreKey) return null;
  return {
    catalog: hdbsqlTarget(repo, p.sourceCatalogUserStoreKey),
    hdbbackint: repo.hdbbackintPath,
    backintParameterFile,
  };
}

export interface SnapshotTarget {
  base: BaseSnapshot;
  sourceSid: Sid;
  sourceTenant: TenantName;
  /** The Backint tool holding the source's backups (snapshots taken before it was recorded: S3_BACKINT). */
  backupSource: BackupSource;
  /** The dSource's CHECK ACCESS USING BACKINT choice (snapshots taken before it was recorded: on). */
  checkAccess: boolean;
  /** The dSource's Commvault source client, when it named one (dSource snapshots only). */
  commvaultSourceClient: string | null;
  /** What RECOVER ... UNTIL uses: a VDB snapshot's recoveryTimestamp (rewind), else the origin. */
  until: UtcIso;
  /** The exact point every recovery from this snapshot must reach, when one is pinned (or a VDB snapshot's reached point). */
  pin: PinnedPoint | null;
  /** The dSource's policy recorded in the snapshot (defaults for snapshots taken before policies were recorded). */
  policy: RecoveryPolicy;
}

function logPosition(value: unknown, field: string): string {
  if (typeof value === 'string' && /^\d{1,20}$/.test(value)) return value;
  throw new UserError(
    `Invalid ${field}: ${JSON.stringify(value)} is not a log position.`,
    'The snapshot metadata is damaged; take a new dSource snapshot.',
  );
}

export function snapshotTarget(s: PluginObject): SnapshotTarget {
  const sourceSid = parseSid(s.sourceSid, 'snapshot.sourceSid');
  const sourceTenant = parseTenantName(s.sourceTenant, 'snapshot.sourceTenant');
  const originTimestamp = utcIso(s.originTimestamp, 'snapshot.originTimestamp');
  const policy = recoveryPolicyOf(s.recoveryPolicy as PluginObject | undefined, DEFAULT_POLICY, 'snapshot.recoveryPolicy.');
  const backupSource = parseBackupSource(s.backupSource, 'snapshot.backupSource');
  const base: BaseSnapshot = {
    sourceSid,
    sourceTenant,
    backupSource,
    originTimestamp,
    rpoOffsetMinutes: typeof s.rpoOffsetMinutes === 'number' ? s.rpoOffsetMinutes : 0,
    takenAt: utcIso(s.takenAt, 'snapshot.takenAt'),
    recoveryPolicy: policy,
  };
  const until = s.recoveryTimestamp === undefined ? originTimestamp : utcIso(s.recoveryTimestamp, 'snapshot.recoveryTimestamp');
  // A VDB snapshot (it has a recoveryTimestamp) holds exactly what its recovery reached; a dSource snapshot holds its pin.
  const isVdbSnapshot = s.recoveryTimestamp !== undefined;
  const pinPosition = isVdbSnapshot ? (s.reachedLogPosition ?? s.pinnedLogPosition) : s.pinnedLogPosition;
  const pinTime = isVdbSnapshot ? (s.achievedTimestamp ?? s.pinnedTimestamp) : s.pinnedTimestamp;
  const pin =
    pinPosition === undefined
      ? null
      : {
          logPosition: logPosition(pinPosition, isVdbSnapshot ? 'snapshot.reachedLogPosition' : 'snapshot.pinnedLogPosition'),
          timestamp: pinTime === undefined ? null : utcIso(pinTime, 'snapshot.pinnedTimestamp'),
        };
  const checkAccess = flag(s.checkAccessUsingBackint, 'snapshot.checkAccessUsingBackint');
  const commvaultSourceClient = commvaultClient(s.commvaultSourceClient, 'snapshot.commvaultSourceClient');
  return { base, sourceSid, sourceTenant, backupSource, checkAccess, commvaultSourceClient, until, pin, policy };
}

/** The VDB's mount path (virtual.mountSpecification returns exactly one mount). */
export function mountPathOf(v: VirtualSource): AbsolutePath {
  const m = v.mounts[0];
  if (!m) throw new UserError('The VDB has no mount.', 'Enable the VDB (this mounts it) and retry.');
  return parseAbsolutePath(m.mountPath, 'mountPath');
}
