/**
 * Run one RECOVER detached on the host and follow it to the end: start (idempotent), long-poll the operation
 * directory and backup.log (SYSTEMDB's and the tenant's), report HANA's `progress of service` lines, survive
 * dropped connections (the next remote command just continues), and return what HANA said.
 */
import { LibraryError, PluginScriptError } from '../../sdk/errors.js';
import { libs } from '../../sdk/libs.js';
import { runRemote } from '../remote/run.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import { BackupLogFollower, type FoundRecovery } from '../backup-log/follower.js';
import type { PhasedProgress } from '../backup-log/phases.js';
import { dataRestored, isDataRestore, recoveryProgress } from './progress-text.js';
import { hdbsqlFailure, type HdbsqlError } from '../hdbsql/errors.js';
import type { HdbsqlTarget } from '../hdbsql/invocation.js';
import type { AbsolutePath } from '../identifiers.js';
import {
  POLL_SCRIPT,
  START_SCRIPT,
  parsePollState,
  parseStartOutput,
  pollVariables,
  startVariables,
  type DetachedState,
  type PollTiming,
} from './host-scripts.js';

export interface DetachedRecoveryRequest {
  connection: RemoteConnection;
  target: HdbsqlTarget;
  statement: string;
  /** Per-operation directory on the host (created). */
  opDir: AbsolutePath;
  /** backup.log files to follow: SYSTEMDB's and DB_<tenant>'s. */
  logPaths: AbsolutePath[];
  /** Written atomically on the host just before RECOVER is issued. */
  runningRecord?: { file: AbsolutePath; json: string };
  timing?: Partial<DetachedTiming>;
}

interface DetachedTiming extends PollTiming {
  reconnectAttempts: number;
  reconnectDelayMs: number;
  finishGracePolls: number;
  /**
   * After the client lost HANA while backup.log still shows the recovery running: how long backup.log may stay
   * silent before we stop following and say that whether HANA still recovers is unknown.
   */
  silentLogSeconds: number;
}

export interface DetachedRecoveryResult {
  /** Host clock when RECOVER was issued (UTC ISO). */
  issuedAt: string;
  /** This call re-attached to a statement an earlier call had started in the same directory. */
  reattached: boolean;
  /** Our operation in backup.log, when HANA logged one. */
  found: FoundRecovery | null;
  /** hdbsql's verdict: the SQL error it reported, or null on success. */
  hdbsqlError: HdbsqlError | null;
  /** The statement's process vanished without an exit code (host restart, killed). */
  lost: boolean;
  /**
   * The client lost HANA (connection error, or hdbsql killed) while backup.log showed the recovery running; it
   * was followed through backup.log from then on. Null when the client saw the end.
   */
  clientLost: { text: string; silentForSeconds: number | null } | null;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Remote commands this recovery needed (start + polls, reconnects included). */
  remoteCommands: number;
}

const DEFAULTS: DetachedTiming = {
  minWaitSeconds: 5,
  maxWaitSeconds: 60,
  sleepSeconds: 0.2,
  reconnectAttempts: 20,
  reconnectDelayMs: 1000,
  finishGracePolls: 3,
  silentLogSeconds: 1800,
};

/** Issue the statement detached (or re-attach to it) and follow it to its end. */
export async function runDetachedRecovery(req: DetachedRecoveryRequest): Promise<DetachedRecoveryResult> {
  return (await detached(req, false))!;
}

/**
 * Follow a statement an earlier run started in `req.opDir` (its process, its rc file and backup.log) to its end,
 * never issuing anything; null when that directory never started its statement.
 */
export function followStartedRecovery(req: DetachedRecoveryRequest): Promise<DetachedRecoveryResult | null> {
  return detached(req, true);
}

/** hdbsql lost HANA rather than HANA failing the statement: a connection error, or hdbsql killed by a signal. */
export function clientLostHana(e: HdbsqlError | null, state: DetachedState): string | null {
  if (state.state === 'lost') return 'the hdbsql process on the host vanished without an exit code';
  if (!e) return null;
  if (e.code === -10709 || e.code === -10807) return `hdbsql lost its connection to HANA (${e.code}: ${e.text})`;
  if (e.code === -1 && e.exitCode !== null && e.exitCode > 128)
    return `hdbsql was killed by signal ${e.exitCode - 128} (exit code ${e.exitCode})`;
  return null;
}

async function detached(req: DetachedRecoveryRequest, attachOnly: boolean): Promise<DetachedRecoveryResult | null> {
  const t = { ...DEFAULTS, ...req.timing };
  const remote = remoteWithRetry(req.connection, t);
  const follower = new BackupLogFollower(req.logPaths.map((path) => ({ path, inode: null, offset: 0 })));
  const started = await remote.run(START_SCRIPT, startVariables({ ...req, follower, record: req.runningRecord, attachOnly }));
  const start = parseStartOutput(started.stdout);
  if (start.notStarted) return null;
  const marked = BackupLogFollower.fromMarkOutput(started.stdout, req.logPaths, follower.maxBytes);
  follower.cursors = marked.cursors;
  libs.logger.info(
    `RECOVER issued at ${start.issuedAt}${start.alreadyStarted ? ' (already running, re-attached)' : ''}: ${req.statement}`,
  );

  let operationId: string | null = null;
  let lastProgress = '';
  let grace = 0;
  let clientLost: { text: string; since: number } | null = null;
  let lastGrowth = Date.now();
  for (;;) {
    const res = await remote.run(POLL_SCRIPT, { ...pollVariables(req.opDir, follower, t), ...(clientLost ? FOLLOW_LOG : {}) });
    const state = parsePollState(res.stdout);
    const before = follower.cursors.map((c) => c.offset).join(',');
    follower.ingest(res.stdout);
    if (follower.cursors.map((c) => c.offset).join(',') !== before) lastGrowth = Date.now();
    const found = follower.findRecovery(operationId ? { operationId } : { statement: req.statement });
    if (found) {
      operationId = found.operation.operationId;
      lastProgress = report(found.progress, lastProgress);
    }
    const logDone = found !== null && found.operation.outcome !== 'running';
    if (state.state === 'running') continue;
    const hdbsqlError = state.state === 'finished' ? hdbsqlFailure(state.exitCode, state.stderr) : null;
    const lostText = clientLostHana(hdbsqlError, state);
    // A client that lost HANA says nothing about the recovery: backup.log does, so follow it to its end.
    if (lostText && found && !logDone) {
      if (!clientLost) {
        clientLost = { text: lostText, since: Date.now() };
        libs.logger.warn(`${lostText}; backup.log shows the recovery still running: following it there to its end`);
      }
      if ((Date.now() - lastGrowth) / 1000 < t.silentLogSeconds) continue;
    }
    // HANA writes the finish line before RECOVER returns, but the file may be read a moment early; errors
    // raised before a recovery starts (authentication, privilege) never reach backup.log.
    const noRecoveryExpected = hdbsqlError !== null && hdbsqlError.code !== 448 && hdbsqlError.code !== 449 && !found;
    if (logDone || clientLost || noRecoveryExpected || grace++ >= t.finishGracePolls) {
      const silent = clientLost && !logDone ? Math.round((Date.now() - lastGrowth) / 1000) : null;
      return {
        issuedAt: start.issuedAt,
        reattached: start.alreadyStarted,
        found,
        hdbsqlError: clientLost ? null : hdbsqlError,
        lost: state.state === 'lost',
        clientLost: clientLost ? { text: clientLost.text, silentForSeconds: silent } : null,
        exitCode: state.state === 'finished' ? state.exitCode : null,
        stdout: state.state === 'finished' ? state.stdout : '',
        stderr: state.state === 'finished' ? state.stderr : '',
        remoteCommands: remote.count(),
      };
    }
  }
}

/** In the poll: wait for backup.log to grow even though the statement's process already ended. */
const FOLLOW_LOG = { HANA_VDB_FOLLOW_LOG: '1' };

/**
 * The remote command did not fail by itself: the connection dropped, or its shell on the host was ended by a
 * signal (an operator, an OOM killer, sshd restarting). The start and poll scripts are safe to run again.
 */
export function remoteCommandLost(e: unknown): boolean {
  return e instanceof LibraryError || (e instanceof PluginScriptError && e.signal !== undefined);
}

/** Remote commands, each retried after a dropped connection or a killed shell (up to reconnectAttempts in all). */
function remoteWithRetry(connection: RemoteConnection, t: DetachedTiming) {
  let commands = 0;
  let failures = 0;
  return {
    count: () => commands,
    async run(script: string, variables: Record<string, string>) {
      for (;;) {
        commands++;
        try {
          return await runRemote(connection, script, variables, { check: true });
        } catch (e) {
          if (!remoteCommandLost(e) || ++failures > t.reconnectAttempts) throw e;
          libs.logger.warn(
            `remote command failed (${(e as Error).message}); retrying, attempt ${failures} of ${t.reconnectAttempts}`,
          );
          await new Promise((r) => setTimeout(r, t.reconnectDelayMs));
        }
      }
    },
  };
}

/** Report progress when it changed; returns the new last message (recovery phases: progress-text.ts). */
function report(progress: PhasedProgress[], last: string): string {
  const now = recoveryProgress(progress);
  if (!now || now.message === last) return last;
  // The first poll may find the data restore already over: it is still shown, as it ended, before the replay.
  const restored = last === '' && !isDataRestore(now.message) ? dataRestored(progress) : null;
  if (restored) libs.reportProgress(restored);
  libs.reportProgress(now);
  return now.message;
}
