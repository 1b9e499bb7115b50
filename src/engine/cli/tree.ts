/** The whole `hana-vdb` command tree, parsed and run: engine commands, the console, validate, completion, delegated ones. */
import { CommanderError, type Command } from 'commander';
import { run as runValidate } from '../../sdk/validate/command.js';
import { consoleSpec } from '../console/command.js';
import type { App } from './app.js';
import type { CliContext } from './command.js';
import { dsourceSpec } from './commands/dsource.js';
import { envSpec } from './commands/env.js';
import { inspectSpecs } from './commands/inspect.js';
import { planSpec } from './commands/plan.js';
import { vdbSpec } from './commands/vdb.js';
import { completionScript } from './completion.js';
import { buildProgram, type Action, type CommandSpec, type Values } from './program.js';

/**
 * Registered for the overview and completion only: main hands their raw argv to their own module. demo and sim
 * declare their options where they parse them and answer --help themselves; parse-backup-log's help is here.
 */
export const DELEGATED_SPECS: CommandSpec[] = [
  {
    name: 'demo',
    summary: 'the whole job on an embedded simulated landscape',
    args: ['[OPTIONS...]'],
    examples: ['hana-vdb demo --help'],
    delegated: true,
  },
  {
    name: 'sim',
    summary: 'the simulated HANA landscape: start, clock, fault',
    args: ['[ARGS...]'],
    examples: ['hana-vdb sim --help'],
    delegated: true,
  },
  {
    name: 'parse-backup-log',
    summary: 'read a HANA backup.log and print its recoveries and backups',
    args: ['<FILE>'],
    examples: [
      'hana-vdb parse-backup-log /usr/sap/QAS/HDB10/hanaqas/trace/DB_VDB1/backup.log',
      'hana-vdb parse-backup-log backup.log --json',
    ],
    notes:
      'One row per operation (recoveries and backups), every time in UTC. --json prints\n' +
      '{"operations":[{operationId, kind, startedAt, command, requestedTimestamp, finishedAt, outcome,\n' +
      'reachedTimestamp, reachedLogPosition, errorCode, message}]}.\n' +
      'Lines that are not backup.log entries are counted on stderr.',
    delegated: true,
  },
];

function specs(app: App, ctx: CliContext, program: () => Command): CommandSpec[] {
  return [
    envSpec(app),
    dsourceSpec(app),
    vdbSpec(app),
    planSpec(app),
    ...inspectSpecs(app),
    consoleSpec(ctx, app.pluginDir),
    {
      name: 'validate',
      summary: 'check a plugin directory as dvp build does',
      args: ['[DIR]'],
      examples: ['hana-vdb validate', 'hana-vdb validate ./my-plugin --json'],
      action: ([dir]) => runValidate(dir === undefined ? [] : [dir], ctx),
    },
    ...DELEGATED_SPECS,
    {
      name: 'completion',
      summary: 'print the shell completion script (bash or zsh)',
      args: ['<SHELL>'],
      argChoices: ['bash', 'zsh'],
      examples: [
        'hana-vdb completion bash > ~/.hana-vdb.bash   # then: source ~/.hana-vdb.bash',
        'source <(hana-vdb completion zsh)   # in ~/.zshrc',
      ],
      action: async ([shell]) => {
        ctx.stdout(completionScript(shell, program()));
        return 0;
      },
    },
  ];
}

/** The program for app and ctx; help text goes to `write`, a leaf's exit code to `done`. */
export function program(app: App, ctx: CliContext, write: (t: string) => void, done: (code: number) => void): Command {
  const run = async (action: Action, args: string[], v: Values) => done(await action(args, v));
  const p: Command = buildProgram(
    specs(app, ctx, () => p),
    write,
    run,
  );
  return p;
}

/** Parse argv with the command tree and run the leaf; help is printed (as {"usage":[lines]} with --json), exit 0. */
export async function runTree(app: App, ctx: CliContext, argv: string[]): Promise<number> {
  let help = '';
  let code = 0;
  const p = program(
    app,
    ctx,
    (t) => void (help += t),
    (c) => void (code = c),
  );
  try {
    await p.parseAsync(argv, { from: 'user' });
  } catch (e) {
    // --help gives helpDisplayed, `hana-vdb help COMMAND` gives help: both printed help, nothing failed.
    if (!(e instanceof CommanderError) || (e.code !== 'commander.helpDisplayed' && e.code !== 'commander.help')) throw e;
  }
  if (help) ctx.stdout(ctx.json ? `${JSON.stringify({ usage: help.split('\n').filter(Boolean) })}\n` : help);
  return code;
}
