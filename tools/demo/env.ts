/**
 * The demo's world: a simulated landscape (tools/hana-sim) and an engine with its own data directory, wired
 * together exactly as a user would: an environment over SSH with a pinned host key, discovery, then dSources
 * and VDBs through the engine's workflows. Scenarios (scenarios/*.ts) drive it.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../../src/sdk/errors.js';
import { Engine } from '../../src/engine/engine.js';
import { addEnvironment } from '../../src/engine/workflows/environment.js';
import { linkDSource, syncDSource } from '../../src/engine/workflows/dsource.js';
import { provisionVdb, refreshVdb } from '../../src/engine/workflows/vdb.js';
import type { Json, SnapshotRow, VdbRow } from '../../src/engine/store/types.js';
import { startLandscape, type Landscape, type LandscapeSystem } from '../hana-sim/landscape.js';
import type { LandscapeSpec } from '../hana-sim/spec.js';

export interface DemoOptions {
  /** Where the run keeps its simulator root and engine data directory. */
  workDir: string;
  packageRoot: string;
  landscape: LandscapeSpec;
  /** Simulated start time (the clock is driven: it moves only when the scenario advances it). */
  startAt: string;
  /** One line per step, for people (stderr). */
  say: (line: string) => void;
}

export interface DemoEnv {
  landscape: Landscape;
  engine: Engine;
  source: LandscapeSystem;
  target: LandscapeSystem;
  engineDataDir: string;
  simRoot: string;
  /** The dSource's backupSource for the landscape's Backint tool (COMMVAULT_BACKINT for Commvault, else S3_BACKINT). */
  backupSource: string;
  say: (line: string) => void;
  /** Moves simulated time forward in steps, so marker rows and log backups happen at their own instants. */
  advance(seconds: number, stepSeconds?: number): Promise<void>;
  /** Runs one statement with the simulator's hdbsql on a system, as its OS user would. */
  hdbsql(system: LandscapeSystem, key: string, sql: string): Promise<string>;
  /** Another engine environment for the same landscape, reached at `endpoint` (e.g. through a TCP proxy). */
  addEnvironment(name: string, endpoint: { host: string; port: number }): Promise<void>;
  linkDSource(name: string, parameters: Json): Promise<SnapshotRow>;
  syncDSource(name: string): Promise<SnapshotRow>;
  provision(
    name: string,
    snapshotId: number,
    parameters: Json,
    environment?: string,
  ): Promise<{ vdb: VdbRow; snapshot: SnapshotRow }>;
  refresh(name: string, snapshotId: number): Promise<{ vdb: VdbRow; snapshot: SnapshotRow }>;
  /** SHA-256 of the marker table's rows as read back from a tenant through hdbsql, and how many rows. */
  tableChecksum(system: LandscapeSystem, tenant: string, table: string): Promise<{ checksum: string; rows: number }>;
  close(): Promise<void>;
}

const ENV_NAME = 'hana-hosts';

function systemOf(landscape: Landscape, sid: string): LandscapeSystem {
  const s = landscape.systems.find((x) => x.sid === sid);
  if (!s) throw new Error(`demo: the landscape has no system ${sid}`);
  return s;
}

/** Adds an engine environment for an endpoint of the landscape's SSH server, trusting its host key. */
function environmentAdder(engine: Engine, landscape: Landscape, say: (line: string) => void) {
  return async (name: string, endpoint: { host: string; port: number }): Promise<void> => {
    const ssh = landscape.ssh;
    if (!ssh) throw new Error('demo: the landscape has no SSH server');
    say(`Adding environment ${name}: ${ssh.user}@${endpoint.host}:${endpoint.port}, host key ${ssh.hostKeyFingerprint}`);
    await addEnvironment(engine, {
      name,
      address: endpoint.host,
      port: endpoint.port,
      hostKeyFingerprint: ssh.hostKeyFingerprint,
      knownHostsFile: null,
      acceptNew: false,
      user: { name: ssh.user, authKind: 'key', keyFile: ssh.privateKeyFile, passwordEnv: null },
    });
  };
}

function repositoryName(engine: Engine, sid: string, envName: string): string {
  const repo = engine.store.repositories(envName).find((r) => r.object.sid === sid);
  if (!repo)
    throw new UserError(
      `Discovery found no HANA installation ${sid} on ${envName}.`,
      'Check the simulator layout (hana-vdb sim status).',
    );
  return repo.name;
}

/** hdbsql of the simulated system, run locally (not through the engine): the demo's own look at the data. */
async function simHdbsql(system: LandscapeSystem, key: string, sql: string): Promise<string> {
  const r = await execa(system.paths.hdbsql, ['-U', key, '-a', '-x', '-j', sql], { reject: false });
  if (r.exitCode !== 0 || r.stderr.trim()) throw new Error(`hdbsql -U ${key} failed (${r.exitCode}): ${r.stderr.trim()}`);
  return r.stdout;
}

async function tableChecksum(
  hdbsql: DemoEnv['hdbsql'],
  system: LandscapeSystem,
  tenant: string,
  table: string,
): Promise<{ checksum: string; rows: number }> {
  if (!/^[A-Z][A-Z0-9_]*$/.test(table)) throw new Error(`demo: ${table} is not a plain table name`);
  const out = await hdbsql(system, `${system.sid}_${tenant}`, `SELECT * FROM ${table} ORDER BY 1`);
  const rows = out.split('\n').filter((l) => l.trim() !== '');
  return { checksum: createHash('sha256').update(rows.join('\n')).digest('hex'), rows: rows.length };
}

export async function startDemo(o: DemoOptions, sourceSid: string, targetSid: string): Promise<DemoEnv> {
  const simRoot = join(o.workDir, 'sim');
  const engineDataDir = join(o.workDir, 'engine');
  mkdirSync(engineDataDir, { recursive: true });
  o.say(`Starting the simulated landscape (${o.landscape.systems.map((s) => s.sid).join(', ')}) under ${simRoot}`);
  const landscape = await startLandscape({ root: simRoot, landscape: o.landscape, clock: { startAt: o.startAt, driven: true } });
  const engine = new Engine({ dataDir: engineDataDir, pluginDir: o.packageRoot, console: false });
  const closeAll = async () => {
    await engine.close();
    await landscape.close();
  };
  const ssh = landscape.ssh;
  const addEnv = environmentAdder(engine, landscape, o.say);
  try {
    await addEnv(ENV_NAME, { host: ssh?.host ?? '127.0.0.1', port: ssh?.port ?? 0 });
  } catch (err) {
    await closeAll();
    throw err;
  }
  const source = systemOf(landscape, sourceSid);
  const target = systemOf(landscape, targetSid);
  const repositoryOf = (sid: string, envName = ENV_NAME): string => repositoryName(engine, sid, envName);

  const env: DemoEnv = {
    landscape,
    engine,
    source,
    target,
    engineDataDir,
    simRoot,
    backupSource: o.landscape.backint?.tool === 'commvault' ? 'COMMVAULT_BACKINT' : 'S3_BACKINT',
    say: o.say,
    async advance(seconds, stepSeconds = 300) {
      for (let left = seconds; left > 0; left -= stepSeconds) await landscape.clock.advance(Math.min(stepSeconds, left));
    },
    hdbsql: simHdbsql,
    addEnvironment: addEnv,
    async linkDSource(name, parameters) {
      o.say(
        `Linking dSource ${name} to ${String(parameters.sourceTenant)}@${source.sid} (RPO offset ` +
          `${String(parameters.rpoOffsetMinutes)} min)`,
      );
      const { snapshot } = await linkDSource(engine, {
        name,
        environment: ENV_NAME,
        repository: repositoryOf(source.sid),
        sourceConfig: `${String(parameters.sourceTenant)}@${source.sid}`,
        parameters: await withDefaults(engine, 'linkedSourceDefinition', parameters),
      });
      return snapshot;
    },
    async syncDSource(name) {
      o.say(`Syncing dSource ${name}`);
      return syncDSource(engine, name, await withDefaults(engine, 'snapshotParametersDefinition', {}));
    },
    async provision(name, snapshotId, parameters, environment = ENV_NAME) {
      o.say(`Provisioning VDB ${name} (${String(parameters.targetTenant)}@${target.sid}) from snapshot ${snapshotId}`);
      return provisionVdb(engine, {
        name,
        snapshotId,
        environment,
        repository: repositoryOf(target.sid, environment),
        parameters: await withDefaults(engine, 'virtualSourceDefinition', parameters),
      });
    },
    async refresh(name, snapshotId) {
      o.say(`Refreshing VDB ${name} from snapshot ${snapshotId}`);
      return refreshVdb(engine, name, snapshotId);
    },
    tableChecksum: (system, tenant, table) => tableChecksum(env.hdbsql, system, tenant, table),
    close: closeAll,
  };
  return env;
}

async function withDefaults(
  engine: Engine,
  definition: 'linkedSourceDefinition' | 'virtualSourceDefinition' | 'snapshotParametersDefinition',
  value: Json,
): Promise<Json> {
  const { schema } = await engine.plugin();
  const filled = schema.withDefaults(definition, value);
  schema.validate(definition, filled);
  return filled;
}
