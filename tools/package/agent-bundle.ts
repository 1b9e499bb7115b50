/**
 * Part of `npm run build`: bundles hana-backint into dist/agent/ (bin/hana-backint.js runs it). HANA starts the agent
 * for every backup, restore, inquire and delete, and the simulator does the same; from tsc's output each start
 * resolved and compiled a hundred modules. The bundle is ESM with code splitting, so what only `install` needs is
 * loaded only then; the channel worker is its own entry, beside the chunks, where spawn.ts looks for it.
 *
 * Like tsc's incremental build it rewrites nothing when no input changed: CI runs npm pack's build beside the tests,
 * which start the agent from this directory.
 */
import { existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The repository: this module runs compiled, from dist/tools/package/. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const AGENT_DIR = path.join(ROOT, 'dist', 'agent');
/** The bundle's inputs (relative to ROOT), written last: its mtime is the bundle's. */
const INPUTS = '.inputs.json';

function upToDate(outdir: string): boolean {
  const stamp = path.join(outdir, INPUTS);
  if (!existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  const inputs = [...(JSON.parse(readFileSync(stamp, 'utf8')) as string[]), 'package-lock.json'];
  return inputs.every((f) => existsSync(path.join(ROOT, f)) && statSync(path.join(ROOT, f)).mtimeMs < built);
}

export async function bundleAgent(outdir = AGENT_DIR): Promise<void> {
  if (upToDate(outdir)) return;
  const work = `${outdir}.tmp`;
  rmSync(work, { recursive: true, force: true });
  const r = await build({
    entryPoints: {
      'hana-backint': path.join(ROOT, 'src/backint/cli.ts'),
      worker: path.join(ROOT, 'src/backint/channel/worker.ts'),
    },
    outdir: work,
    bundle: true,
    splitting: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    metafile: true,
    // CommonJS dependencies call require(); ESM output has none unless given one.
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    // The installer's wrapper execs bin/hana-backint.js, two levels up from dist/agent/.
    define: { HANA_BACKINT_BIN_FROM_MODULE: JSON.stringify('../../bin/hana-backint.js') },
  });
  const inputs = Object.keys(r.metafile.inputs).map((f) => path.relative(ROOT, path.resolve(f)));
  writeFileSync(path.join(work, INPUTS), JSON.stringify(inputs));
  rmSync(outdir, { recursive: true, force: true });
  renameSync(work, outdir);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  bundleAgent().catch((e: unknown) => {
    process.stderr.write(`agent bundle: ${(e as Error).message}\n`);
    process.exitCode = 1;
  });
}
