/** Typed rows of the engine store (camelCase views of the tables in SCHEMA.md). JSON columns are parsed. */
export type Json = Record<string, unknown>;

export type DSourceStatus = 'linking' | 'enabled' | 'disabled' | 'failed';
export type VdbStatus = 'provisioning' | 'active' | 'stopped' | 'disabled' | 'refreshing' | 'rewinding' | 'failed';
export type JobOutcome = 'running' | 'succeeded' | 'failed' | 'interrupted';
export type RecoveryOperation = 'provision' | 'refresh' | 'rewind' | 'enable';

export interface EnvironmentRow {
  id: number;
  name: string;
  reference: string; // UNIX_HOST_ENVIRONMENT-<id>
  address: string;
  port: number;
  hostKeyFingerprint: string | null;
  knownHostsFile: string | null;
  acceptNew: boolean;
  scratchPath: string;
  createdAt: string;
  discoveredAt: string | null;
}

export interface EnvironmentUserRow {
  id: number;
  reference: string; // HOST_USER-<id>
  environmentId: number;
  name: string;
  authKind: 'key' | 'password';
  keyFile: string | null;
  passwordEnv: string | null;
}

/** What discovery records for repositories and source configs alike. */
interface DiscoveredRow {
  id: number;
  environmentName: string;
  name: string;
  identity: Json;
  object: Json;
  migrationId: string | null;
  present: boolean;
  discoveredAt: string;
}

export interface RepositoryRow extends DiscoveredRow {
  environmentId: number;
}

export interface SourceConfigRow extends DiscoveredRow {
  repositoryId: number;
  repositoryName: string;
}

/** What dSources and VDBs alike are: a named object with a GUID on one environment's repository. */
interface PlacedRow {
  id: number;
  name: string;
  guid: string;
  environmentId: number;
  environmentName: string;
  repositoryId: number;
  repositoryName: string;
  parameters: Json;
  mounts: Json[];
  createdAt: string;
}

export interface DSourceRow extends PlacedRow {
  sourceConfigId: number;
  sourceConfigName: string;
  migrationId: string | null;
  policy: Json | null;
  status: DSourceStatus;
}

export interface VdbRow extends PlacedRow {
  dsourceId: number;
  dsourceName: string;
  parametersMigrationId: string | null;
  sourceConfig: Json | null;
  sourceConfigMigrationId: string | null;
  provisionedFromSnapshotId: number | null;
  currentSnapshotId: number | null;
  status: VdbStatus;
}

export interface SnapshotRow {
  id: number;
  kind: 'dsource' | 'vdb';
  dsourceId: number;
  dsourceName: string;
  vdbId: number | null;
  vdbName: string | null;
  parentSnapshotId: number | null;
  metadata: Json;
  migrationId: string | null;
  jobId: number | null;
  createdAt: string;
}

export interface JobRow {
  id: number;
  operation: string;
  objectType: string;
  objectName: string;
  pid: number;
  startedAt: string;
  endedAt: string | null;
  outcome: JobOutcome;
  error: string | null;
  progressPercent: number | null;
  progressMessage: string | null;
}

export interface JobStepRow {
  id: number;
  jobId: number;
  name: string;
  startedAt: string;
  endedAt: string | null;
  outcome: JobOutcome;
}

export interface JobLogLine {
  at: string;
  level: string;
  message: string;
}

export interface RecoveryHistoryRow {
  id: number;
  vdbId: number;
  vdbName: string;
  jobId: number;
  operation: RecoveryOperation;
  dsourceSnapshotId: number | null;
  targetSnapshotId: number | null;
  vdbSnapshotId: number | null;
  outcome: JobOutcome;
  error: string | null;
  metadata: Json | null;
  startedAt: string;
  endedAt: string | null;
}
