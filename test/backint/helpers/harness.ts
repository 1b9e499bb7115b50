/** In-process harness: the function modules with a real filesystem store and a settable clock. */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FunctionOptions, Outcome } from '../../../src/backint/functions/context.js';
import { backup } from '../../../src/backint/functions/backup.js';
import { deleteObjects } from '../../../src/backint/functions/delete.js';
import { inquire } from '../../../src/backint/functions/inquire.js';
import { restore } from '../../../src/backint/functions/restore.js';
import { readInput, type FunctionName } from '../../../src/backint/input.js';
import { silentLogger } from '../../../src/backint/log.js';
import { validateParams, type Params } from '../../../src/backint/params.js';
import { FilesystemStore } from '../../../src/backint/store/filesystem.js';
import type { ObjectStore } from '../../../src/backint/store/store.js';
import { tempDir } from './agent.js';

const FUNCTIONS = { backup, restore, inquire, delete: deleteObjects };

export interface Harness {
  readonly dir: string;
  readonly root: string;
  store: ObjectStore;
  params: Params;
  now: number;
  run(fn: FunctionName, input: string, user?: string): Promise<{ output: string[]; outcomes: Outcome[] }>;
  /** Creates a regular file under dir with the given content and returns its path. */
  file(name: string, content: string | Buffer): Promise<string>;
  remove(): Promise<void>;
}

export async function fsHarness(extra: Record<string, unknown> = {}): Promise<Harness> {
  const t = await tempDir('backint-harness-');
  const root = path.join(t.dir, 'store');
  await mkdir(root);
  const h: Harness = {
    dir: t.dir,
    root,
    store: new FilesystemStore(root),
    params: validateParams({ FilesystemRoot: root, RestorePipeOpenTimeoutSeconds: 20, ...extra }, 'test.yml'),
    now: Date.UTC(2024, 1, 8, 14, 10, 41, 266),
    async run(fn, text, user = 'ERP@PRD') {
      const input = readInput(fn, text);
      const output: string[] = [];
      const o: FunctionOptions = {
        user,
        params: h.params,
        clock: () => h.now,
        log: silentLogger,
        softwareId: input.softwareId,
        version: input.version,
      };
      const outcomes = await FUNCTIONS[fn](input.objects, { line: (l) => output.push(l) }, h.store, o);
      return { output, outcomes };
    },
    async file(name, content) {
      const f = path.join(t.dir, name);
      await mkdir(path.dirname(f), { recursive: true });
      await writeFile(f, content);
      return f;
    },
    remove: t.remove,
  };
  return h;
}

export const SW150 = '#SOFTWAREID "backint 1.50" "HANA HDB server 2.00.071.00.1687900751"';
export const SW104 = '#SOFTWAREID "backint 1.04" "HANA HDB server 2.00.071.00.1687900751"';

/** `#SAVED "<ebid>" ...` → ebid */
export function ebidOf(line: string): string {
  const m = /^#\w+ "([^"]+)"/.exec(line);
  if (!m) throw new Error(`no EBID in ${line}`);
  return m[1]!;
}
