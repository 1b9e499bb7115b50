/**
 * Plugin-defined objects (schemas/schema.json) parsed into the typed values src/hana works with. The engine
 * validated them against the schema already; parsing again here brands every identifier, so no SQL or shell
 * is built from a raw field, and a hand-edited object fails with the field's name.
 */
import { UserError } from '../../src/sdk/errors.js';
import type { PluginObject, VirtualSource } from '../../src/sdk/platform.js';
import {
  parseAbsolutePath, parseHostName, parseInstanceNumber, parseSid, parseTenantName, parseUserStoreKey,
  type AbsolutePath, type HdbsqlTarget, type Sid, type TenantName, type UserStoreKey,
} from '../../src/hana/index.js';
import { parseBackupSource, type BackupSource } from '../../src/hana/sql.js';
import { utcIso, type UtcIso } from '../../src/hana/time.js';
import type { TargetSystem } from '../../src/hana/recovery/recover-tenant.js';
import type { BaseSnapshot } from '../../src/hana/recovery/record.js';

export interface Repository extends TargetSystem {
  version: string;
}

function osUser(value: unknown): string {
  if (typeof value === 'string' && /^[a-z_][a-z0-9_-]{0,31}$/.test(value)) return value;
  throw new UserError(`Invalid repository.osUser: ${JSON.stringify(value)}.`, 'Refresh the environment to rediscover the installation.');
}

export function repositoryOf(r: PluginObject): Repository {
  return {
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
  sourceTenant: TenantName;
  sourceUserStoreKey: UserStoreKey;
  rpoOffsetMinutes: number;
  backintParameterFile: AbsolutePath;
}

export function linkedParameters(p: PluginObject): LinkedParameters {
  const offset = p.rpoOffsetMinutes ?? 0;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0)
    throw new UserError(`Invalid rpoOffsetMinutes: ${JSON.stringify(offset)}.`, 'Set rpoOffsetMinutes to a whole number of minutes, 0 or more.');
  return {
    backupSource: parseBackupSource(p.backupSource),
    sourceTenant: parseTenantName(p.sourceTenant, 'sourceTenant'),
    sourceUserStoreKey: parseUserStoreKey(p.sourceUserStoreKey, 'sourceUserStoreKey'),
    rpoOffsetMinutes: offset,
    backintParameterFile: parseAbsolutePath(p.backintParameterFile, 'backintParameterFile'),
  };
}

export interface VirtualParameters {
  targetTenant: TenantName;
  targetUserStoreKey: UserStoreKey;
  backintParameterFile: AbsolutePath;
  mountBase: AbsolutePath;
}

export function virtualParameters(p: PluginObject): VirtualParameters {
  return {
    targetTenant: parseTenantName(p.targetTenant, 'targetTenant'),
    targetUserStoreKey: parseUserStoreKey(p.targetUserStoreKey, 'targetUserStoreKey'),
    backintParameterFile: parseAbsolutePath(p.backintParameterFile, 'backintParameterFile'),
    mountBase: parseAbsolutePath(p.mountBase, 'mountBase'),
  };
}

export function hdbsqlTarget(repo: Repository, key: UserStoreKey): HdbsqlTarget {
  return { hdbsqlPath: repo.hdbsqlPath, key };
}

export interface SnapshotTarget {
  base: BaseSnapshot;
  sourceSid: Sid;
  sourceTenant: TenantName;
  /** What RECOVER ... UNTIL uses: a VDB snapshot's recoveryTimestamp (rewind), else the origin. */
  until: UtcIso;
}

export function snapshotTarget(s: PluginObject): SnapshotTarget {
  const sourceSid = parseSid(s.sourceSid, 'snapshot.sourceSid');
  const sourceTenant = parseTenantName(s.sourceTenant, 'snapshot.sourceTenant');
  const originTimestamp = utcIso(s.originTimestamp, 'snapshot.originTimestamp');
  const base: BaseSnapshot = {
    sourceSid, sourceTenant, originTimestamp,
    rpoOffsetMinutes: typeof s.rpoOffsetMinutes === 'number' ? s.rpoOffsetMinutes : 0,
    takenAt: utcIso(s.takenAt, 'snapshot.takenAt'),
  };
  const until = s.recoveryTimestamp === undefined ? originTimestamp : utcIso(s.recoveryTimestamp, 'snapshot.recoveryTimestamp');
  return { base, sourceSid, sourceTenant, until };
}

/** The VDB's mount path (virtual.mountSpecification returns exactly one mount). */
export function mountPathOf(v: VirtualSource): AbsolutePath {
  const m = v.mounts[0];
  if (!m) throw new UserError('The VDB has no mount.', 'Enable the VDB (this mounts it) and retry.');
  return parseAbsolutePath(m.mountPath, 'mountPath');
}
