/** What every function (backup, restore, inquire, delete) receives besides its input lines. */
import type { Clock } from '../clock.js';
import type { Logger } from '../log.js';
import type { Params } from '../params.js';

/** Receives result lines as soon as each is known. */
export interface Output {
  line(text: string): void;
}

export interface FunctionOptions {
  readonly user: string;
  readonly params: Params;
  readonly clock: Clock;
  readonly log: Logger;
  /** HANA's #SOFTWAREID fields (interface version, software id), when it sent them. */
  readonly softwareId?: readonly [string, string?];
  /** Backint interface version HANA speaks, e.g. [1, 50]. */
  readonly version?: readonly number[];
}

/** One result per object line; `ok` feeds the exit code, `reason` the stderr summary. */
export interface Outcome {
  readonly ok: boolean;
  readonly result: string;
  readonly reason?: string;
}

/** Runs `work` for each item, starting them strictly in input order, at most `limit` at a time. */
export async function inOrderPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const runner = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, runner));
  return results;
}

export function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
