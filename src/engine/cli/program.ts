/**
 * The `hana-vdb` command tree on commander: every command and subcommand answers --help with examples, and every
 * parse failure becomes the one error shape (a UserError: one line, then the fix) naming the nearest valid word.
 * Commands are declared as data (CommandSpec) so that help, the completion scripts and the tests read one tree.
 */
import { Command, CommanderError, Option, type Help, type HelpContext } from 'commander';
import { UserError } from '../../sdk/errors.js';
import { nearest } from './nearest.js';

export type Values = Record<string, string | boolean | undefined>;

/** What a leaf command gets: its positional arguments in order and its option values (by camelCase name). */
export type Action = (args: string[], options: Values) => Promise<number>;

export interface OptionSpec {
  /** commander flags, e.g. '--snapshot <ID>' or '--force'. */
  flags: string;
  description: string;
  required?: boolean;
  /** Values offered by shell completion. */
  choices?: string[];
}

export interface CommandSpec {
  name: string;
  aliases?: string[];
  summary: string;
  /** Positional arguments in commander syntax: '<NAME>', '[DIR]'. */
  args?: string[];
  /** Values offered by shell completion for the first positional argument. */
  argChoices?: string[];
  options?: OptionSpec[];
  /** Full command lines shown under "Examples:". */
  examples: string[];
  /** More text after the examples. */
  notes?: string;
  subcommands?: CommandSpec[];
  action?: Action;
  /** The module parses its own argv (sim, demo, parse-backup-log): never parsed here. */
  delegated?: boolean;
}

export const GLOBAL_OPTIONS: OptionSpec[] = [
  { flags: '--data-dir <DIR>', description: 'data directory (default: $HANA_VDB_HOME, else ~/.hana-vdb)' },
  { flags: '--plugin-dir <DIR>', description: 'plugin root (default: $HANA_VDB_PLUGIN_DIR, else the package)' },
  { flags: '--json', description: 'print exactly one JSON document on stdout' },
  { flags: '--debug', description: 'stack traces and debug logs' },
];

/** Values offered by completion for a command's first positional argument. */
export const ARG_CHOICES = new WeakMap<Command, string[]>();

/** The command path a user types, e.g. "hana-vdb vdb provision". */
export function pathOf(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

function longFlags(cmd: Command): string[] {
  const own = cmd.options.map((o) => o.long).filter((l): l is string => Boolean(l));
  return [...own, ...GLOBAL_OPTIONS.map((o) => o.flags.split(' ')[0]!), '--help'];
}

function subcommandNames(cmd: Command): string[] {
  return cmd.commands.filter((c) => c.name() !== 'help').map((c) => c.name());
}

function usageLine(cmd: Command): string {
  return `Usage: ${pathOf(cmd)} ${cmd.usage()}; see ${pathOf(cmd)} --help.`;
}

/**
 * commander reports parse failures through these methods; each becomes a UserError here, so main prints it like any
 * other error (message, action, exit 1) instead of commander's own text.
 */
export class Cli extends Command {
  override createCommand(name?: string): Cli {
    return new Cli(name);
  }

  unknownOption(flag: string): never {
    const near = nearest(flag.split('=')[0]!, longFlags(this));
    throw new UserError(`Unknown option '${flag}' for ${pathOf(this)}.`, `Did you mean ${near}? ${usageLine(this)}`);
  }

  unknownCommand(): never {
    const word = this.args[0] ?? '';
    const names = subcommandNames(this);
    const what = this.parent ? `${this.name()} command` : 'command';
    throw new UserError(
      `Unknown ${what} '${word}'.`,
      `Did you mean ${pathOf(this)} ${nearest(word, names)}? Commands: ${names.join(', ')}.`,
    );
  }

  missingArgument(name: string): never {
    throw new UserError(`Missing ${name}.`, usageLine(this));
  }

  optionMissingArgument(option: Option): never {
    throw new UserError(`${option.long ?? option.flags} needs a value.`, usageLine(this));
  }

  missingMandatoryOptionValue(option: Option): never {
    throw new UserError(`Missing ${option.long ?? option.flags}.`, usageLine(this));
  }

  _excessArguments(received: string[]): void {
    if (this.registeredArguments.length >= received.length) return;
    throw new UserError(`Unexpected argument '${received[this.registeredArguments.length]}'.`, usageLine(this));
  }

  /** commander shows help on stderr when a group is called without its subcommand: one error line instead. */
  override help(context?: HelpContext): never;
  override help(cb: (str: string) => string): never;
  override help(context?: HelpContext | ((str: string) => string)): never {
    if (typeof context === 'object' && context.error && this.parent) {
      throw new UserError(
        `Missing ${this.name()} command.`,
        `Commands: ${subcommandNames(this).join(', ')}; see ${pathOf(this)} --help.`,
      );
    }
    return typeof context === 'function' ? super.help(context) : super.help(context);
  }
}

function examplesText(spec: CommandSpec): string {
  const lines = spec.examples.map((e) => `  $ ${e}`);
  return `\nExamples:\n${lines.join('\n')}\n${spec.notes ? `\n${spec.notes}\n` : ''}`;
}

function addOptions(cmd: Command, options: OptionSpec[]): void {
  for (const o of options) {
    const opt = new Option(o.flags, o.description);
    if (o.required) opt.makeOptionMandatory();
    cmd.addOption(opt);
  }
}

/** Add spec (and its subcommands) under parent; `run` receives the leaf's action and its parsed input. */
export function addSpec(
  parent: Command,
  spec: CommandSpec,
  run: (action: Action, args: string[], v: Values) => Promise<void>,
): Command {
  const cmd = parent.command(spec.name).summary(spec.summary).description(spec.summary);
  for (const a of spec.aliases ?? []) cmd.alias(a);
  for (const a of spec.args ?? []) cmd.argument(a);
  if (spec.argChoices) ARG_CHOICES.set(cmd, spec.argChoices);
  addOptions(cmd, spec.options ?? []);
  cmd.addHelpText('after', examplesText(spec));
  if (spec.delegated) cmd.allowUnknownOption().allowExcessArguments();
  for (const sub of spec.subcommands ?? []) addSpec(cmd, sub, run);
  const action = spec.action;
  if (action) {
    cmd.action(async function (this: Command) {
      await run(
        action,
        this.processedArgs.filter((a): a is string => typeof a === 'string'),
        this.opts<Values>(),
      );
    });
  }
  return cmd;
}

/** The program: root help with the global options, help on every level, output through `write`. */
export function buildProgram(specs: CommandSpec[], write: (text: string) => void, run: Parameters<typeof addSpec>[2]): Cli {
  const program = new Cli('hana-vdb');
  program
    .description('Virtual copies (VDBs) of SAP HANA tenant databases from Backint backups.')
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: write })
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false, helpWidth: 100 } as Partial<Help>)
    .helpCommand('help [COMMAND]', 'help for a command');
  addOptions(program, GLOBAL_OPTIONS);
  program.addHelpText(
    'after',
    '\nExamples:\n  $ hana-vdb demo\n  $ hana-vdb vdb --help\n  $ hana-vdb list vdbs --json\n  $ hana-vdb completion bash\n',
  );
  for (const spec of specs) addSpec(program, spec, run);
  return program;
}

/** Every command of the tree (depth first), for the help walk and the completion scripts. */
export function walk(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.filter((c) => c.name() !== 'help').flatMap(walk)];
}

/** What a delegated command's own parse gives: the help text when --help was asked, else its input. */
export type OwnParse = { help: string } | { args: string[]; values: Values };

/**
 * Parse a delegated command's argv (the words after its name) by its spec, as the tree parses its own commands:
 * the same help (from the same option declarations the command reads), the same errors naming the nearest
 * option. Commands whose spec has subcommands get help only this way (`help` is then always set or a parse
 * error is thrown); leaves get their positional arguments and option values.
 */
export async function parseOwn(spec: CommandSpec, argv: string[]): Promise<OwnParse> {
  let help = '';
  let got: { args: string[]; values: Values } | undefined;
  const leaf: CommandSpec = {
    ...spec,
    delegated: false,
    action: async (args, values) => {
      got = { args, values };
      return 0;
    },
  };
  const program = buildProgram(
    [leaf],
    (t) => void (help += t),
    (action, args, v) => action(args, v).then(() => undefined),
  );
  try {
    await program.parseAsync([spec.name, ...argv], { from: 'user' });
  } catch (e) {
    if (!(e instanceof CommanderError) || (e.code !== 'commander.helpDisplayed' && e.code !== 'commander.help')) throw e;
  }
  return help || !got ? { help } : got;
}

/** A spec's option names as a parser needs them: those that take a value, and the switches. */
export function optionNames(options: OptionSpec[]): { valued: Set<string>; switches: Set<string> } {
  const valued = new Set<string>();
  const switches = new Set<string>();
  for (const o of options) {
    const [long, value] = o.flags.split(' ');
    (value ? valued : switches).add(long!);
  }
  return { valued, switches };
}
