/** Agent log: appended lines in LogFile (never stdout, which may be HANA's output file), rotated by size. */
import { appendFileSync, renameSync, rmSync, statSync } from 'node:fs';
import type { Params } from './params.js';

const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 } as const;
type Level = keyof typeof LEVELS;

export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
}

export interface Rotation {
  /** Bytes at which the file is rotated; 0 never. */
  readonly maxBytes: number;
  /** Rotated files kept: <file>.1 (newest) .. <file>.<keep>. */
  readonly keep: number;
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };

export function rotation(p: Pick<Params, 'LogFileMaxMiB' | 'LogFileKeep'>): Rotation {
  return { maxBytes: p.LogFileMaxMiB * 1024 * 1024, keep: p.LogFileKeep };
}

function size(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

/**
 * Shifts <file>.n up and renames <file> to <file>.1. Several agents (one per HANA service) may append to one
 * log at once: a rename that lost the race to another agent's rotation fails harmlessly.
 */
function rotate(file: string, r: Rotation): void {
  rmSync(`${file}.${r.keep}`, { force: true });
  for (let n = r.keep - 1; n >= 1; n--) {
    try {
      renameSync(`${file}.${n}`, `${file}.${n + 1}`);
    } catch {
      // absent: nothing to shift
    }
  }
  renameSync(file, `${file}.1`);
}

/** Synchronous appends: lines are few, and a killed agent must not lose the last ones. */
export function fileLogger(file: string, level: Params['LogLevel'], tag: string, r?: Rotation): Logger {
  const emit = (l: Level) => (msg: string) => {
    if (LEVELS[l] > LEVELS[level]) return;
    const line = `${new Date().toISOString()} ${l.toUpperCase()} [${tag}] ${msg}\n`;
    try {
      if (r && r.maxBytes > 0 && size(file) + line.length > r.maxBytes) rotate(file, r);
    } catch {
      // A failed rotation only means a longer file.
    }
    try {
      appendFileSync(file, line);
    } catch {
      // Logging must never fail a backup.
    }
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}
