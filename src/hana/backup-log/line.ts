/**
 * One backup.log line. Real copies differ (docs/reference/hana-recovery.md §4.2, §5.11): padding or single spaces between
 * fields, the process id anonymised as "............", fields 1–3 dropped in quoted excerpts, host names replaced
 * by "Hostname" or "<>". So the line is tokenised on whitespace and the header is found by its shape, never by
 * column; the message keeps its original spacing (commands are echoed as typed).
 */
import { backupLogTimeToUtc, type UtcIso } from '../time.js';

export interface BackupLogLine {
  /** 1-based line number in what was parsed (for messages that name the line). */
  lineNo: number;
  /** The line's time in UTC; null when the line has none. */
  at: UtcIso | null;
  /** The time as printed, host-local with offset. */
  localTime: string | null;
  process: string | null;
  /** Lower-case hex, or null when absent or anonymised. */
  operationId: string | null;
  severity: string | null;
  component: string | null;
  message: string;
}

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2}|Z)$/;
const SEVERITIES = new Set(['INFO', 'WARNING', 'WARN', 'ERROR', 'FATAL', 'DEBUG']);
const COMPONENT = /^[A-Z][A-Z0-9_]{1,15}$/;
const HEX_ID = /^[0-9a-f]{1,16}$/;
/** Messages recognised even when a copy dropped every header field including severity and component. */
const BARE_MESSAGE =
  /^(RECOVER DATA |SAVE DATA |SNAPSHOT |command: |progress of service: |state of service: |using backup catalog )/;

interface Token {
  text: string;
  start: number;
}

function tokens(line: string, max: number): Token[] {
  const out: Token[] = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while (out.length < max && (m = re.exec(line))) out.push({ text: m[0], start: m.index });
  return out;
}

/** Parse one line; null when it is blank or nothing in it looks like a backup.log entry. */
export function parseBackupLogLine(raw: string, lineNo: number): BackupLogLine | null {
  const line = raw.replace(/\r$/, '').trimEnd();
  if (line.trim() === '') return null;
  const toks = tokens(line, 7);
  let i = 0;
  let localTime: string | null = null;
  if (toks[0] && TIME.test(toks[0].text)) {
    localTime = toks[0].text;
    i = 1;
  }

  // Severity + component follow at most two header tokens (process, operation id).
  let k = -1;
  for (let j = i; j <= i + 2 && j + 1 < toks.length; j++) {
    if (SEVERITIES.has(toks[j]!.text) && COMPONENT.test(toks[j + 1]!.text)) {
      k = j;
      break;
    }
  }
  const at = localTime ? backupLogTimeToUtc(localTime) : null;
  if (k === -1) {
    const rest = toks[i] ? line.slice(toks[i]!.start) : '';
    if (!BARE_MESSAGE.test(rest)) return null;
    return { lineNo, at, localTime, process: null, operationId: null, severity: null, component: null, message: rest };
  }
  const header = toks.slice(i, k).map((t) => t.text);
  let process: string | null = null;
  let operationId: string | null = null;
  if (header.length === 2) {
    process = header[0]!;
    operationId = header[1]!;
  } else if (header.length === 1) {
    if (HEX_ID.test(header[0]!)) operationId = header[0]!;
    else process = header[0]!;
  }
  if (operationId !== null && !HEX_ID.test(operationId)) operationId = null; // anonymised
  const msgTok = toks[k + 2];
  const message = msgTok ? line.slice(msgTok.start) : '';
  return { lineNo, at, localTime, process, operationId, severity: toks[k]!.text, component: toks[k + 1]!.text, message };
}
