/** Agent log: appended lines in LogFile (never stdout, which may be HANA's output file). */
import { appendFileSync } from 'node:fs';
import type { Params } from './params.js';

const LEVELS = { error: 0, warn: 1, info: 2, debug: 3 } as const;
type Level = keyof typeof LEVELS;

export interface Logger {
  error(msg: string): void;
  warn(msg: string): void;
  info(msg: string): void;
  debug(msg: string): void;
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };

/** Synchronous appends: lines are few, and a killed agent must not lose the last ones. */
export function fileLogger(file: string, level: Params['LogLevel'], tag: string): Logger {
  const emit = (l: Level) => (msg: string) => {
    if (LEVELS[l] > LEVELS[level]) return;
    try {
      appendFileSync(file, `${new Date().toISOString()} ${l.toUpperCase()} [${tag}] ${msg}\n`);
    } catch {
      // Logging must never fail a backup.
    }
  };
  return { error: emit('error'), warn: emit('warn'), info: emit('info'), debug: emit('debug') };
}
