/**
 * Runs the configured hdbbackint exactly as HANA does (docs/reference/backint.md §1–2, §9 "Simulator"): mkstemp-style
 * input and output files, `#SOFTWAREID` first, one FIFO per object, the observed option order, the
 * backint_response_timeout, the trace in backint.log, and HANA's 110507 text quoting the console output.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseLines, quote, type Line } from '../../src/backint/grammar.js';
import { FifoReader, mkfifo, writeToFifo } from './fifo.js';
import { backintTraceTime } from './time-format.js';

export interface BackintContext {
  /** /usr/sap/<SID>/SYS/global/hdb/opt/hdbbackint under the root. */
  executable: string;
  /** -p; HANA leaves it out when global.ini names no parameter file. */
  parameterFile: string | undefined;
  tmpDir: string;
  sid: string;
  /** `#SOFTWAREID "<interface>" "<hana id>"` */
  interfaceVersion: string;
  hanaSoftwareId: string;
  responseTimeoutS: number;
  /** backint.log of the database the operation belongs to. */
  traceFile: string;
  utcOffset: string;
  now: () => number;
  /** Fault: real ms HANA pauses halfway through each backup stream (faults.ts backupStreamPauseMs). */
  streamPauseMs?: number;
}

/** A failure HANA reports with an exception number and text (e.g. 110507). */
export class BackintFailure extends Error {
  constructor(
    readonly code: number,
    readonly hanaText: string,
  ) {
    super(`[${code}] ${hanaText}`);
    this.name = 'BackintFailure';
  }
}

export interface BackintRun {
  exitCode: number | null;
  output: Line[];
  console: string;
}

function mkstemp(dir: string, sid: string): string {
  mkdirSync(dir, { recursive: true });
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  for (;;) {
    const suffix = Array.from(randomBytes(6), (b) => alphabet[b % alphabet.length]).join('');
    const file = join(dir, `hdbbackint_${sid}.${suffix}`);
    try {
      closeSync(openSync(file, 'wx', 0o600));
      return file;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

function indent(lines: string[]): string {
  return lines.map((l) => `  ${l}\n`).join('');
}

/**
 * One hdbbackint invocation. `whileRunning` gets a predicate "has the agent exited" and does the pipe
 * work (writing or reading FIFOs) concurrently with the agent.
 */
export async function invokeBackint(
  ctx: BackintContext,
  opts: {
    fn: 'backup' | 'restore' | 'inquire' | 'delete';
    user: string;
    backupId?: number;
    count?: number;
    level?: string;
    objectLines: string[];
  },
  whileRunning: (gone: () => boolean) => Promise<void> = async () => undefined,
): Promise<BackintRun> {
  const input = mkstemp(ctx.tmpDir, ctx.sid);
  const output = mkstemp(ctx.tmpDir, ctx.sid);
  const inputLines = [`#SOFTWAREID ${quote(ctx.interfaceVersion)} ${quote(ctx.hanaSoftwareId)}`, ...opts.objectLines];
  writeFileSync(input, inputLines.join('\n') + '\n');
  const args = ['-f', opts.fn, ...(ctx.parameterFile ? ['-p', ctx.parameterFile] : []), '-i', input, '-o', output, '-u', opts.user];
  if (opts.backupId !== undefined) args.push('-s', String(opts.backupId));
  if (opts.count !== undefined) args.push('-c', String(opts.count));
  if (opts.level !== undefined) args.push('-l', opts.level);
  mkdirSync(dirname(ctx.traceFile), { recursive: true });

  const { exitCode, consoleText, timedOut, pid } = await runAgent(ctx, args, inputLines, whileRunning);
  const outText = readOutput(output);
  rmSync(input, { force: true });
  rmSync(output, { force: true });
  let parsed: Line[];
  try {
    parsed = parseLines(outText);
  } catch {
    parsed = [];
  }
  const consoleOneLine = consoleText.replace(/\s+/g, ' ').trim();
  const exception = timedOut
    ? `${TIMEOUT_AT}\n      ${timeoutText(ctx)}`
    : exitCode !== 0
      ? `${EXIT_AT}\n      ${exitText(exitCode, consoleOneLine)}`
      : undefined;
  traceTermination(ctx, pid, exitCode, outText, exception);
  if (timedOut) throw new BackintFailure(110512, timeoutText(ctx));
  return { exitCode, output: parsed, console: consoleOneLine };
}

function timeoutText(ctx: BackintContext): string {
  return `Backint did not respond within ${ctx.responseTimeoutS} seconds (backint_response_timeout); hdbbackint was killed`;
}

/** Runs the agent, killed after backint_response_timeout, while `whileRunning` does the pipe work. */
async function runAgent(
  ctx: BackintContext,
  args: string[],
  inputLines: string[],
  whileRunning: (gone: () => boolean) => Promise<void>,
): Promise<{ exitCode: number | null; consoleText: string; timedOut: boolean; pid: number }> {
  let exited = false;
  let consoleText = '';
  let timedOut = false;
  const child = spawn(ctx.executable, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  appendFileSync(
    ctx.traceFile,
    `${backintTraceTime(ctx.now(), ctx.utcOffset)} backint started:\n` +
      indent([`command: ${ctx.executable} ${args.join(' ')}`, `pid: ${child.pid ?? 0}`, 'input:', ...inputLines]),
  );
  child.stdout!.on('data', (d: Buffer) => (consoleText += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (consoleText += d.toString()));
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, ctx.responseTimeoutS * 1000);
  const exit = new Promise<number | null>((resolve) => {
    child.on('error', (err) => {
      consoleText += err.message;
      exited = true;
      resolve(null);
    });
    child.on('close', (code) => {
      exited = true;
      resolve(code);
    });
  });
  const work = whileRunning(() => exited);
  const exitCode = await exit;
  clearTimeout(timer);
  await work;
  return { exitCode, consoleText, timedOut, pid: child.pid ?? 0 };
}

function readOutput(output: string): string {
  try {
    return readFileSync(output, 'utf8');
  } catch {
    return ''; // the agent may have removed it; HANA then sees no result lines
  }
}

/** backint.log's "terminated" entry, with the exception HANA records for a timeout or a non-zero exit. */
// Where HANA's backint.log says the exception was raised.
const TIMEOUT_AT = 'no.110512  (Backup/Destination/Backint/impl/BackupDestBackint_Executor.cpp:312)';
const EXIT_AT = 'no.110507  (Backup/Destination/Backint/impl/BackupDestBackint_Executor.cpp:250)';

function traceTermination(ctx: BackintContext, pid: number, exitCode: number | null, outText: string, exception?: string): void {
  const outLines = outText.split('\n').filter((l) => l.length > 0);
  appendFileSync(
    ctx.traceFile,
    `${backintTraceTime(ctx.now(), ctx.utcOffset)} backint terminated:\n` +
      indent([`pid: ${pid}`, `exit code: ${exitCode ?? -1}`, 'output:', ...outLines]) +
      (exception ? `  exception:\n  exception  1: ${exception}\n` : ''),
  );
}

export function exitText(exitCode: number | null, consoleText: string): string {
  return `Backint exited with exit code ${exitCode ?? -1} instead of 0. console output: ${consoleText}`;
}

/** The result line for `path` (by decoded value of the path parameter), if any. */
function resultFor(out: Line[], path: string, pathIndex: number): Line | undefined {
  return out.find((l) => l.keyword !== '#SOFTWAREID' && l.params[pathIndex]?.value === path);
}

export interface SavedObject {
  path: string;
  ebid: string;
  bytes: number;
}

/** BACKUP: one FIFO per object at its destination path; HANA writes, the agent reads. */
export async function backupObjects(
  ctx: BackintContext,
  user: string,
  backupId: number,
  level: string,
  objects: { path: string; data: Buffer }[],
  count = objects.length,
): Promise<SavedObject[]> {
  for (const o of objects) {
    mkdirSync(dirname(o.path), { recursive: true });
    mkfifo(o.path);
  }
  try {
    const run = await invokeBackint(
      ctx,
      { fn: 'backup', user, backupId, count, level, objectLines: objects.map((o) => `#PIPE ${quote(o.path)}`) },
      async (gone) => {
        await Promise.all(objects.map((o) => writeToFifo(o.path, o.data, gone, ctx.streamPauseMs ?? 0)));
      },
    );
    if (run.exitCode !== 0) throw new BackintFailure(110507, exitText(run.exitCode, run.console));
    return objects.map((o) => {
      const line = run.output.find((l) => l.keyword === '#SAVED' && l.params[1]?.value === o.path);
      if (!line) {
        const err = resultFor(run.output, o.path, 0);
        throw new BackintFailure(110203, `Backint reported ${err ? err.keyword : 'no result'} for ${o.path}`);
      }
      return { path: o.path, ebid: line.params[0]!.value, bytes: Number(line.params[2]?.value ?? o.data.length) };
    });
  } finally {
    for (const o of objects) rmSync(o.path, { force: true });
  }
}

export type RestoreResult = { status: 'restored'; data: Buffer; ebid: string } | { status: 'notfound' } | { status: 'error' };

/**
 * RESTORE into FIFOs HANA creates under `pipeDir` (passed as the destination, so a copy can read the
 * source system's object names). Returns per object; the whole call throws only when the agent failed
 * for another reason than objects not found.
 */
export async function restoreObjects(
  ctx: BackintContext,
  user: string,
  pipeDir: string,
  objects: { path: string; ebid?: string }[],
): Promise<RestoreResult[]> {
  mkdirSync(pipeDir, { recursive: true });
  const dests = objects.map((_, i) => join(pipeDir, `restore_${process.pid}_${Date.now()}_${i}`));
  const readers: FifoReader[] = [];
  try {
    for (const d of dests) {
      mkfifo(d);
      readers.push(new FifoReader(d));
    }
    const lines = objects.map((o, i) =>
      o.ebid ? `#EBID ${quote(o.ebid)} ${quote(o.path)} ${quote(dests[i]!)}` : `#NULL ${quote(o.path)} ${quote(dests[i]!)}`,
    );
    const run = await invokeBackint(ctx, { fn: 'restore', user, objectLines: lines }, async (gone) => {
      while (!gone()) await new Promise((r) => setTimeout(r, 20));
      for (const r of readers) r.release();
    });
    const datas = await Promise.all(readers.map((r) => r.done));
    const results: RestoreResult[] = objects.map((o, i) => {
      const line = run.output.find(
        (l) => l.keyword !== '#SOFTWAREID' && l.params[l.keyword === '#RESTORED' ? 1 : 0]?.value === o.path,
      );
      if (line?.keyword === '#RESTORED') return { status: 'restored', data: datas[i]!, ebid: line.params[0]!.value };
      if (line?.keyword === '#NOTFOUND') return { status: 'notfound' };
      return { status: 'error' };
    });
    const onlyNotFound = results.every((r) => r.status !== 'error');
    if (run.exitCode !== 0 && !onlyNotFound) throw new BackintFailure(110507, exitText(run.exitCode, run.console));
    return results;
  } finally {
    for (const d of dests) rmSync(d, { force: true });
  }
}

/** INQUIRE `#EBID "<ebid>" <path>` per object: true when the agent lists it. */
export async function inquireObjects(
  ctx: BackintContext,
  user: string,
  objects: { path: string; ebid: string }[],
): Promise<boolean[]> {
  if (!objects.length) return [];
  const run = await invokeBackint(ctx, {
    fn: 'inquire',
    user,
    objectLines: objects.map((o) => `#EBID ${quote(o.ebid)} ${quote(o.path)}`),
  });
  if (run.exitCode !== 0) throw new BackintFailure(110507, exitText(run.exitCode, run.console));
  return objects.map((o) =>
    run.output.some((l) => l.keyword === '#BACKUP' && l.params[0]?.value === o.ebid && l.params[1]?.value === o.path),
  );
}

/** INQUIRE `#NULL <path>`: every version, newest first as the agent lists them. */
export async function inquireVersions(ctx: BackintContext, user: string, path: string): Promise<string[]> {
  const run = await invokeBackint(ctx, { fn: 'inquire', user, objectLines: [`#NULL ${quote(path)}`] });
  if (run.exitCode !== 0) throw new BackintFailure(110507, exitText(run.exitCode, run.console));
  return run.output.filter((l) => l.keyword === '#BACKUP' && l.params[1]?.value === path).map((l) => l.params[0]!.value);
}

/** DELETE `#EBID "<ebid>" <path>`. */
export async function deleteObject(ctx: BackintContext, user: string, path: string, ebid: string): Promise<string> {
  const run = await invokeBackint(ctx, { fn: 'delete', user, objectLines: [`#EBID ${quote(ebid)} ${quote(path)}`] });
  const line = run.output.find((l) => l.keyword !== '#SOFTWAREID');
  return line?.keyword ?? `exit ${run.exitCode}: ${run.console}`;
}
