/**
 * The `libs` seam (dlpx.virtualization.libs): callbacks from plugin code into the engine.
 * The engine binds its implementation around each operation call with `withEngineLibs`; plugin code calls
 * `libs.runBash(...)` and so on. AsyncLocalStorage keeps concurrent jobs apart, and nothing survives a call.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { PluginRuntimeError } from './errors.js';
import type { Credentials, RemoteConnection } from './platform.js';

export interface RunBashOptions {
  /** Environment of the remote command. Treated as secret: never on a command line, in argv or a log. */
  variables?: Record<string, string>;
  /**
   * Beyond Delphix: names of `variables` whose values are not secret (paths, identifiers, SQL without
   * credentials). Their values still travel only as variables, but the engine does not mask them in logs and
   * errors, so a job log shows the statement that ran instead of [REDACTED].
   */
  publicVariables?: readonly string[];
  /** Delphix default is false (non-login shell); kept for fidelity. */
  useLoginShell?: boolean;
  /** Non-zero exit raises PluginScriptError. */
  check?: boolean;
  /** Abort the remote command after this long (LibraryError). */
  timeoutMs?: number;
  /** Streamed stdout, for long commands whose output drives progress. */
  onStdout?: (chunk: string) => void;
}

export interface RunBashResponse {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface RunSyncOptions {
  rsyncUser?: string;
  excludePaths?: string[];
  symLinksToFollow?: string[];
}

export interface PluginLogger {
  debug(message: string, meta?: Record<string, unknown>): void;
  info(message: string, meta?: Record<string, unknown>): void;
  warn(message: string, meta?: Record<string, unknown>): void;
  error(message: string, meta?: Record<string, unknown>): void;
}

export interface ProgressReport {
  percent?: number; // 0..100
  message: string;
}

/** What an engine implements. */
export interface EngineLibs {
  runBash(connection: RemoteConnection, command: string, options?: RunBashOptions): Promise<RunBashResponse>;
  runSync(connection: RemoteConnection, sourceDirectory: string, options?: RunSyncOptions): Promise<void>;
  retrieveCredentials(credentialsSupplier: Record<string, unknown>): Promise<Credentials>;
  logger: PluginLogger;
  /** Our extension: live progress of a long operation (HANA's `progress of service` lines). */
  reportProgress(report: ProgressReport): void;
}

// One binding per process, even when the SDK is loaded twice (src/ under jest, dist/ by a compiled plugin):
// each module copy would otherwise have its own storage and plugin code would see "no engine is bound".
const KEY = Symbol.for('hana-vdb.sdk.libs');
const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<EngineLibs> | undefined>;
const current: AsyncLocalStorage<EngineLibs> = (holder[KEY] ??= new AsyncLocalStorage<EngineLibs>());

/** Engine side: run `fn` (one plugin operation) with `engine` as the libs implementation. */
export function withEngineLibs<T>(engine: EngineLibs, fn: () => Promise<T>): Promise<T> {
  return current.run(engine, fn);
}

function engine(): EngineLibs {
  const e = current.getStore();
  if (!e) throw new PluginRuntimeError('libs called outside a plugin operation: no engine is bound.');
  return e;
}

/** Plugin side: the library functions, as in `from dlpx.virtualization import libs`. */
export const libs = {
  runBash: (connection: RemoteConnection, command: string, options?: RunBashOptions) =>
    engine().runBash(connection, command, options),
  runSync: (connection: RemoteConnection, sourceDirectory: string, options?: RunSyncOptions) =>
    engine().runSync(connection, sourceDirectory, options),
  retrieveCredentials: (supplier: Record<string, unknown>) => engine().retrieveCredentials(supplier),
  reportProgress: (report: ProgressReport) => engine().reportProgress(report),
  get logger(): PluginLogger {
    return engine().logger;
  },
};
