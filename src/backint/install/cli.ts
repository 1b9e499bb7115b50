/**
 * hana-backint install --sid SID [--parameter-file FILE] [--instance NN] [--key KEY] [--usr-sap DIR]
 *                      [--executable FILE] [--dry-run] [--json]
 * hana-backint uninstall --sid SID [--key KEY] [--usr-sap DIR] [--dry-run] [--json]
 * Exit: 0 done (and verified); 1 applied but the verification failed, or a step failed; 2 bad usage or input.
 */
import { Command, CommanderError } from 'commander';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../sdk/errors.js';
import { checkKey, type Hdbsql } from './hdbsql.js';
import { installPaths, type InstallPaths } from './paths.js';
import { planInstall, planUninstall, type Plan } from './install.js';
import { verifyRoundTrip, type Verification } from './verify.js';

interface Options {
  sid: string;
  parameterFile?: string;
  instance?: string;
  key?: string;
  usrSap?: string;
  executable?: string;
  dryRun?: boolean;
  json?: boolean;
}

type Print = (s: string) => void;

/** Defined (true) by the single-executable bundler (tools/package); absent when run from a checkout. */
declare const HANA_BACKINT_SINGLE_EXECUTABLE: boolean | undefined;
/** Defined by the agent bundler (tools/package/agent-bundle.ts): bin/hana-backint.js relative to the bundle. */
declare const HANA_BACKINT_BIN_FROM_MODULE: string | undefined;

/** The single executable installs itself; from a checkout, a wrapper with absolute paths of node and the bin. */
async function agentProgram(o: Options): Promise<Buffer> {
  if (o.executable) return readFileSync(path.resolve(o.executable));
  if (typeof HANA_BACKINT_SINGLE_EXECUTABLE === 'boolean' && HANA_BACKINT_SINGLE_EXECUTABLE) return readFileSync(process.execPath);
  const fromModule =
    typeof HANA_BACKINT_BIN_FROM_MODULE === 'string' ? HANA_BACKINT_BIN_FROM_MODULE : '../../../../bin/hana-backint.js';
  const bin = fileURLToPath(new URL(fromModule, import.meta.url));
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return Buffer.from(`#!/bin/sh\n# hana-backint (installed by hana-backint install)\nexec ${q(process.execPath)} ${q(bin)} "$@"\n`);
}

function hdbsqlOf(o: Options, p: InstallPaths): Hdbsql | undefined {
  if (!o.key) return undefined;
  if (o.instance !== undefined && !/^\d{2}$/.test(o.instance))
    throw new UserError(`--instance ${o.instance} is not a two-digit instance number`, 'pass e.g. --instance 00');
  const exe = o.instance ? path.join(p.usrSap, p.sid, `HDB${o.instance}`, 'exe', 'hdbsql') : undefined;
  return { program: exe && existsSync(exe) ? exe : 'hdbsql', key: checkKey(o.key) };
}

async function apply(plan: Plan, dryRun: boolean, print: Print): Promise<{ changes: string[]; printed: string[] }> {
  const applied: string[] = [];
  const printed: string[] = [];
  for (const step of plan.steps) {
    if (step.statement && plan.iniNote) {
      printed.push(`${step.statement};`);
      continue;
    }
    print(`${dryRun ? 'would ' : ''}${step.describe}\n`);
    if (!dryRun) await step.apply();
    applied.push(step.describe);
  }
  if (printed.length) print(`${plan.iniNote}:\n${printed.map((s) => `  ${s}`).join('\n')}\n`);
  if (plan.steps.length === 0) print('nothing to change\n');
  return { changes: applied, printed };
}

async function install(o: Options, print: Print): Promise<{ doc: object; code: number }> {
  const p = installPaths(o.usrSap ?? process.env.HANA_VDB_USR_SAP ?? '/usr/sap', o.sid);
  const plan = await planInstall(p, await agentProgram(o), o.parameterFile && path.resolve(o.parameterFile), hdbsqlOf(o, p));
  const done = await apply(plan, o.dryRun ?? false, print);
  let verification: Verification | undefined;
  if (!o.dryRun) {
    verification = await verifyRoundTrip(p.executable, p.parameterFile, p.sid);
    print(`${verification.verdict}\n`);
  }
  const doc = { executable: p.executable, parameterFile: p.parameterFile, dryRun: !!o.dryRun, ...done, verification };
  return { doc, code: verification && !verification.ok ? 1 : 0 };
}

async function uninstall(o: Options, print: Print): Promise<{ doc: object; code: number }> {
  const p = installPaths(o.usrSap ?? process.env.HANA_VDB_USR_SAP ?? '/usr/sap', o.sid);
  const done = await apply(await planUninstall(p, hdbsqlOf(o, p)), o.dryRun ?? false, print);
  return { doc: { executable: p.executable, dryRun: !!o.dryRun, ...done }, code: 0 };
}

function program(run: (name: 'install' | 'uninstall', o: Options) => Promise<void>): Command {
  const cmd = new Command('hana-backint').exitOverride().configureOutput({ writeOut: () => undefined, writeErr: () => undefined });
  const common = (c: Command) =>
    c
      .requiredOption('--sid <SID>', 'SAP system id')
      .option('--key <KEY>', 'hdbuserstore key of a SYSTEMDB user with INIFILE ADMIN (without it the statements are printed)')
      .option('--instance <NN>', 'instance number: use its exe/hdbsql')
      .option('--usr-sap <DIR>', 'root of the SAP tree (default $HANA_VDB_USR_SAP or /usr/sap)')
      .option('--dry-run', 'show every change, change nothing')
      .option('--json', 'one JSON document on stdout');
  common(cmd.command('install'))
    .option('--parameter-file <FILE>', 'agent parameter file (YAML) to install as hdbconfig/hana-backint.yaml')
    .option('--executable <FILE>', 'program to install (default: this single executable, or a wrapper of this checkout)')
    .action((o: Options) => run('install', o));
  common(cmd.command('uninstall')).action((o: Options) => run('uninstall', o));
  return cmd;
}

export async function installMain(argv: readonly string[], stdout: Print, stderr: Print): Promise<number> {
  let code = 0;
  let json = false;
  try {
    await program(async (name, o) => {
      json = !!o.json;
      const r = await (name === 'install' ? install : uninstall)(o, json ? () => undefined : stdout);
      if (json) stdout(`${JSON.stringify(r.doc)}\n`);
      code = r.code;
    }).parseAsync([...argv], { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      stderr(`hana-backint: ${e.message.replace(/^error: /, '')}\n`);
      return 2;
    }
    if (e instanceof UserError) {
      stderr(`hana-backint: ${e.message} (${e.action})\n`);
      return 2;
    }
    stderr(`hana-backint: ${(e as Error).message}\n`);
    return 1;
  }
}
