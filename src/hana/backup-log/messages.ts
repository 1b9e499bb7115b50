/** The backup.log messages we read (docs/reference/hana-recovery.md §4.3, §4.5), as typed matchers. */
import { backupLogTimeToUtc, parseHanaTimestamp, type UtcIso } from '../time.js';

export const RECOVER_STARTED = /^RECOVER DATA started(?: \[(\d+)\])?\s*$/;
const FINISHED_OK = /^(?:[A-Z][A-Z ]*?) finished successfully\b/;
const FINISHED_ERROR = /^(?:[A-Z][A-Z ]*?) finished with error: \[(-?\d+)\]/;
const REACHED_TS = /reached timestamp ([^,\s]+)/;
const REACHED_POS = /reached log position ([^,\s]+)/;
const COMMAND = /^command: (.*)$/;
const UNTIL = /UNTIL\s+TIMESTAMP\s+'([^']+)'/i;
const PROGRESS = /^progress of service: ([^,]+), ([^,]+), volume: (\d+), (\d+)% (\d+)\/(\d+)\s*$/;
const STATE = /^state of service: ([^,]+), ([^,]+), volume: (\d+), (\w+)\s*$/;
const LOG_BACKUP_DONE_STATES = new Set(['BackupLogSuccess', 'BackupExecuteCatalogBackupFinished']);
const LOG_BACKUP_ERROR_STATES = new Set(['BackupLogError', 'BackupLogFailed', 'BackupExecuteCatalogBackupError']);

export interface Finish {
  outcome: 'success' | 'error';
  errorCode: number | null;
}

/** Is this message the end of an operation? `stateEnds` lets log backups end on their final state lines. */
export function finishOf(message: string, stateEnds: boolean): Finish | null {
  if (FINISHED_OK.test(message)) return { outcome: 'success', errorCode: null };
  const e = FINISHED_ERROR.exec(message);
  if (e) return { outcome: 'error', errorCode: Number(e[1]) };
  if (stateEnds) {
    const s = stateOf(message);
    if (s && LOG_BACKUP_DONE_STATES.has(s.state)) return { outcome: 'success', errorCode: null };
    if (s && LOG_BACKUP_ERROR_STATES.has(s.state)) return { outcome: 'error', errorCode: null };
  }
  return null;
}

export function reachedTimestampOf(message: string): UtcIso | null {
  const m = REACHED_TS.exec(message);
  return m ? backupLogTimeToUtc(m[1]!) : null;
}

/** Digits only; anonymised ("<>") or absent positions are null. */
export function reachedLogPositionOf(message: string): string | null {
  const m = REACHED_POS.exec(message);
  return m && /^\d+$/.test(m[1]!) ? m[1]! : null;
}

export function commandOf(message: string): string | null {
  const m = COMMAND.exec(message);
  return m ? m[1]!.trimEnd() : null;
}

/** UNTIL TIMESTAMP '<t>' of a RECOVER command, read as UTC (HANA's literal is UTC). */
export function requestedTimestampOf(command: string): UtcIso | null {
  const m = UNTIL.exec(command);
  return m ? parseHanaTimestamp(m[1]!) : null;
}

export interface ServiceProgress {
  service: string;
  hostPort: string;
  volume: number;
  percent: number;
  done: number;
  total: number;
}

export function progressOf(message: string): ServiceProgress | null {
  const m = PROGRESS.exec(message);
  if (!m) return null;
  return { service: m[1]!, hostPort: m[2]!, volume: Number(m[3]), percent: Number(m[4]), done: Number(m[5]), total: Number(m[6]) };
}

export interface ServiceState {
  service: string;
  hostPort: string;
  volume: number;
  state: string;
}

export function stateOf(message: string): ServiceState | null {
  const m = STATE.exec(message);
  return m ? { service: m[1]!, hostPort: m[2]!, volume: Number(m[3]), state: m[4]! } : null;
}
