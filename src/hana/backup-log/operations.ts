/**
 * Assemble backup.log lines into operations. Lines are grouped by operation id, so interleaved operations
 * (log backups every few minutes during a recovery of hours) stay apart; within an operation lines are ordered by
 * time, so lines out of order in the file do not change the result. A line without an operation id joins the
 * newest unfinished operation of its component (quoted excerpts drop the id), or starts an operation of its own.
 */
import type { UtcIso } from '../time.js';
import { parseBackupLogLine, type BackupLogLine } from './line.js';
import {
  RECOVER_STARTED,
  commandOf,
  finishOf,
  progressOf,
  reachedLogPositionOf,
  reachedTimestampOf,
  requestedTimestampOf,
  stateOf,
} from './messages.js';
import { phasedProgress, type PhasedProgress } from './phases.js';

export type OperationKind = 'recovery' | 'data-backup' | 'log-backup' | 'catalog-backup' | 'other';
export type OperationOutcome = 'success' | 'error' | 'running';

/** One operation as `hana-vdb parse-backup-log --json` prints it. Times are UTC ISO with Z. */
export interface BackupLogOperation {
  operationId: string | null;
  kind: OperationKind;
  startedAt: UtcIso | null;
  command: string | null;
  requestedTimestamp: UtcIso | null;
  finishedAt: UtcIso | null;
  outcome: OperationOutcome;
  reachedTimestamp: UtcIso | null;
  reachedLogPosition: string | null;
  errorCode: number | null;
  /** HANA's finish line, verbatim (null while running). */
  message: string | null;
}

interface Group {
  key: string;
  operationId: string | null;
  component: string | null;
  lines: BackupLogLine[];
  finished: boolean;
}

function kindOf(g: Group): OperationKind {
  const msgs = g.lines.map((l) => l.message);
  if (g.component === 'RECOVERY' || msgs.some((m) => m.startsWith('RECOVER DATA'))) return 'recovery';
  if (msgs.some((m) => /BackupExecuteCatalogBackup/.test(stateOf(m)?.state ?? ''))) return 'catalog-backup';
  if (g.component === 'LOGBCKUP') return 'log-backup';
  if (g.component === 'BACKUP' || msgs.some((m) => /^(SAVE DATA|SNAPSHOT) /.test(m))) return 'data-backup';
  return 'other';
}

/** Lines in time order; a line without time sorts with the line before it in the file. */
function ordered(lines: BackupLogLine[]): BackupLogLine[] {
  const byFile = [...lines].sort((a, b) => a.lineNo - b.lineNo);
  let last = '';
  const keyed = byFile.map((l) => {
    if (l.at) last = l.at;
    return { l, t: l.at ?? last };
  });
  return keyed.sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.l.lineNo - b.l.lineNo)).map((k) => k.l);
}

export class BackupLogAssembler {
  private readonly groups = new Map<string, Group>();
  private anonymous = 0;
  private lineNo = 0;
  /** Lines that did not look like backup.log entries: counted, never silently mixed into an operation. */
  unparsed = 0;

  /** Feed text (any number of complete lines). */
  pushText(text: string): void {
    for (const raw of text.replace(/\n$/, '').split('\n')) this.pushLine(raw);
  }

  /** Feed one line (without its line break). */
  pushLine(raw: string): void {
    this.lineNo++;
    if (raw.trim() === '') return;
    const line = parseBackupLogLine(raw, this.lineNo);
    if (line) this.push(line);
    else this.unparsed++;
  }

  push(line: BackupLogLine): void {
    let id = line.operationId;
    if (id === null) {
      const started = RECOVER_STARTED.exec(line.message);
      if (started?.[1]) id = Number(started[1]).toString(16);
    }
    let g: Group | undefined;
    if (id !== null) {
      g = this.groups.get(id);
      if (!g) {
        g = { key: id, operationId: id, component: line.component, lines: [], finished: false };
        this.groups.set(id, g);
      }
    } else {
      const component =
        line.component ??
        (line.message.startsWith('RECOVER DATA') || line.message.startsWith('command: RECOVER') ? 'RECOVERY' : null);
      g = [...this.groups.values()].reverse().find((c) => !c.finished && (component === null || c.component === component));
      if (!g) {
        const key = `#${++this.anonymous}`;
        g = { key, operationId: null, component, lines: [], finished: false };
        this.groups.set(key, g);
      }
    }
    g.component ??= line.component;
    g.lines.push(line);
    if (finishOf(line.message, g.component !== 'RECOVERY' && g.component !== 'BACKUP')) g.finished = true;
  }

  operations(): BackupLogOperation[] {
    return [...this.groups.values()].map((g) => summarize(g));
  }

  /** The operation with this id, or undefined. */
  operation(operationId: string): BackupLogOperation | undefined {
    const g = this.groups.get(operationId);
    return g ? summarize(g) : undefined;
  }

  /** Operation ids in order of first appearance. */
  operationIds(): string[] {
    return [...this.groups.values()].flatMap((g) => (g.operationId ? [g.operationId] : []));
  }

  /** The latest progress per service and volume of an operation (HANA's `progress of service` lines), by phase. */
  progress(operationId: string): PhasedProgress[] {
    const g = this.groups.get(operationId);
    if (!g) return [];
    return phasedProgress(ordered(g.lines).flatMap((l) => progressOf(l.message) ?? []));
  }
}

function summarize(g: Group): BackupLogOperation {
  const kind = kindOf(g);
  const lines = ordered(g.lines);
  const stateEnds = kind === 'log-backup' || kind === 'catalog-backup';
  let finishLine: BackupLogLine | null = null;
  let finish = null;
  for (const l of lines) {
    const f = finishOf(l.message, stateEnds);
    if (f) {
      finishLine = l;
      finish = f;
    }
  }
  const startLine = lines.find((l) => RECOVER_STARTED.test(l.message)) ?? lines.find((l) => l !== finishLine && l.at !== null);
  const command = lines.map((l) => commandOf(l.message)).find((c) => c !== null) ?? null;
  return {
    operationId: g.operationId,
    kind,
    startedAt: startLine?.at ?? null,
    command,
    requestedTimestamp: command ? requestedTimestampOf(command) : null,
    finishedAt: finishLine?.at ?? null,
    outcome: finish?.outcome ?? 'running',
    reachedTimestamp: finishLine ? reachedTimestampOf(finishLine.message) : null,
    reachedLogPosition: finishLine ? reachedLogPositionOf(finishLine.message) : null,
    errorCode: finish?.errorCode ?? null,
    message: finishLine?.message ?? null,
  };
}

export interface ParsedBackupLog {
  operations: BackupLogOperation[];
  unparsedLines: number;
}

export function parseBackupLog(text: string): ParsedBackupLog {
  const a = new BackupLogAssembler();
  a.pushText(text);
  return { operations: a.operations(), unparsedLines: a.unparsed };
}
