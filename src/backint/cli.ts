/**
 * `hana-backint`, invoked exactly as HANA invokes hdbbackint:
 *   hana-backint -f backup|restore|inquire|delete -p <param file> [-i <in>] [-o <out>] -u <SID | DB@SID>
 *                [-s <backup id>] [-c <count>] [-l <level>] [-t <type>]      |  hana-backint -v
 * Exit: 0 every object line succeeded; 1 some line failed or the store is unreachable; 2 bad usage,
 * parameter file or input file. The reason goes to stderr in one line (HANA quotes it to the DBA).
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { UserError } from '../sdk/errors.js';
import { liveChannels } from './channel/spawn.js';
import { fileClock, systemClock } from './clock.js';
import type { FunctionOptions, Outcome, Output } from './functions/context.js';
import { backup } from './functions/backup.js';
import { deleteObjects } from './functions/delete.js';
import { inquire } from './functions/inquire.js';
import { restore } from './functions/restore.js';
import { GrammarError, quote } from './grammar.js';
import { readInput, toolParameterFile, type FunctionName } from './input.js';
import { fileLogger, rotation, silentLogger } from './log.js';
import { loadParams } from './params.js';
import { openStore } from './store/open.js';
import type { ObjectStore } from './store/store.js';
import { AGENT_ID, BACKINT_VERSION } from './version.js';

export interface CliOptions {
  fn: FunctionName;
  paramFile: string;
  input?: string;
  output?: string;
  user: string;
  backupId?: string;
  count?: string;
  level?: string;
}

const FUNCTIONS = { backup, restore, inquire, delete: deleteObjects } as const;
const WITH_VALUE = new Set(['-f', '-p', '-i', '-o', '-u', '-s', '-c', '-l', '-t']);
const USAGE =
  'usage: hana-backint -f backup|restore|inquire|delete -p <parameter file> -u <SID|DB@SID> ' +
  '[-i <input>] [-o <output>] [-s <id>] [-c <count>] [-l <level>] | -v';

/** Returns 'version' for -v. Throws UserError on bad usage. */
export function parseArgs(argv: readonly string[]): CliOptions | 'version' {
  const seen = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-v') return 'version';
    if (!WITH_VALUE.has(a)) throw new UserError(`unknown option ${JSON.stringify(a)}`, USAGE);
    const v = argv[++i];
    if (v === undefined) throw new UserError(`option ${a} needs a value`, USAGE);
    seen.set(a, v);
  }
  const fn = seen.get('-f');
  if (!fn) throw new UserError('option -f is required', USAGE);
  if (!(fn in FUNCTIONS)) throw new UserError(`-f ${fn} is not a Backint function`, 'use -f backup, restore, inquire or delete');
  const paramFile = seen.get('-p');
  if (!paramFile) throw new UserError('option -p is required', USAGE);
  const user = seen.get('-u');
  if (!user) throw new UserError('option -u is required', USAGE);
  // The namespace is taken verbatim, as Google's agent does (any -u it is given); only what cannot be one path
  // segment of the store, or is not one or two names joined by @, is refused.
  if (!/^[^\s/@\\]+(@[^\s/@\\]+)?$/.test(user) || /^\.\.?(@|$)|@\.\.?$/.test(user))
    throw new UserError(`-u ${user} is not SID or DB@SID`, 'pass -u <SID> (e.g. HDB) or -u <DATABASE>@<SID> (e.g. ERP@PRD)');
  return {
    fn: fn as FunctionName,
    paramFile,
    user,
    input: seen.get('-i'),
    output: seen.get('-o'),
    backupId: seen.get('-s'),
    count: seen.get('-c'),
    level: seen.get('-l'),
  };
}

function fdOutput(fd: number): Output {
  return { line: (text) => void writeSync(fd, `${text}\n`) };
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

function fail(stderr: (s: string) => void, code: number, message: string, action?: string): number {
  stderr(`hana-backint: ${oneLine(message)}${action ? ` (${oneLine(action)})` : ''}\n`);
  return code;
}

export async function run(argv: readonly string[], stderr: (s: string) => void, stdout: (s: string) => void): Promise<number> {
  let opts: CliOptions | 'version';
  try {
    opts = parseArgs(argv);
  } catch (e) {
    return fail(stderr, 2, (e as Error).message, (e as UserError).action);
  }
  if (opts === 'version') {
    stdout(`#SOFTWAREID ${quote(BACKINT_VERSION)} ${quote(AGENT_ID)}\n`);
    return 0;
  }
  let outFd: number | undefined;
  let store: ObjectStore | undefined;
  try {
    const input = readInput(opts.fn, readFileSync(opts.input ?? 0, 'utf8'));
    const paramFile = toolParameterFile(input.toolOptions) ?? opts.paramFile;
    const { params, warnings } = await loadParams(paramFile);
    const log = params.LogFile
      ? fileLogger(params.LogFile, params.LogLevel, `${process.pid} ${opts.fn} ${opts.user}`, rotation(params))
      : silentLogger;
    // Without a LogFile the one place a warning can go is stderr (HANA quotes it as the agent's console output).
    for (const w of warnings) {
      if (params.LogFile) log.warn(`parameter file ${paramFile}: ${w}`);
      else stderr(`hana-backint: warning: ${w}\n`);
    }
    const extra = `${opts.backupId ? ` -s ${opts.backupId}` : ''}${opts.level ? ` -l ${opts.level}` : ''}`;
    log.info(`start -f ${opts.fn} -u ${opts.user}${extra}: ${input.objects.length} object line(s)`);
    if (paramFile !== opts.paramFile) log.info(`parameter file ${paramFile} from #TOOLOPTION instead of -p`);
    for (const t of input.toolOptions) if (!toolParameterFile([t])) log.info(`#TOOLOPTION ignored: ${t}`);
    outFd = opts.output ? openSync(opts.output, 'w') : 1;
    const out = fdOutput(outFd);
    out.line(`#SOFTWAREID ${quote(input.softwareId?.[0] ?? 'backint 1.04')} ${quote(AGENT_ID)}`);
    const rejected: Outcome[] = input.rejected.map((r) => {
      out.line(r.answer);
      log.error(`${r.reason}; answered ${r.answer}`);
      return { ok: false, result: r.answer, reason: r.reason };
    });

    const fo: FunctionOptions = {
      user: opts.user,
      params,
      clock: params.ClockFile ? fileClock(params.ClockFile) : systemClock,
      log,
      softwareId: input.softwareId,
      version: input.version,
    };
    store = await openStore(params, log, { hanaSoftwareId: input.softwareId?.[1] });
    try {
      await store.check();
      fo.clock();
    } catch (e) {
      // Every object line still gets its answer, so HANA can tell which ones failed.
      for (const l of input.objects) out.line(`#ERROR ${l.params.map((t) => t.raw).join(' ')}`.trimEnd());
      log.error(`cannot start: ${(e as Error).message}`);
      return fail(stderr, 1, (e as Error).message);
    }
    const outcomes: Outcome[] = [...rejected, ...(await FUNCTIONS[opts.fn](input.objects, out, store, fo))];
    const failed = outcomes.filter((o) => !o.ok);
    log.info(`end -f ${opts.fn}: ${outcomes.length - failed.length} ok, ${failed.length} failed`);
    if (failed.length === 0) return 0;
    return fail(
      stderr,
      1,
      `${failed.length} of ${outcomes.length} object(s) failed; first: ${failed[0]!.reason ?? failed[0]!.result}`,
    );
  } catch (e) {
    if (e instanceof UserError) return fail(stderr, 2, e.message, e.action);
    if (e instanceof GrammarError) return fail(stderr, 2, e.message);
    const code = (e as NodeJS.ErrnoException).code;
    if (code && (e as NodeJS.ErrnoException).path)
      return fail(stderr, 2, `cannot open ${(e as NodeJS.ErrnoException).path}: ${code}`, 'check the -i/-o paths');
    return fail(stderr, 1, (e as Error).message);
  } finally {
    store?.close?.();
    if (outFd !== undefined && outFd !== 1) closeSync(outFd);
  }
}

export async function main(argv: string[]): Promise<number> {
  // HANA starts the agent for every backup and restore; the installer's imports (commander, execa) cost each of those
  // starts ~0.15 s of CPU, so they load only for `install`/`uninstall`.
  if (argv[0] === 'install' || argv[0] === 'uninstall')
    return (await import('./install/cli.js')).installMain(
      argv,
      (s) => process.stdout.write(s),
      (s) => process.stderr.write(s),
    );
  const code = await run(
    argv,
    (s) => process.stderr.write(s),
    (s) => process.stdout.write(s),
  );
  // A channel worker blocked on a pipe HANA abandoned would keep the process alive: every line is answered,
  // so end here (stdout and stderr are synchronous for files and pipes on Linux).
  if (liveChannels() > 0) process.exit(code);
  return code;
}
