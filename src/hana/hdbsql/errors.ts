/**
 * hdbsql reports errors on stderr as `* <code>: <text> SQLSTATE: <state>` (docs/reference/hana-recovery.md §2.3). The exit
 * code cannot be trusted alone (rc 0 with `* 10: authentication failed` in stderr, community.sap_libs #51), so
 * stderr is always scanned, whatever the exit code.
 */
import { constants } from 'node:os';

export class HdbsqlError extends Error {
  readonly code: number;
  readonly text: string;
  readonly sqlState: string | null;
  /** The whole stderr (never holds secrets: hdbsql gets only a key name). */
  readonly stderr: string;
  readonly exitCode: number | null;
  constructor(code: number, text: string, sqlState: string | null, stderr: string, exitCode: number | null) {
    super(`HANA error ${code}: ${text}${sqlState ? ` (SQLSTATE ${sqlState})` : ''}`);
    this.name = 'HdbsqlError';
    this.code = code;
    this.text = text;
    this.sqlState = sqlState;
    this.stderr = stderr;
    this.exitCode = exitCode;
  }
}

export interface HdbsqlErrorLine {
  code: number;
  text: string;
  sqlState: string | null;
}

const ERROR_LINE = /^\* (-?\d+): (.*)$/;
const SQLSTATE = /\s*SQLSTATE: (\w+)\s*$/;

/** Every `* <code>: …` error in stderr; lines that follow an error line and are not one continue its text. */
export function parseHdbsqlErrors(stderr: string): HdbsqlErrorLine[] {
  const errors: HdbsqlErrorLine[] = [];
  for (const raw of stderr.replace(/\r\n/g, '\n').split('\n')) {
    const line = raw.trimEnd();
    const m = ERROR_LINE.exec(line);
    if (m) {
      errors.push({ code: Number(m[1]), text: m[2]!, sqlState: null });
    } else if (errors.length > 0 && line.trim() !== '') {
      errors[errors.length - 1]!.text += ` ${line.trim()}`;
    }
  }
  for (const e of errors) {
    const s = SQLSTATE.exec(e.text);
    if (s) {
      e.sqlState = s[1]!;
      e.text = e.text.slice(0, s.index).trimEnd();
    }
  }
  return errors;
}

/**
 * The verdict on one hdbsql call: the first `* <code>:` error in stderr, or — when stderr has none but the exit
 * code is non-zero — an error carrying the exit code and stderr as they are. Null when the call succeeded.
 */
export function hdbsqlFailure(exitCode: number | null, stderr: string): HdbsqlError | null {
  const [first] = parseHdbsqlErrors(stderr);
  if (first) return new HdbsqlError(first.code, first.text, first.sqlState, stderr, exitCode);
  if (exitCode !== 0) {
    const text = stderr.trim() || silentExit(exitCode);
    return new HdbsqlError(-1, text, null, stderr, exitCode);
  }
  return null;
}

/** Why hdbsql ended without a word: a signal (exit code 128 + n, as the shell reports it) or an exit code. */
function silentExit(exitCode: number | null): string {
  if (exitCode !== null && exitCode > 128 && exitCode < 128 + 65) {
    const n = exitCode - 128;
    const name = Object.entries(constants.signals).find(([, v]) => v === n)?.[0];
    return (
      `hdbsql was killed by ${name ?? `signal ${n}`} (exit code ${exitCode}) before it printed a result; ` +
      'whether HANA ran the statement is not known from the client'
    );
  }
  return `hdbsql ended with exit code ${exitCode ?? 'unknown'} without printing an error or a result`;
}
