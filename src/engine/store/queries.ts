/** Typed queries over the store. Used by the engine and, read-only, by tools (read-only.ts). */
import type { Db } from './database.js';
import type {
  DSourceRow,
  EnvironmentRow,
  EnvironmentUserRow,
  JobLogLine,
  JobOutcome,
  JobRow,
  JobStepRow,
  Json,
  RecoveryHistoryRow,
  RepositoryRow,
  SnapshotRow,
  SourceConfigRow,
  VdbRow,
} from './types.js';

type Raw = Record<string, unknown>;

const json = (v: unknown): Json => JSON.parse(String(v)) as Json;
const jsonOrNull = (v: unknown): Json | null => (v === null || v === undefined ? null : json(v));

function environment(r: Raw): EnvironmentRow {
  return {
    id: r.id as number,
    name: r.name as string,
    reference: `UNIX_HOST_ENVIRONMENT-${r.id}`,
    address: r.address as string,
    port: r.port as number,
    hostKeyFingerprint: (r.host_key_fingerprint as string | null) ?? null,
    knownHostsFile: (r.known_hosts_file as string | null) ?? null,
    acceptNew: r.accept_new === 1,
    scratchPath: r.scratch_path as string,
    createdAt: r.created_at as string,
    discoveredAt: (r.discovered_at as string | null) ?? null,
  };
}

function user(r: Raw): EnvironmentUserRow {
  return {
    id: r.id as number,
    reference: `HOST_USER-${r.id}`,
    environmentId: r.environment_id as number,
    name: r.name as string,
    authKind: r.auth_kind as 'key' | 'password',
    keyFile: (r.key_file as string | null) ?? null,
    passwordEnv: (r.password_env as string | null) ?? null,
  };
}

function repository(r: Raw): RepositoryRow {
  return {
    id: r.id as number,
    environmentId: r.environment_id as number,
    environmentName: r.environment_name as string,
    name: r.name as string,
    identity: json(r.identity),
    object: json(r.object),
    migrationId: (r.migration_id as string | null) ?? null,
    present: r.present === 1,
    discoveredAt: r.discovered_at as string,
  };
}

function sourceConfig(r: Raw): SourceConfigRow {
  return {
    id: r.id as number,
    repositoryId: r.repository_id as number,
    repositoryName: r.repository_name as string,
    environmentName: r.environment_name as string,
    name: r.name as string,
    identity: json(r.identity),
    object: json(r.object),
    migrationId: (r.migration_id as string | null) ?? null,
    present: r.present === 1,
    discoveredAt: r.discovered_at as string,
  };
}

function dsource(r: Raw): DSourceRow {
  return {
    id: r.id as number,
    name: r.name as string,
    guid: r.guid as string,
    environmentId: r.environment_id as number,
    environmentName: r.environment_name as string,
    repositoryId: r.repository_id as number,
    repositoryName: r.repository_name as string,
    sourceConfigId: r.source_config_id as number,
    sourceConfigName: r.source_config_name as string,
    parameters: json(r.parameters),
    migrationId: (r.migration_id as string | null) ?? null,
    policy: jsonOrNull(r.policy),
    status: r.status as DSourceRow['status'],
    mounts: JSON.parse(String(r.mounts)) as Json[],
    createdAt: r.created_at as string,
  };
}

function vdb(r: Raw): VdbRow {
  return {
    id: r.id as number,
    name: r.name as string,
    guid: r.guid as string,
    environmentId: r.environment_id as number,
    environmentName: r.environment_name as string,
    repositoryId: r.repository_id as number,
    repositoryName: r.repository_name as string,
    dsourceId: r.dsource_id as number,
    dsourceName: r.dsource_name as string,
    parameters: json(r.parameters),
    parametersMigrationId: (r.parameters_migration_id as string | null) ?? null,
    sourceConfig: jsonOrNull(r.source_config),
    sourceConfigMigrationId: (r.source_config_migration_id as string | null) ?? null,
    provisionedFromSnapshotId: (r.provisioned_from_snapshot_id as number | null) ?? null,
    currentSnapshotId: (r.current_snapshot_id as number | null) ?? null,
    status: r.status as VdbRow['status'],
    mounts: JSON.parse(String(r.mounts)) as Json[],
    createdAt: r.created_at as string,
  };
}

function snapshot(r: Raw): SnapshotRow {
  return {
    id: r.id as number,
    kind: r.kind as SnapshotRow['kind'],
    dsourceId: r.dsource_id as number,
    dsourceName: r.dsource_name as string,
    vdbId: (r.vdb_id as number | null) ?? null,
    vdbName: (r.vdb_name as string | null) ?? null,
    parentSnapshotId: (r.parent_snapshot_id as number | null) ?? null,
    metadata: json(r.metadata),
    migrationId: (r.migration_id as string | null) ?? null,
    jobId: (r.job_id as number | null) ?? null,
    createdAt: r.created_at as string,
  };
}

function job(r: Raw): JobRow {
  return {
    id: r.id as number,
    operation: r.operation as string,
    objectType: r.object_type as string,
    objectName: r.object_name as string,
    pid: r.pid as number,
    startedAt: r.started_at as string,
    endedAt: (r.ended_at as string | null) ?? null,
    outcome: r.outcome as JobRow['outcome'],
    error: (r.error as string | null) ?? null,
    progressPercent: (r.progress_percent as number | null) ?? null,
    progressMessage: (r.progress_message as string | null) ?? null,
  };
}

function history(r: Raw): RecoveryHistoryRow {
  return {
    id: r.id as number,
    vdbId: r.vdb_id as number,
    vdbName: r.vdb_name as string,
    jobId: r.job_id as number,
    operation: r.operation as RecoveryHistoryRow['operation'],
    dsourceSnapshotId: (r.dsource_snapshot_id as number | null) ?? null,
    targetSnapshotId: (r.target_snapshot_id as number | null) ?? null,
    vdbSnapshotId: (r.vdb_snapshot_id as number | null) ?? null,
    outcome: r.outcome as RecoveryHistoryRow['outcome'],
    error: (r.error as string | null) ?? null,
    metadata: jsonOrNull(r.metadata),
    startedAt: r.started_at as string,
    endedAt: (r.ended_at as string | null) ?? null,
  };
}

function jobStep(r: Raw): JobStepRow {
  return {
    id: r.id as number,
    jobId: r.job_id as number,
    name: r.name as string,
    startedAt: r.started_at as string,
    endedAt: (r.ended_at as string | null) ?? null,
    outcome: r.outcome as JobOutcome,
  };
}

const REPO_SQL = `SELECT r.*, e.name AS environment_name FROM repositories r JOIN environments e ON e.id = r.environment_id`;
const SC_SQL = `SELECT s.*, r.name AS repository_name, e.name AS environment_name
  FROM source_configs s JOIN repositories r ON r.id = s.repository_id JOIN environments e ON e.id = r.environment_id`;
const DS_SQL = `SELECT d.*, e.name AS environment_name, r.name AS repository_name, s.name AS source_config_name
 
    FROM dsources d JOIN environments e ON e.id = d.environment_id JOIN repositories r ON r.id = d.repository_id
    JOIN source_configs s ON s.id = d.source_config_id`;
const VDB_SQL = `SELECT v.*, e.name AS environment_name, r.name AS repository_name, d.name AS dsource_name
 
    FROM vdbs v JOIN environments e ON e.id = v.environment_id JOIN repositories r ON r.id = v.repository_id
    JOIN dsources d ON d.id = v.dsource_id`;
const SNAP_SQL = `SELECT s.*, d.name AS dsource_name, v.name AS vdb_name
  FROM snapshots s JOIN dsources d ON d.id = s.dsource_id LEFT JOIN vdbs v ON v.id = s.vdb_id`;
const HIST_SQL = `SELECT h.*, v.name AS vdb_name FROM vdb_recovery_history h JOIN vdbs v ON v.id = h.vdb_id`;

export class StoreReader {
  constructor(protected readonly db: Db) {}

  private all<T>(sql: string, map: (r: Raw) => T, ...params: unknown[]): T[] {
    return (this.db.prepare(sql).all(...params) as Raw[]).map(map);
  }
  private one<T>(sql: string, map: (r: Raw) => T, ...params: unknown[]): T | undefined {
    const r = this.db.prepare(sql).get(...params) as Raw | undefined;
    return r ? map(r) : undefined;
  }

  /** Schema version of the store (number of migrations applied). */
  schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  environments(): EnvironmentRow[] {
    return this.all('SELECT * FROM environments ORDER BY name', environment);
  }
  environment(name: string): EnvironmentRow | undefined {
    return this.one('SELECT * FROM environments WHERE name = ?', environment, name);
  }
  environmentById(id: number): EnvironmentRow | undefined {
    return this.one('SELECT * FROM environments WHERE id = ?', environment, id);
  }
  environmentUsers(environmentId: number): EnvironmentUserRow[] {
    return this.all('SELECT * FROM environment_users WHERE environment_id = ? ORDER BY id', user, environmentId);
  }
  environmentUser(id: number): EnvironmentUserRow | undefined {
    return this.one('SELECT * FROM environment_users WHERE id = ?', user, id);
  }

  repositories(environmentName?: string): RepositoryRow[] {
    return environmentName === undefined
      ? this.all(`${REPO_SQL} ORDER BY e.name, r.name`, repository)
      : this.all(`${REPO_SQL} WHERE e.name = ? ORDER BY r.name`, repository, environmentName);
  }
  repository(id: number): RepositoryRow | undefined {
    return this.one(`${REPO_SQL} WHERE r.id = ?`, repository, id);
  }

  sourceConfigs(filter: { environmentName?: string; repositoryId?: number } = {}): SourceConfigRow[] {
    if (filter.repositoryId !== undefined)
      return this.all(`${SC_SQL} WHERE s.repository_id = ? ORDER BY s.name`, sourceConfig, filter.repositoryId);
    if (filter.environmentName !== undefined)
      return this.all(`${SC_SQL} WHERE e.name = ? ORDER BY r.name, s.name`, sourceConfig, filter.environmentName);
    return this.all(`${SC_SQL} ORDER BY e.name, r.name, s.name`, sourceConfig);
  }
  sourceConfig(id: number): SourceConfigRow | undefined {
    return this.one(`${SC_SQL} WHERE s.id = ?`, sourceConfig, id);
  }

  dsources(): DSourceRow[] {
    return this.all(`${DS_SQL} ORDER BY d.name`, dsource);
  }
  dsource(name: string): DSourceRow | undefined {
    return this.one(`${DS_SQL} WHERE d.name = ?`, dsource, name);
  }
  dsourceById(id: number): DSourceRow | undefined {
    return this.one(`${DS_SQL} WHERE d.id = ?`, dsource, id);
  }

  vdbs(): VdbRow[] {
    return this.all(`${VDB_SQL} ORDER BY v.name`, vdb);
  }
  vdb(name: string): VdbRow | undefined {
    return this.one(`${VDB_SQL} WHERE v.name = ?`, vdb, name);
  }
  vdbsOfDSource(dsourceId: number): VdbRow[] {
    return this.all(`${VDB_SQL} WHERE v.dsource_id = ? ORDER BY v.name`, vdb, dsourceId);
  }

  /** Every snapshot, or those of one dSource (its own and its VDBs' when `includeVdb`), oldest first. */
  snapshots(filter: { dsourceName?: string; vdbName?: string; kind?: 'dsource' | 'vdb' } = {}): SnapshotRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.dsourceName !== undefined) {
      where.push('d.name = ?');
      params.push(filter.dsourceName);
    }
    if (filter.vdbName !== undefined) {
      where.push('v.name = ?');
      params.push(filter.vdbName);
    }
    if (filter.kind !== undefined) {
      where.push('s.kind = ?');
      params.push(filter.kind);
    }
    return this.all(`${SNAP_SQL}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY s.id`, snapshot, ...params);
  }
  snapshot(id: number): SnapshotRow | undefined {
    return this.one(`${SNAP_SQL} WHERE s.id = ?`, snapshot, id);
  }
  latestDSourceSnapshot(dsourceId: number): SnapshotRow | undefined {
    return this.one(`${SNAP_SQL} WHERE s.dsource_id = ? AND s.kind = 'dsource' ORDER BY s.id DESC LIMIT 1`, snapshot, dsourceId);
  }

  /** Every provision/refresh/rewind/enable attempt of a VDB (all VDBs when omitted), oldest first. */
  recoveryHistory(vdbName?: string): RecoveryHistoryRow[] {
    return vdbName === undefined
      ? this.all(`${HIST_SQL} ORDER BY h.id`, history)
      : this.all(`${HIST_SQL} WHERE v.name = ? ORDER BY h.id`, history, vdbName);
  }

  jobs(filter: { objectType?: string; objectName?: string; limit?: number } = {}): JobRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.objectType !== undefined) {
      where.push('object_type = ?');
      params.push(filter.objectType);
    }
    if (filter.objectName !== undefined) {
      where.push('object_name = ?');
      params.push(filter.objectName);
    }
    params.push(filter.limit ?? -1);
    return this.all(
      `SELECT * FROM jobs${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`,
      job,
      ...params,
    );
  }
  job(id: number): JobRow | undefined {
    return this.one('SELECT * FROM jobs WHERE id = ?', job, id);
  }
  /** The steps a job recorded, in order. */
  jobSteps(jobId: number): JobStepRow[] {
    return this.all('SELECT * FROM job_steps WHERE job_id = ? ORDER BY id', jobStep, jobId);
  }
  jobLog(id: number): JobLogLine[] {
    return this.db.prepare('SELECT at, level, message FROM job_log WHERE job_id = ? ORDER BY id').all(id) as JobLogLine[];
  }
}
