/**
 * `npm run bench -- [--json] [--quick]`: imports every *.bench.js beside this file and runs its
 * `benchmarks({ quick })`, in file-name order, one after the other (they measure wall-clock time).
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  goal: string;
  ok: boolean;
}

/** Median of a non-empty list (the upper one of an even count). */
export const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

type BenchModule = { benchmarks(opts: { quick: boolean }): Promise<BenchResult[]> };

function table(results: readonly BenchResult[]): string {
  const rows = [
    ['benchmark', 'value', 'unit', 'goal', 'ok'],
    ...results.map((r) => [r.name, String(r.value), r.unit, r.goal, r.ok ? 'yes' : 'NO']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ')).join('\n');
}

export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const quick = argv.includes('--quick');
  const unknown = argv.filter((a) => a !== '--json' && a !== '--quick');
  if (unknown.length) {
    process.stderr.write(`bench: unknown argument ${unknown[0]} (use --json and/or --quick)\n`);
    return 2;
  }
  const dir = path.dirname(fileURLToPath(import.meta.url));
  const files = (await readdir(dir)).filter((f) => f.endsWith('.bench.js')).sort();
  const results: BenchResult[] = [];
  let failed = false;
  for (const f of files) {
    if (!json) process.stderr.write(`running ${f}${quick ? ' (quick)' : ''}...\n`);
    try {
      const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as BenchModule;
      results.push(...(await mod.benchmarks({ quick })));
    } catch (e) {
      failed = true;
      process.stderr.write(`bench: ${f} failed: ${(e as Error).stack ?? e}\n`);
    }
  }
  process.stdout.write(json ? `${JSON.stringify({ results })}\n` : `${table(results)}\n`);
  return failed ? 1 : 0;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
