/** Runs the real agent (bin/hana-backint.js → dist) the way HANA does, with files and named pipes. */
import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT } from './s3rver.js';

export const AGENT_BIN = path.join(REPO_ROOT, 'bin/hana-backint.js');

export interface AgentResult {
  readonly exitCode: number;
  readonly output: string[];
  readonly stderr: string;
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export async function mkfifo(file: string): Promise<void> {
  await execa('mkfifo', [file]);
}

/** Writes params as YAML lines (values JSON-quoted, which YAML reads as strings/numbers/booleans). */
export async function writeParams(file: string, params: Record<string, unknown>): Promise<string> {
  await writeFile(
    file,
    Object.entries(params)
      .map(([k, v]) => `${k}: ${JSON.stringify(v)}`)
      .join('\n') + '\n',
  );
  return file;
}

/** One invocation with -i/-o files in `dir`; input lines are written verbatim. */
export async function runAgent(
  dir: string,
  args: { fn: string; paramFile: string; user: string; lines: string[]; extra?: string[]; env?: Record<string, string> },
): Promise<AgentResult> {
  const inFile = path.join(dir, `in.${args.fn}.${process.hrtime.bigint()}`);
  const outFile = `${inFile}.out`;
  await writeFile(inFile, args.lines.map((l) => `${l}\n`).join(''));
  await writeFile(outFile, '');
  const r = await execa(
    process.execPath,
    [AGENT_BIN, '-f', args.fn, '-p', args.paramFile, '-i', inFile, '-o', outFile, '-u', args.user, ...(args.extra ?? [])],
    {
      reject: false,
      env: args.env,
    },
  );
  const output = (await readFile(outFile, 'utf8')).split('\n').filter((l) => l !== '');
  return { exitCode: r.exitCode ?? -1, output, stderr: String(r.stderr) };
}

/** Feeds a file into a FIFO (the HANA side of a backup), in its own process as HANA would. */
export async function feedFifo(fifo: string, source: string): Promise<void> {
  await execa('sh', ['-c', 'cat "$1" > "$2"', 'sh', source, fifo]);
}

/** Drains a FIFO into a file (the HANA side of a restore). */
export async function drainFifo(fifo: string, target: string): Promise<void> {
  await execa('sh', ['-c', 'cat "$1" > "$2"', 'sh', fifo, target]);
}
