/** Shared helpers of the simulator tests: run the simulated programs as real processes. */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { LandscapeSystem } from '../../tools/hana-sim/landscape.js';

export const repo = fileURLToPath(new URL('../..', import.meta.url));

export function requireBuild(): void {
  for (const f of ['dist/tools/hana-sim/server-main.js', 'dist/tools/hana-sim/hdbsql-main.js', 'dist/src/backint/cli.js']) {
    if (!existsSync(`${repo}/${f}`)) throw new Error(`${f} is missing: run npx tsc -p tsconfig.build.json first`);
  }
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(file: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

/** hdbsql -U KEY -a -x -j -C "<sql>" (bare values, one row per line). */
export async function query(sys: LandscapeSystem, key: string, sql: string): Promise<string[][]> {
  const r = await run(sys.paths.hdbsql, ['-U', key, '-a', '-x', '-j', '-C', '-F', '|', sql]);
  if (r.code !== 0) throw new Error(`hdbsql failed (${r.code}): ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split('|'));
}

export async function exec(sys: LandscapeSystem, key: string, sql: string): Promise<Run> {
  return run(sys.paths.hdbsql, ['-U', key, '-quiet', '-a', '-x', '-j', sql]);
}

export function lines(file: string): string[] {
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** The recipe regexes of docs/reference/hana-recovery.md §4.5, verbatim. */
export const RECIPE = {
  FULL: /^(?<ts>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?[+-]\d{2}:\d{2})\s+(?<proc>\S+)\s+(?<op>[0-9a-f]+)\s+(?<sev>[A-Z]+)\s+(?<comp>[A-Z]+)\s+(?<msg>.*)$/,
  STARTED: /^RECOVER DATA started(?: \[(?<id>\d+)\])?$/,
  OK: /^RECOVER DATA finished successfully(?:, reached timestamp (?<reached>\S+), reached log position (?<pos>\d+))?$/,
  FAIL: /^RECOVER DATA finished with error: \[(?<code>\d+)\] (?<text>.*)$/,
  CMD: /^command: (?<sql>.*)$/,
  PROGRESS:
    /^progress of service: (?<svc>[^,]+), (?<hostport>[^,]+), volume: (?<vol>\d+), (?<pct>\d+)% (?<done>\d+)\/(?<total>\d+)$/,
  STATE: /^state of service: (?<svc>[^,]+), (?<hostport>[^,]+), volume: (?<vol>\d+), (?<state>\w+)$/,
};

/** The lines of the last recovery operation in a backup.log, parsed. */
export function lastRecovery(file: string): {
  op: string;
  started: string;
  lines: { msg: string; sev: string; ts: string }[];
  ok?: RegExpExecArray;
  fail?: RegExpExecArray;
} {
  const parsed = lines(file).map((l) => RECIPE.FULL.exec(l)!.groups!);
  const starts = parsed.filter((g) => g.comp === 'RECOVERY' && RECIPE.STARTED.test(g.msg!));
  const start = starts[starts.length - 1]!;
  const ops = parsed.filter((g) => g.op === start.op).map((g) => ({ msg: g.msg!, sev: g.sev!, ts: g.ts! }));
  const okLine = ops.find((l) => RECIPE.OK.test(l.msg));
  const failLine = ops.find((l) => RECIPE.FAIL.test(l.msg));
  return {
    op: start.op!,
    started: start.ts!,
    lines: ops,
    ok: okLine ? RECIPE.OK.exec(okLine.msg)! : undefined,
    fail: failLine ? RECIPE.FAIL.exec(failLine.msg)! : undefined,
  };
}
