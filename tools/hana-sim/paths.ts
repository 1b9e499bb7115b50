/** Where everything of a simulated landscape lives under its root (README "On-disk layout"). */
import { userInfo } from 'node:os';
import { join } from 'node:path';
import type { SystemSpec } from './spec.js';

export interface SystemPaths {
  usrSap: string;
  instanceDir: string;
  exeDir: string;
  traceDir: string;
  globalDir: string;
  hdbbackint: string;
  globalIni: string;
  backintParameterFile: string;
  /** Where Backint pipes are created and what the Backint object names start with. */
  backintDir: string;
  stateDb: string;
  dataDir: string;
}

/** The simulated OS user's home: <root>/home/<user> (hdbuserstore, ~/.bashrc of SSH sessions). */
export function userHome(root: string, osUser = userInfo().username): string {
  return join(root, 'home', osUser);
}

export function usrSap(root: string): string {
  return join(root, 'usr', 'sap');
}

export function systemPaths(root: string, s: Pick<SystemSpec, 'sid' | 'instance' | 'host'>): SystemPaths {
  const sapDir = join(usrSap(root), s.sid);
  const instanceDir = join(sapDir, `HDB${s.instance}`);
  const globalDir = join(sapDir, 'SYS', 'global', 'hdb');
  return {
    usrSap: usrSap(root),
    instanceDir,
    exeDir: join(instanceDir, 'exe'),
    traceDir: join(instanceDir, s.host, 'trace'),
    globalDir,
    hdbbackint: join(globalDir, 'opt', 'hdbbackint'),
    globalIni: join(globalDir, 'custom', 'config', 'global.ini'),
    backintParameterFile: join(globalDir, 'opt', 'hdbconfig', 'hana-backint.yaml'),
    backintDir: backintRoot(root, s.sid),
    stateDb: join(root, 'state', `${s.sid}.sqlite`),
    dataDir: join(root, 'state', s.sid),
  };
}

/** Trace directory of one database: SYSTEMDB uses trace/, a tenant trace/DB_<T>/. */
export function databaseTraceDir(p: SystemPaths, database: string): string {
  return database === 'SYSTEMDB' ? p.traceDir : join(p.traceDir, `DB_${database}`);
}

/** Backint destination root of any system of the landscape (a copy reads the source's names). */
export function backintRoot(root: string, sid: string): string {
  return join(usrSap(root), sid, 'SYS', 'global', 'hdb', 'backint');
}

/** Backint destination directory of one database: backint/SYSTEMDB or backint/DB_<T>. */
export function databaseBackintDir(p: SystemPaths, database: string): string {
  return join(p.backintDir, database === 'SYSTEMDB' ? 'SYSTEMDB' : `DB_${database}`);
}

export function clockFile(root: string): string {
  return join(root, 'clock.json');
}
export function serverInfoFile(root: string): string {
  return join(root, 'run', 'server.json');
}
export function endpointsFile(root: string): string {
  return join(root, 'run', 'endpoints.json');
}
export function backintStoreDir(root: string): string {
  return join(root, 'backint-store');
}
export function tmpDir(root: string): string {
  return join(root, 'tmp');
}
