/**
 * RECOVER can run for hours, longer than an SSH connection can be trusted. So hdbsql runs detached on the host
 * (`nohup setsid`, stdin/stdout/stderr away from the SSH channel) and writes its stdout, stderr and exit code
 * into a per-operation directory; every later remote command only looks at that directory and at backup.log.
 * After a dropped connection the next command simply continues where the last one left off.
 *
 * Operation directory files: statement.sql, issued_at (host UTC), pid, stdout, stderr, rc, log-ends.
 */
import { HDBSQL_COMMAND, hdbsqlVariables, type HdbsqlTarget } from '../hdbsql/invocation.js';
import { READ_LOGS_FUNCTION, type BackupLogFollower } from '../backup-log/follower.js';
import type { AbsolutePath } from '../identifiers.js';

/**
 * Start the statement detached unless this directory already has one (a retried start after a dropped
 * connection must not run RECOVER twice). Before issuing, remember where the logs end. Optionally writes a
 * "running" record first (HANA_VDB_RECORD_FILE / HANA_VDB_RECORD), so a crash anywhere leaves a clear state.
 * Prints: the log ends (hv_read_logs in "end" mode), then `@@HANA_VDB_ISSUED <utc> <new|already>`. With
 * HANA_VDB_ATTACH_ONLY set it never issues: a directory whose statement was never started prints `- none`.
 */
export const START_SCRIPT = `${READ_LOGS_FUNCTION}
set -u
d="$HANA_VDB_OP_DIR"
if [ -e "$d/pid" ]; then
  cat -- "$d/log-ends"; echo "@@HANA_VDB_ISSUED $(cat -- "$d/issued_at") already"; exit 0
fi
if [ -n "\${HANA_VDB_ATTACH_ONLY:-}" ]; then echo "@@HANA_VDB_ISSUED - none"; exit 0; fi
mkdir -p -- "$d" || { echo "cannot create $d" >&2; exit 20; }
hv_read_logs > "$d/log-ends"
if [ -n "\${HANA_VDB_RECORD_FILE:-}" ]; then
  printf '%s\\n' "$HANA_VDB_RECORD" > "$HANA_VDB_RECORD_FILE.tmp" &&
    mv -f -- "$HANA_VDB_RECORD_FILE.tmp" "$HANA_VDB_RECORD_FILE" || exit 21
fi
printf '%s\\n' "$HANA_VDB_SQL" > "$d/statement.sql"
date -u +%Y-%m-%dT%H:%M:%SZ > "$d/issued_at"
export HANA_VDB_HDBSQL HANA_VDB_KEY HANA_VDB_SQL
nohup setsid bash -c 'd="$1"; ${HDBSQL_COMMAND} >"$d/stdout" 2>"$d/stderr"; echo $? >"$d/rc.tmp";
  mv -f -- "$d/rc.tmp" "$d/rc"' hana-vdb-recover "$d" </dev/null >/dev/null 2>&1 &
echo $! > "$d/pid"
cat -- "$d/log-ends"; echo "@@HANA_VDB_ISSUED $(cat -- "$d/issued_at") new"
`;

/**
 * Wait on the host (not over the wire) until the statement ended, or the logs grew and at least WAIT_MIN seconds
 * passed, or WAIT_MAX passed (with HANA_VDB_FOLLOW_LOG set, an ended statement does not end the wait: the
 * client lost HANA and only backup.log tells how the recovery goes); then report the state and the appended log
 * bytes. Long polls keep the number of remote commands small for recoveries of hours while still showing progress.
 * Prints `@@HANA_VDB_STATE running|finished|lost`, with finished: `@@HANA_VDB_RC <n>` and base64 stdout/stderr.
 */
export const POLL_SCRIPT = `${READ_LOGS_FUNCTION}
set -u
d="$HANA_VDB_OP_DIR"
hv_grown() {
  local i=0 pv ov s
  while [ "$i" -lt "$HANA_VDB_LOG_COUNT" ]; do
    pv="HANA_VDB_LOG_\${i}_PATH"; ov="HANA_VDB_LOG_\${i}_OFFSET"
    s=$(stat -c %s -- "\${!pv}" 2>/dev/null || echo 0)
    [ "$s" != "\${!ov}" ] && return 0
    i=$((i+1))
  done
  return 1
}
start=$SECONDS
while [ -n "\${HANA_VDB_FOLLOW_LOG:-}" ] || [ ! -e "$d/rc" ]; do
  el=$((SECONDS-start))
  [ "$el" -ge "$HANA_VDB_WAIT_MAX" ] && break
  if [ "$el" -ge "$HANA_VDB_WAIT_MIN" ] && hv_grown; then break; fi
  sleep "$HANA_VDB_POLL_SLEEP"
done
if [ -e "$d/rc" ]; then state=finished
elif [ -e "$d/pid" ] && kill -0 "$(cat -- "$d/pid")" 2>/dev/null; then state=running
elif [ -e "$d/rc" ]; then state=finished
else state=lost
fi
echo "@@HANA_VDB_STATE $state"
if [ "$state" = finished ]; then
  echo "@@HANA_VDB_RC $(cat -- "$d/rc")"
  echo "@@HANA_VDB_STDOUT"; base64 -w0 < "$d/stdout"; echo
  echo "@@HANA_VDB_STDERR"; base64 -w0 < "$d/stderr"; echo
fi
hv_read_logs
`;

export interface StartVariables {
  opDir: AbsolutePath;
  target: HdbsqlTarget;
  statement: string;
  follower: BackupLogFollower;
  record?: { file: AbsolutePath; json: string };
  /** Only re-attach to a statement this directory already started; never issue one. */
  attachOnly?: boolean;
}

export function startVariables(v: StartVariables): Record<string, string> {
  const vars: Record<string, string> = {
    ...hdbsqlVariables(v.target, v.statement),
    ...v.follower.variables(),
    HANA_VDB_OP_DIR: v.opDir,
  };
  for (let i = 0; i < v.follower.cursors.length; i++) vars[`HANA_VDB_LOG_${i}_OFFSET`] = 'end';
  if (v.attachOnly) vars.HANA_VDB_ATTACH_ONLY = '1';
  if (v.record) {
    vars.HANA_VDB_RECORD_FILE = v.record.file;
    vars.HANA_VDB_RECORD = v.record.json;
  }
  return vars;
}

export interface StartResult {
  issuedAt: string;
  alreadyStarted: boolean;
  /** Attach-only, and this directory never started its statement. */
  notStarted: boolean;
}

export function parseStartOutput(stdout: string): StartResult {
  const m = /^@@HANA_VDB_ISSUED (\S+) (new|already|none)$/m.exec(stdout);
  if (!m) throw new Error(`the detached start printed no @@HANA_VDB_ISSUED line: ${stdout.slice(0, 500)}`);
  return { issuedAt: m[1]!, alreadyStarted: m[2] === 'already', notStarted: m[2] === 'none' };
}

export interface PollTiming {
  /** Return early once the logs grew and this many seconds passed (progress). */
  minWaitSeconds: number;
  /** Return at the latest after this many seconds. */
  maxWaitSeconds: number;
  /** Host-side check interval. */
  sleepSeconds: number;
}

export function pollVariables(opDir: AbsolutePath, follower: BackupLogFollower, t: PollTiming): Record<string, string> {
  return {
    ...follower.variables(),
    HANA_VDB_OP_DIR: opDir,
    HANA_VDB_WAIT_MIN: String(Math.max(0, Math.floor(t.minWaitSeconds))),
    HANA_VDB_WAIT_MAX: String(Math.max(0, Math.floor(t.maxWaitSeconds))),
    HANA_VDB_POLL_SLEEP: String(t.sleepSeconds),
  };
}

export type DetachedState =
  { state: 'running' } | { state: 'lost' } | { state: 'finished'; exitCode: number; stdout: string; stderr: string };

export function parsePollState(stdout: string): DetachedState {
  const lines = stdout.split('\n');
  const s = lines.find((l) => l.startsWith('@@HANA_VDB_STATE '));
  const state = s?.slice('@@HANA_VDB_STATE '.length).trim();
  if (state === 'running' || state === 'lost') return { state };
  if (state !== 'finished') throw new Error(`the poll printed no state: ${stdout.slice(0, 500)}`);
  const rc = lines.find((l) => l.startsWith('@@HANA_VDB_RC '));
  const at = (marker: string) => {
    const i = lines.indexOf(marker);
    return i >= 0 ? Buffer.from(lines[i + 1] ?? '', 'base64').toString('utf8') : '';
  };
  const code = Number(rc?.slice('@@HANA_VDB_RC '.length).trim());
  return {
    state: 'finished',
    exitCode: Number.isInteger(code) ? code : -1,
    stdout: at('@@HANA_VDB_STDOUT'),
    stderr: at('@@HANA_VDB_STDERR'),
  };
}
