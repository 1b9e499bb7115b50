/**
 * HANA may start the agent a moment before it creates a pipe. Google's agent retries opening a backup pipe for
 * up to 60 s (file_read_timeout_ms, internal/backint/parse/parse.go OpenFileWithRetries) and opens a restore
 * pipe the same way; here a path that does not exist yet is waited for, bounded, with a clear error after.
 */
import type { Stats } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { errnoCode } from './errno.js';

/** Resolves with the path's stat once it exists; throws after `timeoutMs` naming the path and `setting`. */
export async function awaitPath(file: string, timeoutMs: number, setting: string): Promise<Stats> {
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    try {
      return await stat(file);
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw new Error(`cannot open ${file}: ${errnoCode(e) ?? (e as Error).message}`, { cause: e });
      if (Date.now() >= deadline)
        throw new Error(`${file} did not appear within ${Math.round(timeoutMs / 1000)} s (${setting})`, { cause: e });
      await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
      delay = Math.min(delay * 2, 250);
    }
  }
}
