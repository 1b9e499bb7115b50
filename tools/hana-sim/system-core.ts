/**
 * What backups and recoveries need of a simulated system: its spec, paths, state, connections, backup.log and
 * Backint context. SimSystem implements it; backup.ts and recovery.ts depend on this interface, not on the class
 * that calls them, so the modules import in one direction.
 */
import type { BackintContext } from './backint-runner.js';
import type { DbConnection } from './db-connection.js';
import type { FaultSettings } from './faults.js';
import type { BackupLog } from './hana-log.js';
import type { SystemPaths } from './paths.js';
import type { SystemSpec } from './spec.js';
import type { SystemState } from './state.js';

export interface SystemEnv {
  root: string;
  now: () => number;
  faults: FaultSettings;
  interfaceVersion: string;
  /** Systems by SID, for USING SOURCE (their paths and catalogs live under the same root). */
  lookup: (sid: string) => SystemCore | undefined;
}

export type BackintKind = 'data' | 'log' | 'catalog';

export type ResolvedSystemSpec = Required<Omit<SystemSpec, 'users'>> & Pick<SystemSpec, 'users'>;

export interface SystemCore {
  readonly spec: ResolvedSystemSpec;
  readonly env: SystemEnv;
  readonly paths: SystemPaths;
  readonly state: SystemState;
  dataFile(database: string): string;
  backupLog(database: string): BackupLog;
  /** Backint of a database for data, log or catalog backups (global.ini names a parameter file for each). */
  backint(database: string, kind?: BackintKind): BackintContext;
  /** Backint -u of a database's backups. */
  backintUser(database: string, sid?: string): string;
  nextOpId(): number;
  /** A [backup] parameter of global.ini as the file says now, or HANA's default. */
  backupParameter(key: string): string | undefined;
  serviceAddress(database: string, volume?: number): { service: string; address: string; volume: number };
  connection(database: string): DbConnection;
  release(database: string): void;
}
