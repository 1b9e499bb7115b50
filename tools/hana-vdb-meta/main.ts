/**
 * hana-vdb-meta: what each VDB was asked for and what it got, read from the engine store without
 * touching any database. Exit codes: 0 ok (check: no findings), 1 check found something, 2 error.
 */
import { parseArgs } from 'node:util';
import { UserError } from '../../src/sdk/errors.js';
import { resolveDataDir } from '../../src/engine/store/read-only.js';
import { buildAdvise, renderAdviseCsv, renderAdviseTable } from './advise.js';
import { buildCheck, renderCheckCsv, renderCheckTable } from './check.js';
import { buildList, renderListCsv, renderListTable } from './list.js';
import { buildShow, renderShowCsv, renderShowTable } from './show.js';
import { readStore } from './store.js';
import { parseBound, parseZone } from './time.js';

export const USAGE = `Usage:
  hana-vdb-meta list [--dsource NAME] [--vdb NAME] [--since ISO] [--until ISO]
  hana-vdb-meta show ID|VDB          (a snapshot id, or a VDB name)
  hana-vdb-meta check [--max-drift SECONDS]
  hana-vdb-meta advise [--dsource NAME]
Options for every command:
  --data-dir DIR   the hana-vdb data directory (default: $HANA_VDB_HOME, else ~/.hana-vdb)
  --json | --csv   machine-readable output (times in UTC)
  --tz ZONE        show times in an IANA zone (default UTC; tables only)
  --debug          stack traces on errors
Exit codes: 0 ok, 1 check found something, 2 error.`;

export interface MetaIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
}

const processIo: MetaIo = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t), env: process.env };

const OPTIONS = {
  'data-dir': { type: 'string' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  tz: { type: 'string' },
  debug: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  dsource: { type: 'string' },
  vdb: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  'max-drift': { type: 'string' },
} as const;

type OptionName = keyof typeof OPTIONS;
const COMMAND_OPTIONS: Record<string, OptionName[]> = {
  list: ['dsource', 'vdb', 'since', 'until'],
  show: [],
  check: ['max-drift'],
  advise: ['dsource'],
};
const POSITIONALS: Record<string, number> = { list: 0, show: 1, check: 0, advise: 0 };

function usageError(message: string): UserError {
  return new UserError(message, USAGE);
}

function parseOptions(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw usageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, '.'));
  }
}

type Values = ReturnType<typeof parseOptions>['values'];

/** The command, its options and its positional arguments agree: [command, arguments]. */
function checkCommand(v: Values, positionals: string[]): [string, string[]] {
  const [command, ...rest] = positionals;
  if (!command) throw usageError('Missing the command.');
  if (!(command in COMMAND_OPTIONS)) throw usageError(`Unknown command '${command}'.`);
  for (const name of ['dsource', 'vdb', 'since', 'until', 'max-drift'] as const) {
    if (v[name] !== undefined && !COMMAND_OPTIONS[command]!.includes(name))
      throw usageError(`--${name} does not apply to ${command}.`);
  }
  if (rest.length !== POSITIONALS[command]) {
    throw usageError(
      rest.length < POSITIONALS[command]!
        ? `${command} needs a snapshot id or a VDB name.`
        : `Unexpected argument '${rest[POSITIONALS[command]!]}'.`,
    );
  }
  if (v.json && v.csv) throw usageError('--json and --csv exclude each other.');
  return [command, rest];
}

function parseMaxDrift(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d+$/.test(value))
    throw new UserError(`--max-drift '${value}' is not a whole number of seconds.`, 'Use e.g. --max-drift 300.');
  return Number(value);
}

export async function main(argv: string[], io: MetaIo = processIo): Promise<number> {
  const debug = argv.includes('--debug');
  try {
    const { values: v, positionals } = parseOptions(argv);
    if (v.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    const [command, rest] = checkCommand(v, positionals);
    const zone = parseZone(v.tz);
    const format = v.json ? 'json' : v.csv ? 'csv' : 'table';
    const maxDrift = parseMaxDrift(v['max-drift']);
    const since = v.since === undefined ? undefined : parseBound(v.since, '--since', zone);
    const until = v.until === undefined ? undefined : parseBound(v.until, '--until', zone);
    if (since && until && since > until) throw new UserError(`--since ${v.since} is after --until ${v.until}.`, 'Swap them.');

    const store = readStore(resolveDataDir(v['data-dir'], io.env));
    const emit = (json: unknown, table: () => string, csv: () => string) =>
      io.stdout(format === 'json' ? `${JSON.stringify(json, null, 2)}\n` : format === 'csv' ? csv() : table());
    switch (command) {
      case 'list': {
        const r = buildList(store, { dsource: v.dsource, vdb: v.vdb, since, until });
        emit(
          r,
          () => renderListTable(r, zone),
          () => renderListCsv(r),
        );
        return 0;
      }
      case 'show': {
        const r = buildShow(store, rest[0]!);
        emit(
          r,
          () => renderShowTable(r, zone),
          () => renderShowCsv(r),
        );
        return 0;
      }
      case 'check': {
        const r = buildCheck(store, maxDrift);
        emit(
          r,
          () => renderCheckTable(r),
          () => renderCheckCsv(r),
        );
        return r.findings.length ? 1 : 0;
      }
      default: {
        if (v.dsource !== undefined && !store.dsources.some((d) => d.name === v.dsource)) {
          throw new UserError(
            `There is no dSource named '${v.dsource}'.`,
            `Run hana-vdb-meta advise without --dsource to see all ` +
              `(${store.dsources.map((d) => d.name).join(', ') || 'none yet'}).`,
          );
        }
        const r = buildAdvise(store, v.dsource);
        emit(
          r,
          () => renderAdviseTable(r),
          () => renderAdviseCsv(r),
        );
        return 0;
      }
    }
  } catch (err) {
    if (err instanceof UserError) {
      io.stderr(`Error: ${err.message}\n${err.action ? `${err.action}\n` : ''}`);
    } else {
      io.stderr(
        `Error: ${err instanceof Error ? err.message : String(err)}\nThis is a bug in hana-vdb-meta; run ` +
          `again with --debug and report the output.\n`,
      );
    }
    if (debug && err instanceof Error && err.stack) io.stderr(`${err.stack}\n`);
    return 2;
  }
}
