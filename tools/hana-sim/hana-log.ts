/**
 * backup.log in HANA's format (docs/reference/hana-recovery.md §4.2): local time with the host's offset, two spaces,
 * P<pid> (7 digits), six spaces, the operation id (start epoch ms, hex, 11 digits), severity padded to 8,
 * component padded to 9, message. Files are only ever appended to.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { isoLocal } from './time-format.js';

export type Severity = 'INFO' | 'WARNING' | 'ERROR';
export type Component = 'BACKUP' | 'LOGBCKUP' | 'RECOVERY';

export function operationIdHex(id: number): string {
  return id.toString(16).padStart(11, '0');
}

export function backupLogLine(
  atMs: number,
  offset: string,
  pid: number,
  opId: number,
  sev: Severity,
  comp: Component,
  message: string,
): string {
  const proc = `P${String(pid % 10_000_000).padStart(7, '0')}`;
  return `${isoLocal(atMs, offset)}  ${proc}      ${operationIdHex(opId)} ${sev.padEnd(7)} ${comp.padEnd(8)} ${message}`;
}

/** Appends lines to one backup.log, timestamped by the simulated clock at the moment of writing. */
export class BackupLog {
  constructor(
    readonly file: string,
    private readonly offset: string,
    private readonly now: () => number,
    private readonly pid: number = process.pid,
  ) {
    mkdirSync(dirname(file), { recursive: true });
  }

  write(opId: number, sev: Severity, comp: Component, message: string): void {
    appendFileSync(this.file, backupLogLine(this.now(), this.offset, this.pid, opId, sev, comp, message) + '\n');
  }
}
