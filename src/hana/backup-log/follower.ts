/**
 * Follow backup.log files on a remote host, reading only the bytes appended since a remembered offset, so the
 * cost grows with what was appended, never with the file (`tail -c +N` seeks; nothing else touches the content).
 * Truncation (size < offset) restarts at 0; rotation (another inode at the path) first finishes the old file,
 * found by its inode in the same directory, then reads the new one from 0. Only complete lines are consumed: a
 * line still being written is read again next time. Content travels base64-encoded so byte offsets stay exact.
 *
 * The remote part is a shell function (`hv_read_logs`) that other scripts embed, so one remote command can
 * both check a detached recovery and read the logs (recovery/host-scripts.ts).
 */
import { runRemote } from '../remote/run.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import type { AbsolutePath } from '../identifiers.js';
import { normalizeStatement } from '../sql.js';
import { BackupLogAssembler, type BackupLogOperation } from './operations.js';
import type { PhasedProgress } from './phases.js';

export interface LogCursor {
  path: AbsolutePath;
  /** Inode seen at the last read; null before the first. */
  inode: string | null;
  /** Bytes consumed so far (always at a line boundary). */
  offset: number;
}

export type LogReadState = 'ok' | 'missing' | 'truncated' | 'rotated';
export interface LogReadEvent {
  path: AbsolutePath;
  state: LogReadState;
  bytes: number;
}

export const DEFAULT_MAX_READ_BYTES = 16 * 1024 * 1024;

/**
 * Variables in: HANA_VDB_LOG_COUNT, HANA_VDB_LOG_MAX and per file i: HANA_VDB_LOG_<i>_PATH, _OFFSET ("end" =
 * start at the current end), _INODE (empty = unknown). Out, per file:
 *   @@HANA_VDB_LOG <i> <state> <inode|-> <size>
 *   [@@HANA_VDB_CHUNK <i> old <offset>   + one base64 line]  (rotation: rest of the old file)
 *   @@HANA_VDB_CHUNK <i> new <offset>    + one base64 line
 */
export const READ_LOGS_FUNCTION = `
hv_read_logs() {
  local i=0 n="\${HANA_VDB_LOG_COUNT:-0}" max="\${HANA_VDB_LOG_MAX:-16777216}" pv ov iv p off ino st cur size old
  while [ "$i" -lt "$n" ]; do
    pv="HANA_VDB_LOG_\${i}_PATH"; ov="HANA_VDB_LOG_\${i}_OFFSET"; iv="HANA_VDB_LOG_\${i}_INODE"
    p="\${!pv}"; off="\${!ov}"; ino="\${!iv:-}"
    if ! st=$(stat -c '%i %s' -- "$p" 2>/dev/null); then
      echo "@@HANA_VDB_LOG $i missing - 0"; i=$((i+1)); continue
    fi
    cur="\${st% *}"; size="\${st#* }"
    if [ "$off" = end ]; then
      echo "@@HANA_VDB_LOG $i ok $cur $size"; echo "@@HANA_VDB_CHUNK $i new $size"; echo
      i=$((i+1)); continue
    fi
    if [ -n "$ino" ] && [ "$ino" != "$cur" ]; then
      echo "@@HANA_VDB_LOG $i rotated $cur $size"
      old=$(find "$(dirname -- "$p")" -maxdepth 1 -inum "$ino" -print -quit 2>/dev/null)
      if [ -n "$old" ]; then
        echo "@@HANA_VDB_CHUNK $i old $off"; tail -c +$((off+1)) -- "$old" | head -c "$max" | base64 -w0; echo
      fi
      off=0
    elif [ "$size" -lt "$off" ]; then
      echo "@@HANA_VDB_LOG $i truncated $cur $size"; off=0
    else
      echo "@@HANA_VDB_LOG $i ok $cur $size"
    fi
    echo "@@HANA_VDB_CHUNK $i new $off"
    if [ "$size" -gt "$off" ]; then tail -c +$((off+1)) -- "$p" | head -c "$max" | base64 -w0; fi
    echo
    i=$((i+1))
  done
}
`;

export function readLogsVariables(
  cursors: readonly LogCursor[] | readonly AbsolutePath[],
  maxBytes = DEFAULT_MAX_READ_BYTES,
  atEnd = false,
): Record<string, string> {
  const vars: Record<string, string> = { HANA_VDB_LOG_COUNT: String(cursors.length), HANA_VDB_LOG_MAX: String(maxBytes) };
  cursors.forEach((c, i) => {
    const cur: LogCursor = typeof c === 'string' ? { path: c, inode: null, offset: 0 } : c;
    vars[`HANA_VDB_LOG_${i}_PATH`] = cur.path;
    vars[`HANA_VDB_LOG_${i}_OFFSET`] = atEnd ? 'end' : String(cur.offset);
    vars[`HANA_VDB_LOG_${i}_INODE`] = cur.inode ?? '';
  });
  return vars;
}

export interface LogReads {
  cursors: LogCursor[];
  /** Complete lines read per file (same order as the cursors). */
  texts: string[];
  events: LogReadEvent[];
}

const LOG_HEADER = /^@@HANA_VDB_LOG (\d+) (ok|missing|truncated|rotated) (\S+) (\d+)$/;
const CHUNK_HEADER = /^@@HANA_VDB_CHUNK (\d+) (old|new) (\d+)$/;

/** Read the framed output of hv_read_logs (other lines are ignored) and advance the cursors. */
export function parseLogReads(stdout: string, before: readonly LogCursor[], maxBytes = DEFAULT_MAX_READ_BYTES): LogReads {
  const cursors = before.map((c) => ({ ...c }));
  const texts = before.map(() => '');
  const events: LogReadEvent[] = [];
  const lines = stdout.split('\n');
  for (let k = 0; k < lines.length; k++) {
    const h = LOG_HEADER.exec(lines[k]!);
    if (h) {
      const i = Number(h[1]);
      const cur = cursors[i];
      if (!cur) continue;
      events.push({ path: cur.path, state: h[2] as LogReadState, bytes: 0 });
      if (h[2] !== 'missing') cur.inode = h[3]!;
      continue;
    }
    const c = CHUNK_HEADER.exec(lines[k]!);
    if (!c) continue;
    const i = Number(c[1]);
    const cur = cursors[i];
    const data = Buffer.from(lines[++k] ?? '', 'base64');
    if (!cur) continue;
    const from = Number(c[3]);
    let consumed: number;
    let text: string;
    if (c[2] === 'old') {
      consumed = data.length; // a rotated file no longer grows: take all of it
      text = data.toString('utf8');
      if (text !== '' && !text.endsWith('\n')) text += '\n';
    } else {
      const nl = data.lastIndexOf(0x0a);
      consumed = nl >= 0 ? nl + 1 : data.length >= maxBytes ? data.length : 0;
      text = data.subarray(0, consumed).toString('utf8');
      cur.offset = from + consumed;
    }
    texts[i] += text;
    const ev = [...events].reverse().find((e) => e.path === cur.path);
    if (ev) ev.bytes += consumed;
  }
  return { cursors, texts, events };
}

export interface FoundRecovery {
  path: AbsolutePath;
  operation: BackupLogOperation;
  progress: PhasedProgress[];
}

/** Follows several backup.log files (SYSTEMDB's and the tenant's) and finds one recovery in them. */
export class BackupLogFollower {
  cursors: LogCursor[];
  readonly assemblers: BackupLogAssembler[];
  readonly maxBytes: number;

  constructor(cursors: LogCursor[], maxBytes = DEFAULT_MAX_READ_BYTES) {
    this.cursors = cursors.map((c) => ({ ...c }));
    this.assemblers = cursors.map(() => new BackupLogAssembler());
    this.maxBytes = maxBytes;
  }

  /** A follower starting at the current end of each file (one remote command). */
  static async atEnd(
    connection: RemoteConnection,
    paths: readonly AbsolutePath[],
    maxBytes = DEFAULT_MAX_READ_BYTES,
  ): Promise<BackupLogFollower> {
    const res = await runRemote(connection, `${READ_LOGS_FUNCTION}\nhv_read_logs`, readLogsVariables(paths, maxBytes, true), {
      check: true,
    });
    return BackupLogFollower.fromMarkOutput(res.stdout, paths, maxBytes);
  }

  /** A follower at the ends printed by hv_read_logs in "end" mode. */
  static fromMarkOutput(stdout: string, paths: readonly AbsolutePath[], maxBytes = DEFAULT_MAX_READ_BYTES): BackupLogFollower {
    const start = paths.map((path) => ({ path, inode: null, offset: 0 }));
    return new BackupLogFollower(parseLogReads(stdout, start, maxBytes).cursors, maxBytes);
  }

  /** Variables for a script that embeds READ_LOGS_FUNCTION and calls hv_read_logs. */
  variables(): Record<string, string> {
    return readLogsVariables(this.cursors, this.maxBytes);
  }

  /** Take in the output of hv_read_logs: advance the cursors and parse the new lines. */
  ingest(stdout: string): LogReadEvent[] {
    const r = parseLogReads(stdout, this.cursors, this.maxBytes);
    this.cursors = r.cursors;
    r.texts.forEach((t, i) => {
      if (t) this.assemblers[i]!.pushText(t);
    });
    return r.events;
  }

  /** Read what was appended since the last read (one remote command). */
  async poll(connection: RemoteConnection): Promise<LogReadEvent[]> {
    const res = await runRemote(connection, `${READ_LOGS_FUNCTION}\nhv_read_logs`, this.variables(), { check: true });
    return this.ingest(res.stdout);
  }

  /**
   * Our recovery: by operation id when known, else the first recovery whose `command:` echo is our statement.
   * A file where it finished wins over one where it is still running (HANA may log to both files).
   */
  findRecovery(match: { operationId?: string | null; statement?: string }): FoundRecovery | null {
    const want = match.statement ? normalizeStatement(match.statement) : null;
    let best: FoundRecovery | null = null;
    this.assemblers.forEach((a, i) => {
      for (const id of a.operationIds()) {
        const op = a.operation(id)!;
        if (op.kind !== 'recovery') continue;
        const hit = match.operationId
          ? id === match.operationId
          : want !== null && op.command !== null && normalizeStatement(op.command) === want;
        if (!hit) continue;
        if (!best || (best.operation.outcome === 'running' && op.outcome !== 'running')) {
          best = { path: this.cursors[i]!.path, operation: op, progress: a.progress(id) };
        }
        break;
      }
    });
    return best;
  }
}
