/**
 * `hana-vdb` main: global options (--data-dir, --json, --debug, --plugin-dir, anywhere on the line), the delegated
 * commands, the command tree (tree.ts), and the one place errors become output: message and action on stderr (and
 * {"error":…} on stdout with --json), a stack only with --debug. Exit codes per command.ts: 0 ok, 1 user error or
 * failed job, 2 internal error.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { LibraryError, PluginRuntimeError, PluginScriptError, UserError } from '../../sdk/errors.js';
import { resolveDataDir } from '../data-dir.js';
import { redactor } from '../log/redact.js';
import { createApp } from './app.js';
import type { CliContext, CommandModule } from './command.js';
import { runTree } from './tree.js';

/** The package root: the nearest directory above this file holding package.json (works from src/ and dist/). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('hana-vdb: cannot find the package root (package.json).');
    dir = up;
  }
  return dir;
}

/**
 * Commands whose module parses its own argv (another layer, loaded by path so imports keep flowing one way).
 * ownHelp: the module answers --help itself; otherwise the help registered in tree.ts is shown.
 */
const DELEGATED: Record<string, { file: string; ownHelp: boolean }> = {
  'parse-backup-log': { file: 'dist/src/hana/cli/parse-backup-log.js', ownHelp: false },
  sim: { file: 'dist/tools/hana-sim/cli.js', ownHelp: true },
  demo: { file: 'dist/tools/demo/cli.js', ownHelp: true },
};

interface Globals {
  dataDir?: string;
  pluginDir?: string;
  json: boolean;
  debug: boolean;
  help: boolean;
  rest: string[];
}

/** Global options may appear anywhere; everything else is left, in order, for the command. */
export function splitGlobals(argv: string[]): Globals {
  const g: Globals = { json: false, debug: false, help: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const valued = (flag: string): string | undefined => {
      if (a === flag) {
        const v = argv[++i];
        if (v === undefined || v.startsWith('--')) throw new UserError(`${flag} needs a value.`, 'See hana-vdb --help.');
        return v;
      }
      return a.startsWith(`${flag}=`) ? a.slice(flag.length + 1) : undefined;
    };
    if (a === '--') {
      g.rest.push(...argv.slice(i));
      break;
    }
    if (a === '--json') g.json = true;
    else if (a === '--debug') g.debug = true;
    else if ((a === '--help' || a === '-h') && g.rest.length === 0) g.help = true;
    else {
      const dataDir = valued('--data-dir');
      if (dataDir !== undefined) {
        g.dataDir = dataDir;
        continue;
      }
      const pluginDir = valued('--plugin-dir');
      if (pluginDir !== undefined) {
        g.pluginDir = pluginDir;
        continue;
      }
      g.rest.push(a);
    }
  }
  return g;
}

async function delegate(root: string, rel: string, name: string, argv: string[], ctx: CliContext): Promise<number> {
  const file = join(root, rel);
  if (!existsSync(file)) {
    throw new UserError(`The '${name}' command is not available: ${file} is missing.`, 'Build the package first (npm run build).');
  }
  const mod = (await import(pathToFileURL(file).href)) as Partial<CommandModule>;
  if (typeof mod.run !== 'function') throw new Error(`${file} does not export run(argv, ctx).`);
  return mod.run(argv, ctx);
}

/** Errors of the SDK taxonomy (by name too: a plugin may carry its own copy of the SDK) are failures the user sees: 1. */
function exitCodeOf(err: unknown): number {
  if (
    err instanceof UserError ||
    err instanceof LibraryError ||
    err instanceof PluginScriptError ||
    err instanceof PluginRuntimeError
  )
    return 1;
  const name = (err as Error | undefined)?.name ?? '';
  return ['UserError', 'LibraryError', 'PluginScriptError', 'PluginRuntimeError'].includes(name) || /^Incorrect/.test(name) ? 1 : 2;
}

function describe(err: unknown): { type: string; message: string; action: string } {
  const e = err as Error & { action?: unknown };
  const type = e?.name ?? 'Error';
  const message = redactor.redact(e?.message ?? String(err));
  let action = typeof e?.action === 'string' ? e.action : '';
  if (!action) {
    if (type === 'LibraryError') action = 'Check that the host is reachable and sshd is running, then retry.';
    else if (type === 'PluginScriptError') action = 'See the job log (hana-vdb job show ID) for the command output.';
    else if (e instanceof PluginRuntimeError || /^Incorrect/.test(type))
      action = 'This is a plugin bug: contact the plugin author (hana-vdb validate may point at it).';
    else action = 'This is unexpected: rerun with --debug and report the output.';
  }
  return { type, message, action: redactor.redact(action) };
}

export async function main(
  argv: string[],
  io: Partial<Pick<CliContext, 'stdout' | 'stderr' | 'interactive'>> = {},
): Promise<number> {
  const stdout = io.stdout ?? ((t: string) => void process.stdout.write(t));
  const stderr = io.stderr ?? ((t: string) => void process.stderr.write(t));
  let json = argv.includes('--json');
  let debug = argv.includes('--debug');
  let app: ReturnType<typeof createApp> | undefined;
  try {
    const g = splitGlobals(argv);
    json = g.json;
    debug = g.debug;
    const root = packageRoot();
    const ctx: CliContext = {
      json,
      debug,
      dataDir: resolveDataDir(g.dataDir),
      packageRoot: root,
      stdout,
      stderr,
      // A live line only for a person at a terminal: plain lines when stdout is piped or the output is JSON.
      interactive: io.interactive ?? (!json && Boolean(process.stdout.isTTY && process.stderr.isTTY)),
    };
    // `help vdb provision` is `vdb provision --help` (commander's help command takes one word only).
    if (g.rest[0] === 'help' && g.rest.length > 1) g.rest = [...g.rest.slice(1), '--help'];
    const [command, ...rest] = g.rest;
    const delegated = command === undefined ? undefined : DELEGATED[command];
    const wantsHelp = rest.includes('--help') || rest.includes('-h');
    if (delegated && (delegated.ownHelp || !wantsHelp)) return await delegate(root, delegated.file, command!, rest, ctx);
    app = createApp(ctx, resolve(g.pluginDir ?? process.env.HANA_VDB_PLUGIN_DIR ?? root));
    // No command at all: the overview, but exit 1 (a script that forgot its command must notice).
    if (command === undefined || g.help) return (await runTree(app, ctx, ['--help'])) || (command === undefined && !g.help ? 1 : 0);
    return await runTree(app, ctx, g.rest);
  } catch (err) {
    app?.progress.done();
    const d = describe(err);
    if (json) stdout(`${JSON.stringify({ error: d })}\n`);
    stderr(`error: ${d.message}\n${d.action ? `action: ${d.action}\n` : ''}`);
    if (debug && err instanceof Error && err.stack) stderr(`${redactor.redact(err.stack)}\n`);
    return exitCodeOf(err);
  } finally {
    await app?.close();
  }
}
