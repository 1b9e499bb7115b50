/**
 * Store schema migrations. PRAGMA user_version holds the number of migrations applied; each migration
 * runs in its own transaction. Append new migrations; never edit a released one. SCHEMA.md documents
 * the resulting tables.
 */
export const MIGRATIONS: readonly string[] = [
  // 1: initial schema
  `
  CREATE TABLE environments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL,
    port INTEGER NOT NULL,
    host_key_fingerprint TEXT,          -- pinned SHA256:... (NULL when a known_hosts file is used)
    known_hosts_file TEXT,              -- known_hosts file (NULL when a fingerprint is pinned)
    accept_new INTEGER NOT NULL DEFAULT 0,
    scratch_path TEXT NOT NULL,
    created_at TEXT NOT NULL,
    discovered_at TEXT
  );
  CREATE TABLE environment_users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    auth_kind TEXT NOT NULL CHECK (auth_kind IN ('key', 'password')),
    key_file TEXT,                      -- path of the private key; the key itself is never stored
    password_env TEXT,                  -- NAME of the environment variable holding the password
    UNIQUE (environment_id, name)
  );
  CREATE TABLE repositories (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    environment_id INTEGER NOT NULL REFERENCES environments(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    identity TEXT NOT NULL,             -- JSON of the identityFields values
    object TEXT NOT NULL,               -- repositoryDefinition JSON
    migration_id TEXT,                  -- plugin migration level the object conforms to
    present INTEGER NOT NULL DEFAULT 1, -- found by the last discovery
    discovered_at TEXT NOT NULL,
    UNIQUE (environment_id, identity)
  );
  CREATE TABLE source_configs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    repository_id INTEGER NOT NULL REFERENCES repositories(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    identity TEXT NOT NULL,
    object TEXT NOT NULL,               -- sourceConfigDefinition JSON
    migration_id TEXT,
    present INTEGER NOT NULL DEFAULT 1,
    discovered_at TEXT NOT NULL,
    UNIQUE (repository_id, identity)
  );
  CREATE TABLE dsources (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    guid TEXT NOT NULL UNIQUE,
    environment_id INTEGER NOT NULL REFERENCES environments(id),
    repository_id INTEGER NOT NULL REFERENCES repositories(id),
    source_config_id INTEGER NOT NULL REFERENCES source_configs(id),
    parameters TEXT NOT NULL,           -- linkedSourceDefinition JSON
    migration_id TEXT,
    policy TEXT,                        -- snapshot policy JSON (NULL = manual syncs only)
    status TEXT NOT NULL CHECK (status IN ('linking', 'enabled', 'disabled', 'failed')),
    mounts TEXT NOT NULL DEFAULT '[]',  -- last mount specification JSON
    created_at TEXT NOT NULL
  );
  CREATE TABLE vdbs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    guid TEXT NOT NULL UNIQUE,
    environment_id INTEGER NOT NULL REFERENCES environments(id),
    repository_id INTEGER NOT NULL REFERENCES repositories(id),
    dsource_id INTEGER NOT NULL REFERENCES dsources(id),
    parameters TEXT NOT NULL,           -- virtualSourceDefinition JSON
    parameters_migration_id TEXT,
    source_config TEXT,                 -- sourceConfigDefinition JSON returned by configure/reconfigure
    source_config_migration_id TEXT,
    provisioned_from_snapshot_id INTEGER REFERENCES snapshots(id), -- dSource snapshot of the last provision/refresh
    current_snapshot_id INTEGER REFERENCES snapshots(id),          -- latest VDB snapshot
    status TEXT NOT NULL CHECK (status IN ('provisioning', 'active', 'stopped', 'disabled', 'refreshing', 'rewinding', 'failed')),
    mounts TEXT NOT NULL DEFAULT '[]',
    created_at TEXT NOT NULL
  );
  CREATE TABLE snapshots (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL CHECK (kind IN ('dsource', 'vdb')),
    dsource_id INTEGER NOT NULL REFERENCES dsources(id) ON DELETE CASCADE,
    vdb_id INTEGER REFERENCES vdbs(id) ON DELETE CASCADE,
    parent_snapshot_id INTEGER REFERENCES snapshots(id),  -- VDB snapshots: the dSource snapshot the VDB came from
    metadata TEXT NOT NULL,             -- snapshotDefinition JSON
    migration_id TEXT,
    job_id INTEGER REFERENCES jobs(id),
    created_at TEXT NOT NULL
  );
  CREATE INDEX snapshots_by_dsource ON snapshots(dsource_id, kind);
  CREATE INDEX snapshots_by_vdb ON snapshots(vdb_id);
  CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    operation TEXT NOT NULL,            -- e.g. vdb.provision
    object_type TEXT NOT NULL,          -- environment | dsource | vdb
    object_name TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    ended_at TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'interrupted')),
    error TEXT,
    progress_percent REAL,
    progress_message TEXT
  );
  CREATE INDEX jobs_by_object ON jobs(object_type, object_name);
  CREATE TABLE job_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    at TEXT NOT NULL,
    level TEXT NOT NULL,
    message TEXT NOT NULL
  );
  CREATE INDEX job_log_by_job ON job_log(job_id);
  CREATE TABLE vdb_recovery_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    vdb_id INTEGER NOT NULL REFERENCES vdbs(id) ON DELETE CASCADE,
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    operation TEXT NOT NULL CHECK (operation IN ('provision', 'refresh', 'rewind', 'enable')),
    dsource_snapshot_id INTEGER REFERENCES snapshots(id),  -- dSource snapshot recovered from
    target_snapshot_id INTEGER REFERENCES snapshots(id),   -- rewind/enable: the snapshot handed to reconfigure
    vdb_snapshot_id INTEGER REFERENCES snapshots(id),      -- the VDB snapshot taken afterwards
    outcome TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'interrupted')),
    error TEXT,
    metadata TEXT,                      -- the recorded VDB snapshot metadata JSON
    started_at TEXT NOT NULL,
    ended_at TEXT
  );
  CREATE TABLE locks (
    object_key TEXT PRIMARY KEY,        -- 'dsource:<name>' | 'vdb:<name>' | 'environment:<name>'
    job_id INTEGER NOT NULL REFERENCES jobs(id),
    pid INTEGER NOT NULL,
    acquired_at TEXT NOT NULL
  );
  `,
  // 2: durable job steps (each plugin operation a job calls), so that a job whose process died says where it was
  `
  CREATE TABLE job_steps (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
    name TEXT NOT NULL,                 -- the plugin operation, e.g. virtual.configure
    started_at TEXT NOT NULL,
    ended_at TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('running', 'succeeded', 'failed', 'interrupted'))
  );
  CREATE INDEX job_steps_by_job ON job_steps(job_id);
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;
