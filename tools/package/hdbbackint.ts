/**
 * `npm run package`: builds dist/hdbbackint, one file that runs hana-backint on a host without Node. Node's
 * single executable applications (Node >= 20.12): the agent and its channel worker are bundled by esbuild into
 * one CommonJS script, Node turns it into a blob (--experimental-sea-config), and postject injects the blob
 * into a copy of this Node binary.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { inject } from 'postject';

/** The repository: this module runs compiled, from dist/tools/package/. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Pinned: the installer and the README name this path. */
export const EXECUTABLE = path.join(ROOT, 'dist', 'hdbbackint');
const SENTINEL = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

async function bundle(entry: string, define: Record<string, string> = {}): Promise<string> {
  const r = await build({
    entryPoints: [path.join(ROOT, entry)],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    write: false,
    minify: true,
    legalComments: 'none',
    logLevel: 'error',
    define,
  });
  return r.outputFiles[0]!.text;
}

export async function packageExecutable(output = EXECUTABLE): Promise<string> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'hdbbackint-'));
  try {
    const worker = await bundle('src/backint/channel/worker.ts');
    const main = await bundle('tools/package/sea-entry.ts', {
      HANA_BACKINT_WORKER_SOURCE: JSON.stringify(worker),
      HANA_BACKINT_SINGLE_EXECUTABLE: 'true',
    });
    const script = path.join(work, 'hdbbackint.cjs');
    const blob = path.join(work, 'hdbbackint.blob');
    writeFileSync(script, main);
    const config = { main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache: false };
    writeFileSync(path.join(work, 'sea-config.json'), JSON.stringify(config));
    execFileSync(process.execPath, ['--experimental-sea-config', path.join(work, 'sea-config.json')], { stdio: 'pipe' });
    rmSync(output, { force: true });
    copyFileSync(process.execPath, output);
    chmodSync(output, 0o755);
    await inject(output, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SENTINEL });
    return output;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  // An optional argument puts the executable elsewhere (the tests build into a temporary directory).
  packageExecutable(process.argv[2] ? path.resolve(process.argv[2]) : EXECUTABLE).then(
    (file) => process.stdout.write(`${file}\n`),
    (e: unknown) => {
      process.stderr.write(`package: ${(e as Error).message}\n`);
      process.exitCode = 1;
    },
  );
}
