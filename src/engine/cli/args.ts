/** Argument parsing on node:util parseArgs: unknown flags, missing values and stray words are UserErrors with usage. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UserError } from '../../sdk/errors.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export interface Parsed {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

export function parse(
  argv: string[],
  options: Options,
  usage: string,
  positionals: { min: number; max: number; names: string },
): Parsed {
  let parsed: Parsed;
  try {
    const r = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    parsed = { values: r.values as Parsed['values'], positionals: r.positionals };
  } catch (e) {
    throw new UserError((e as Error).message.replace(/\. To specify a positional argument.*$/s, '.'), `Usage: ${usage}`);
  }
  const n = parsed.positionals.length;
  if (n < positionals.min) throw new UserError(`Missing ${positionals.names}.`, `Usage: ${usage}`);
  if (n > positionals.max) throw new UserError(`Unexpected argument '${parsed.positionals[positionals.max]}'.`, `Usage: ${usage}`);
  return parsed;
}

export function requireOption(p: Parsed, name: string, usage: string): string {
  const v = p.values[name];
  if (typeof v !== 'string' || v === '') throw new UserError(`Missing --${name}.`, `Usage: ${usage}`);
  return v;
}

export function optionalString(p: Parsed, name: string): string | undefined {
  const v = p.values[name];
  return typeof v === 'string' ? v : undefined;
}
