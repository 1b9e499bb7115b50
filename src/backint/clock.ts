/** The agent's notion of "now": real time plus the offset in ClockFile (the simulator's driven clock). */
import { readFileSync } from 'node:fs';

export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/**
 * Reads `{"offsetMs": n}` at every call so a clock moved while we run is honoured. A driven clock that stands
 * still (`{"driven": true, "frozenMs": t}`) is exactly t: real time plus an offset rewritten now and then would
 * let two calls of one invocation disagree about whether a log backup is visible yet.
 */
export function fileClock(file: string): Clock {
  return () => {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`ClockFile ${file} is unreadable: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, {
        cause: e,
      });
    }
    const d = doc as { offsetMs?: unknown; driven?: unknown; frozenMs?: unknown } | null;
    if (d?.driven === true && typeof d.frozenMs === 'number' && Number.isFinite(d.frozenMs)) return d.frozenMs;
    const offset = d?.offsetMs;
    if (typeof offset !== 'number' || !Number.isFinite(offset)) throw new Error(`ClockFile ${file} has no numeric offsetMs`);
    return Date.now() + offset;
  };
}
