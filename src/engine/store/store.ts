/**
 * The engine's writable store. Every state change is one transaction. On open, jobs left "running" by a
 * process that no longer exists become "interrupted", their locks are released, and the objects they
 * were changing are marked failed (retry or delete them).
 */
import { randomUUID } from 'node:crypto';
import { interruptedText } from './interrupted.js';
import { UserError } from '../../sdk/errors.js';
import { openDatabase, type Db } from './database.js';
import { StoreReader } from './queries.js';
import { MIGRATIONS } from './schema.js';
import type {
  DSourceStatus,
  EnvironmentRow,
  EnvironmentUserRow,
  JobOutcome,
  JobRow,
  Json,
  RecoveryOperation,
  VdbRow,
  VdbStatus,
} from './types.js';

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export type NewEnvironment = Pick<
  EnvironmentRow,
  'name' | 'address' | 'port' | 'hostKeyFingerprint' | 'knownHostsFile' | 'acceptNew' | 'scratchPath'
> & {
  user: Pick<EnvironmentUserRow, 'name' | 'authKind' | 'keyFile' | 'passwordEnv'>;
};

export interface DiscoveredRepository {
  name: string;
  identity: Json;
  object: Json;
  sourceConfigs: Array<{ name: string; identity: Json; object: Json }>;
}

export interface JobStart {
  operation: string;
  objectType: 'environment' | 'dsource' | 'vdb';
  objectName: string;
  /** A second lock the job holds: what it changes outside its object (e.g. a VDB's target tenant). */
  target?: { key: string; label: string };
  /** Runs inside the job's transaction once the locks are free: a refusal here writes nothing. */
  check?: () => void;
}

interface HeldLock {
  job_id: number;
  pid: number;
  operation: string;
  object_type: string;
  object_name: string;
}

export class Store extends StoreReader {
  private constructor(db: Db) {
    super(db);
  }

  static open(dataDir: string, migrations: readonly string[] = MIGRATIONS): Store {
    const store = new Store(openDatabase(dataDir, migrations));
    store.recoverInterruptedJobs();
    return store;
  }

  close(): void {
    this.db.close();
  }

  private tx<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  /** Jobs whose process died: interrupted; their objects in a transitional state: failed. */
  recoverInterruptedJobs(): JobRow[] {
    return this.tx(() => {
      const dead = this.jobs().filter((j) => j.outcome === 'running' && !processAlive(j.pid));
      for (const j of dead) {
        const text = interruptedText(j, this.jobSteps(j.id));
        this.db.prepare(`UPDATE jobs SET outcome = 'interrupted', ended_at = ?, error = ? WHERE id = ?`).run(now(), text, j.id);
        this.db
          .prepare(`UPDATE job_steps SET outcome = 'interrupted', ended_at = ? WHERE job_id = ? AND outcome = 'running'`)
          .run(now(), j.id);
        this.db
          .prepare(
            `UPDATE vdb_recovery_history SET outcome = 'interrupted', ended_at = ?, error = 'interrupted'
              WHERE job_id = ? AND outcome = 'running'`,
          )
          .run(now(), j.id);
        this.db.prepare('DELETE FROM locks WHERE job_id = ?').run(j.id);
        if (j.objectType === 'vdb') {
          this.db
            .prepare(`UPDATE vdbs SET status = 'failed' WHERE name = ? AND status IN ('provisioning', 'refreshing', 'rewinding')`)
            .run(j.objectName);
        } else if (j.objectType === 'dsource') {
          this.db.prepare(`UPDATE dsources SET status = 'failed' WHERE name = ? AND status = 'linking'`).run(j.objectName);
        }
      }
      return dead;
    });
  }

  // ---- jobs and locks ----

  /**
   * Create a running job holding the lock on its object (and on its target, if any), atomically, in one
   * IMMEDIATE transaction so that other processes see it or wait. A lock held by a running job of a live
   * process refuses the new job (nothing is written); a stale lock is taken over.
   */
  startJob(start: JobStart, pid = process.pid): JobRow {
    const key = `${start.objectType}:${start.objectName}`;
    const id = this.tx(() => {
      this.refuseHeld(key, `The ${start.objectType} '${start.objectName}'`);
      if (start.target) this.refuseHeld(start.target.key, start.target.label);
      start.check?.();
      const info = this.db
        .prepare(
          `INSERT INTO jobs (operation, object_type, object_name, pid, started_at, outcome) VALUES (?, ?, ?, ?, ?, 'running')`,
        )
        .run(start.operation, start.objectType, start.objectName, pid, now());
      const jobId = Number(info.lastInsertRowid);
      const lock = this.db.prepare('INSERT OR REPLACE INTO locks (object_key, job_id, pid, acquired_at) VALUES (?, ?, ?, ?)');
      lock.run(key, jobId, pid, now());
      if (start.target) lock.run(start.target.key, jobId, pid, now());
      return jobId;
    });
    return this.job(id)!;
  }

  private refuseHeld(key: string, what: string): void {
    const held = this.db
      .prepare(
        `SELECT l.job_id, l.pid, j.operation, j.object_type, j.object_name FROM locks l JOIN jobs j ON j.id = l.job_id
         WHERE l.object_key = ? AND j.outcome = 'running'`,
      )
      .get(key) as HeldLock | undefined;
    if (!held || !processAlive(held.pid)) return;
    const own = key === `${held.object_type}:${held.object_name}`;
    const by = own ? '' : ` of ${held.object_type} '${held.object_name}'`;
    throw new UserError(
      `${what} is busy: job ${held.job_id} (${held.operation}${by}) is running on it.`,
      `Wait for job ${held.job_id} to finish (hana-vdb job show ${held.job_id}), then try again.`,
    );
  }

  finishJob(jobId: number, outcome: Exclude<JobOutcome, 'running'>, error: string | null): void {
    this.tx(() => {
      this.db.prepare('UPDATE jobs SET outcome = ?, error = ?, ended_at = ? WHERE id = ?').run(outcome, error, now(), jobId);
      this.db.prepare('DELETE FROM locks WHERE job_id = ?').run(jobId);
    });
  }

  /** Record, durably, that a job starts a step; returns the step's id for finishJobStep. */
  startJobStep(jobId: number, name: string): number {
    const info = this.db
      .prepare(`INSERT INTO job_steps (job_id, name, started_at, outcome) VALUES (?, ?, ?, 'running')`)
      .run(jobId, name, now());
    return Number(info.lastInsertRowid);
  }

  finishJobStep(stepId: number, outcome: 'succeeded' | 'failed'): void {
    this.db.prepare('UPDATE job_steps SET outcome = ?, ended_at = ? WHERE id = ?').run(outcome, now(), stepId);
  }

  appendJobLog(jobId: number, level: string, message: string): void {
    this.db
      .prepare('INSERT INTO job_log (job_id, at, level, message) VALUES (?, ?, ?, ?)')
      .run(jobId, new Date().toISOString(), level, message);
  }

  setJobProgress(jobId: number, percent: number | null, message: string): void {
    this.db.prepare('UPDATE jobs SET progress_percent = ?, progress_message = ? WHERE id = ?').run(percent, message, jobId);
  }

  // ---- environments and discovery ----

  addEnvironment(e: NewEnvironment): EnvironmentRow {
    const id = this.tx(() => {
      if (this.environment(e.name))
        throw new UserError(
          `An environment named '${e.name}' already exists.`,
          'Choose another name, or use `hana-vdb env discover` to refresh it.',
        );
      const info = this.db
        .prepare(
          `INSERT INTO environments (name, address, port, host_key_fingerprint, known_hosts_file, accept_new,
            scratch_path, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(e.name, e.address, e.port, e.hostKeyFingerprint, e.knownHostsFile, e.acceptNew ? 1 : 0, e.scratchPath, now());
      const envId = Number(info.lastInsertRowid);
      this.db
        .prepare('INSERT INTO environment_users (environment_id, name, auth_kind, key_file, password_env) VALUES (?, ?, ?, ?, ?)')
        .run(envId, e.user.name, e.user.authKind, e.user.keyFile, e.user.passwordEnv);
      return envId;
    });
    return this.environmentById(id)!;
  }

  /** Remove an environment nothing depends on (also used to roll back a failed `env add`). */
  deleteEnvironment(id: number): void {
    this.tx(() => {
      const users =
        (this.db.prepare('SELECT COUNT(*) AS n FROM dsources WHERE environment_id = ?').get(id) as { n: number }).n +
        (this.db.prepare('SELECT COUNT(*) AS n FROM vdbs WHERE environment_id = ?').get(id) as { n: number }).n;
      if (users > 0) throw new UserError('The environment is used by dSources or VDBs.', 'Delete them first.');
      this.db.prepare('DELETE FROM environments WHERE id = ?').run(id);
    });
  }

  /**
   * Record one discovery: repositories and source configs are matched by identity; those not found any more
   * are removed when nothing uses them, else kept and marked not present.
   */
  recordDiscovery(environmentId: number, repos: DiscoveredRepository[], migrationId: string | null): void {
    this.tx(() => {
      const at = now();
      this.db.prepare('UPDATE repositories SET present = 0 WHERE environment_id = ?').run(environmentId);
      this.db
        .prepare(
          'UPDATE source_configs SET present = 0 WHERE repository_id IN (SELECT id FROM repositories WHERE environment_id = ?)',
        )
        .run(environmentId);
      for (const r of repos) {
        const identity = JSON.stringify(r.identity);
        this.db
          .prepare(
            `INSERT INTO repositories (environment_id, name, identity, object, migration_id, present, discovered_at)
              VALUES (?, ?, ?, ?, ?, 1, ?)
           ON CONFLICT (environment_id, identity) DO UPDATE
             SET name = excluded.name, object = excluded.object, migration_id = excluded.migration_id, present = 1,
               discovered_at = excluded.discovered_at`,
          )
          .run(environmentId, r.name, identity, JSON.stringify(r.object), migrationId, at);
        const repoId = (
          this.db.prepare('SELECT id FROM repositories WHERE environment_id = ? AND identity = ?').get(environmentId, identity) as {
            id: number;
          }
        ).id;
        for (const c of r.sourceConfigs) {
          this.db
            .prepare(
              `INSERT INTO source_configs (repository_id, name, identity, object, migration_id, present, discovered_at)
                VALUES (?, ?, ?, ?, ?, 1, ?)
             ON CONFLICT (repository_id, identity) DO UPDATE
               SET name = excluded.name, object = excluded.object, migration_id = excluded.migration_id, present = 1,
                 discovered_at = excluded.discovered_at`,
            )
            .run(repoId, c.name, JSON.stringify(c.identity), JSON.stringify(c.object), migrationId, at);
        }
      }
      this.db
        .prepare(
          `DELETE FROM source_configs WHERE present = 0 AND id NOT IN (SELECT source_config_id FROM dsources)
        AND repository_id IN (SELECT id FROM repositories WHERE environment_id = ?)`,
        )
        .run(environmentId);
      this.db
        .prepare(
          `DELETE FROM repositories WHERE environment_id = ? AND present = 0 AND id NOT IN (SELECT repository_id FROM dsources)
        AND id NOT IN (SELECT repository_id FROM vdbs) AND id NOT IN (SELECT repository_id FROM source_configs)`,
        )
        .run(environmentId);
      this.db.prepare('UPDATE environments SET discovered_at = ? WHERE id = ?').run(at, environmentId);
    });
  }

  // ---- plugin object upgrades ----

  /** Replace one stored plugin object after a migration (table/column pairs are fixed here, never from input). */
  updatePluginObject(target: UpgradeTarget, id: number, object: Json, migrationId: string | null): void {
    const [table, column, idColumn] = UPGRADE_COLUMNS[target];
    this.db.prepare(`UPDATE ${table} SET ${column} = ?, ${idColumn} = ? WHERE id = ?`).run(JSON.stringify(object), migrationId, id);
  }

  /** Rows whose object of `target` was written before `migrationId` (NULL = before any migration). */
  objectsToUpgrade(
    target: UpgradeTarget,
    isOlder: (stored: string | null) => boolean,
  ): Array<{ id: number; object: Json; migrationId: string | null }> {
    const [table, column, idColumn] = UPGRADE_COLUMNS[target];
    const rows = this.db
      .prepare(`SELECT id, ${column} AS object, ${idColumn} AS migration_id FROM ${table} WHERE ${column} IS NOT NULL`)
      .all() as Array<{ id: number; object: string; migration_id: string | null }>;
    return rows
      .filter((r) => isOlder(r.migration_id))
      .map((r) => ({ id: r.id, object: JSON.parse(r.object) as Json, migrationId: r.migration_id }));
  }

  /** Run `fn` as one transaction (e.g. all upgrades of one plugin version). */
  transaction<T>(fn: () => T): T {
    return this.tx(fn);
  }

  // ---- dSources ----

  createDSource(d: {
    name: string;
    environmentId: number;
    repositoryId: number;
    sourceConfigId: number;
    parameters: Json;
    migrationId: string | null;
  }): number {
    return this.tx(() => {
      if (this.dsource(d.name))
        throw new UserError(`A dSource named '${d.name}' already exists.`, 'Choose another name, or sync the existing dSource.');
      const info = this.db
        .prepare(
          `INSERT INTO dsources (name, guid, environment_id, repository_id, source_config_id, parameters, migration_id,
            status, created_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, 'linking', ?)`,
        )
        .run(
          d.name,
          randomUUID(),
          d.environmentId,
          d.repositoryId,
          d.sourceConfigId,
          JSON.stringify(d.parameters),
          d.migrationId,
          now(),
        );
      return Number(info.lastInsertRowid);
    });
  }

  setDSourceStatus(id: number, status: DSourceStatus): void {
    this.db.prepare('UPDATE dsources SET status = ? WHERE id = ?').run(status, id);
  }

  setDSourceMounts(id: number, mounts: Json[]): void {
    this.db.prepare('UPDATE dsources SET mounts = ? WHERE id = ?').run(JSON.stringify(mounts), id);
  }

  deleteDSource(id: number): void {
    this.tx(() => {
      const n = (this.db.prepare('SELECT COUNT(*) AS n FROM vdbs WHERE dsource_id = ?').get(id) as { n: number }).n;
      if (n > 0) throw new UserError('The dSource still has VDBs.', 'Delete its VDBs first.');
      this.db.prepare('DELETE FROM snapshots WHERE dsource_id = ?').run(id);
      this.db.prepare('DELETE FROM dsources WHERE id = ?').run(id);
    });
  }

  /** A dSource snapshot; the sync's state change (snapshot + status) in one transaction. */
  addDSourceSnapshot(dsourceId: number, metadata: Json, migrationId: string | null, jobId: number, status: DSourceStatus): number {
    return this.tx(() => {
      const info = this.db
        .prepare(
          `INSERT INTO snapshots (kind, dsource_id, metadata, migration_id, job_id, created_at) VALUES ('dsource', ?, ?, ?, ?, ?)`,
        )
        .run(dsourceId, JSON.stringify(metadata), migrationId, jobId, now());
      this.db.prepare('UPDATE dsources SET status = ? WHERE id = ?').run(status, dsourceId);
      return Number(info.lastInsertRowid);
    });
  }

  // ---- VDBs ----

  /** A new VDB in status provisioning, or a failed one being provisioned again (same name). */
  beginProvision(v: {
    name: string;
    environmentId: number;
    repositoryId: number;
    dsourceId: number;
    parameters: Json;
    migrationId: string | null;
    snapshotId: number;
  }): VdbRow {
    return this.tx(() => {
      const existing = this.vdb(v.name);
      if (existing && existing.status !== 'failed') {
        throw new UserError(
          `A VDB named '${v.name}' already exists (status ${existing.status}).`,
          'Choose another name, or refresh the existing VDB.',
        );
      }
      if (existing) {
        this.db
          .prepare(
            `UPDATE vdbs
              SET environment_id = ?, repository_id = ?, dsource_id = ?, parameters = ?, parameters_migration_id = ?,
                provisioned_from_snapshot_id = ?, status = 'provisioning'
              WHERE id = ?`,
          )
          .run(
            v.environmentId,
            v.repositoryId,
            v.dsourceId,
            JSON.stringify(v.parameters),
            v.migrationId,
            v.snapshotId,
            existing.id,
          );
      } else {
        this.db
          .prepare(
            `INSERT INTO vdbs (name, guid, environment_id, repository_id, dsource_id, parameters,
              parameters_migration_id, provisioned_from_snapshot_id, status, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'provisioning', ?)`,
          )
          .run(
            v.name,
            randomUUID(),
            v.environmentId,
            v.repositoryId,
            v.dsourceId,
            JSON.stringify(v.parameters),
            v.migrationId,
            v.snapshotId,
            now(),
          );
      }
      return this.vdb(v.name)!;
    });
  }

  setVdbStatus(id: number, status: VdbStatus): void {
    this.db.prepare('UPDATE vdbs SET status = ? WHERE id = ?').run(status, id);
  }

  setVdbMounts(id: number, mounts: Json[]): void {
    this.db.prepare('UPDATE vdbs SET mounts = ? WHERE id = ?').run(JSON.stringify(mounts), id);
  }

  /** The source config returned by configure/reconfigure (and, for provision/refresh, the dSource snapshot used). */
  setVdbSourceConfig(id: number, sourceConfig: Json | null, migrationId: string | null, provisionedFromSnapshotId?: number): void {
    this.tx(() => {
      this.db
        .prepare('UPDATE vdbs SET source_config = ?, source_config_migration_id = ? WHERE id = ?')
        .run(sourceConfig === null ? null : JSON.stringify(sourceConfig), migrationId, id);
      if (provisionedFromSnapshotId !== undefined)
        this.db.prepare('UPDATE vdbs SET provisioned_from_snapshot_id = ? WHERE id = ?').run(provisionedFromSnapshotId, id);
    });
  }

  /** A VDB snapshot becomes the VDB's current snapshot; status set in the same transaction. */
  addVdbSnapshot(
    vdb: VdbRow,
    parentSnapshotId: number | null,
    metadata: Json,
    migrationId: string | null,
    jobId: number,
    status: VdbStatus,
  ): number {
    return this.tx(() => {
      const info = this.db
        .prepare(
          `INSERT INTO snapshots (kind, dsource_id, vdb_id, parent_snapshot_id, metadata, migration_id, job_id, created_at)
            VALUES ('vdb', ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(vdb.dsourceId, vdb.id, parentSnapshotId, JSON.stringify(metadata), migrationId, jobId, now());
      const id = Number(info.lastInsertRowid);
      this.db.prepare('UPDATE vdbs SET current_snapshot_id = ?, status = ? WHERE id = ?').run(id, status, vdb.id);
      return id;
    });
  }

  setVdbCurrentSnapshot(id: number, snapshotId: number): void {
    this.db.prepare('UPDATE vdbs SET current_snapshot_id = ? WHERE id = ?').run(snapshotId, id);
  }

  deleteVdb(id: number): void {
    this.tx(() => {
      this.db.prepare('UPDATE vdbs SET current_snapshot_id = NULL, provisioned_from_snapshot_id = NULL WHERE id = ?').run(id);
      this.db.prepare('DELETE FROM vdb_recovery_history WHERE vdb_id = ?').run(id);
      this.db.prepare('DELETE FROM snapshots WHERE vdb_id = ?').run(id);
      this.db.prepare('DELETE FROM vdbs WHERE id = ?').run(id);
    });
  }

  // ---- VDB recovery history ----

  startRecovery(h: {
    vdbId: number;
    jobId: number;
    operation: RecoveryOperation;
    dsourceSnapshotId: number | null;
    targetSnapshotId: number | null;
  }): number {
    const info = this.db
      .prepare(
        `INSERT INTO vdb_recovery_history (vdb_id, job_id, operation, dsource_snapshot_id, target_snapshot_id, outcome, started_at)
          VALUES (?, ?, ?, ?, ?, 'running', ?)`,
      )
      .run(h.vdbId, h.jobId, h.operation, h.dsourceSnapshotId, h.targetSnapshotId, now());
    return Number(info.lastInsertRowid);
  }

  finishRecovery(
    id: number,
    r: { outcome: 'succeeded' | 'failed'; error?: string | null; vdbSnapshotId?: number | null; metadata?: Json | null },
  ): void {
    this.db
      .prepare(
        'UPDATE vdb_recovery_history SET outcome = ?, error = ?, vdb_snapshot_id = ?, metadata = ?, ended_at = ? WHERE id = ?',
      )
      .run(r.outcome, r.error ?? null, r.vdbSnapshotId ?? null, r.metadata ? JSON.stringify(r.metadata) : null, now(), id);
  }
}

export type UpgradeTarget = 'repository' | 'sourceConfig' | 'linkedSource' | 'virtualSource' | 'vdbSourceConfig' | 'snapshot';

const UPGRADE_COLUMNS: Record<UpgradeTarget, [table: string, column: string, migrationColumn: string]> = {
  repository: ['repositories', 'object', 'migration_id'],
  sourceConfig: ['source_configs', 'object', 'migration_id'],
  linkedSource: ['dsources', 'parameters', 'migration_id'],
  virtualSource: ['vdbs', 'parameters', 'parameters_migration_id'],
  vdbSourceConfig: ['vdbs', 'source_config', 'source_config_migration_id'],
  snapshot: ['snapshots', 'metadata', 'migration_id'],
};
