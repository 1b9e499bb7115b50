/**
 * Run one RECOVER detached on the host and follow it to the end: start (idempotent), long-poll the operation
 * directory and backup.log (SYSTEMDB's and the tenant's), report HANA's `progress of service` lines, survive
 * dropped connections (the next remote command just continues), and return what HANA said.
 */
import { LibraryError } from '../../sdk/errors.js';
import { libs } from '../../sdk/libs.js';
import { runRemote } from '../remote/run.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import { BackupLogFollower, type FoundRecovery } from '../backup-log/follower.js';
import type { ServiceProgress } from '../backup-log/messages.js';
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
  timing?: Partial<PollTiming & { reconnectAttempts: number; reconnectDelayMs: number; finishGracePolls: number }>;
}

export interface DetachedRecoveryResult {
  /** Host clock when RECOVER was issued (UTC ISO). */
  issuedAt: string;
  /** Our operation in backup.log, when HANA logged one. */
  found: FoundRecovery | null;
  /** hdbsql's verdict: the SQL error it reported, or null on success. */
  hdbsqlError: HdbsqlError | null;
  /** The statement's process vanished without an exit code (host restart, killed). */
  lost: boolean;
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Remote commands this recovery needed (start + polls, reconnects included). */
  remoteCommands: number;
}

const DEFAULTS = {
  minWaitSeconds: 5,
  maxWaitSeconds: 60,
  sleepSeconds: 0.2,
  reconnectAttempts: 20,
  reconnectDelayMs: 1000,
  finishGracePolls: 3,
};

export async function runDetachedRecovery(req: DetachedRecoveryRequest): Promise<DetachedRecoveryResult> {
  const t = { ...DEFAULTS, ...req.timing };
  let commands = 0;
  let failures = 0;
  /** One remote command, retried after a dropped connection. */
  const remote = async (script: string, variables: Record<string, string>) => {
    for (;;) {
      commands++;
      try {
        return await runRemote(req.connection, script, variables, { check: true });
      } catch (e) {
        if (!(e instanceof LibraryError) || ++failures > t.reconnectAttempts) throw e;
        libs.logger.warn(`remote command failed (${e.message}); retrying, attempt ${failures} of ${t.reconnectAttempts}`);
        await new Promise((r) => setTimeout(r, t.reconnectDelayMs));
      }
    }
  };

  const follower = new BackupLogFollower(req.logPaths.map((path) => ({ path, inode: null, offset: 0 })));
  const started = await remote(
    START_SCRIPT,
    startVariables({ opDir: req.opDir, target: req.target, statement: req.statement, follower, record: req.runningRecord }),
  );
  const start = parseStartOutput(started.stdout);
  const marked = BackupLogFollower.fromMarkOutput(started.stdout, req.logPaths, follower.maxBytes);
  follower.cursors = marked.cursors;
  libs.logger.info(
    `RECOVER issued at ${start.issuedAt}${start.alreadyStarted ? ' (already running, re-attached)' : ''}: ${req.statement}`,
  );

  let operationId: string | null = null;
  let lastProgress = '';
  let grace = 0;
  for (;;) {
    const res = await remote(POLL_SCRIPT, pollVariables(req.opDir, follower, t));
    const state = parsePollState(res.stdout);
    follower.ingest(res.stdout);
    const found = follower.findRecovery(operationId ? { operationId } : { statement: req.statement });
    if (found) {
      operationId = found.operation.operationId;
      lastProgress = report(found.progress, lastProgress);
    }
    const logDone = found !== null && found.operation.outcome !== 'running';
    if (state.state === 'running') continue;
    const hdbsqlError = state.state === 'finished' ? hdbsqlFailure(state.exitCode, state.stderr) : null;
    // HANA writes the finish line before RECOVER returns, but the file may be read a moment early; errors
    // raised before a recovery starts (authentication, privilege) never reach backup.log.
    const noRecoveryExpected = hdbsqlError !== null && hdbsqlError.code !== 448 && hdbsqlError.code !== 449 && !found;
    if (logDone || noRecoveryExpected || grace++ >= t.finishGracePolls) {
      return {
        issuedAt: start.issuedAt,
        found,
        hdbsqlError,
        lost: state.state === 'lost',
        exitCode: state.state === 'finished' ? state.exitCode : null,
        stdout: state.state === 'finished' ? state.stdout : '',
        stderr: state.state === 'finished' ? state.stderr : '',
        remoteCommands: commands,
      };
    }
  }
}

/** Report progress when it changed; returns the new last message. Overall percent = bytes done / bytes total. */
function report(progress: ServiceProgress[], last: string): string {
  if (progress.length === 0) return last;
  const done = progress.reduce((s, p) => s + p.done, 0);
  const total = progress.reduce((s, p) => s + p.total, 0);
  const percent = total > 0 ? Math.floor((done * 100) / total) : 0;
  const message = `recovering: ${progress.map((p) => `${p.service} volume ${p.volume} ${p.percent}%`).join(', ')}`;
  if (message === last) return last;
  libs.reportProgress({ percent, message });
  return message;
}
