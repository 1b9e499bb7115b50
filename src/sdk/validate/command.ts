/**
 * `hana-vdb validate [DIR] [--json]` (command module, see src/engine/cli/command.ts). Exit 0 when there is no
 * error (warnings are printed), 1 otherwise; one line per finding: "file: path: what is wrong. Fix: how".
 */
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { formatFinding, validatePluginDir } from './index.js';

/** The part of the engine's CliContext this command uses (declared here so src/sdk does not import src/engine). */
export interface ValidateContext {
  json: boolean;
  stdout: (text: string) => void;
}

export const usage =
  'hana-vdb validate [DIR] [--json]   check plugin_config.yml, the schema file and the entry point (default DIR: .)';

export async function run(argv: string[], ctx: ValidateContext): Promise<number> {
  const positional = argv.filter((a) => !['--json', '--debug'].includes(a));
  const unknown = positional.filter((a) => a.startsWith('-'));
  if (unknown.length) throw new UserError(`Unknown option ${unknown[0]} for validate.`, `Usage: ${usage}`);
  if (positional.length > 1) throw new UserError(`validate takes one directory, got ${positional.length}.`, `Usage: ${usage}`);
  const json = ctx.json || argv.includes('--json');
  const report = await validatePluginDir(resolve(positional[0] ?? '.'));
  if (json) {
    ctx.stdout(`${JSON.stringify(report, null, 2)}\n`);
  } else {
    for (const f of report.errors) ctx.stdout(`${formatFinding(f)}\n`);
    for (const f of report.warnings) ctx.stdout(`warning: ${formatFinding(f)}\n`);
    const counts = `${report.errors.length} error(s), ${report.warnings.length} warning(s)`;
    ctx.stdout(report.valid ? `Plugin ${report.dir} is valid: ${counts}.\n` : `Validation failed on ${report.dir}: ${counts}.\n`);
  }
  return report.valid ? 0 : 1;
}
