/**
 * The script a runBash call sends on the channel's stdin: exports of the variables (single-quoted),
 * then the command, evaluated from a quoted string so that nothing in it can escape the script and the
 * command cannot read the rest of the script as its stdin. The remote command line is always the same
 * fixed string, so variables never appear in a command line, argv or sshd log.
 */
import { IncorrectArgumentTypeError } from '../../sdk/errors.js';

export const REMOTE_COMMAND = 'bash --noprofile --norc -s';
export const REMOTE_LOGIN_COMMAND = 'bash --login -s';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** POSIX single quoting: 'it'\''s'. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

export function buildScript(command: string, variables: Record<string, string> = {}): string {
  if (typeof command !== 'string')
    throw new IncorrectArgumentTypeError(`The command passed to runBash must be a string, got ${typeof command}.`);
  const lines: string[] = [];
  for (const [name, value] of Object.entries(variables)) {
    if (!NAME.test(name))
      throw new IncorrectArgumentTypeError(`The runBash variable name '${name}' is not a valid shell variable name.`);
    if (typeof value !== 'string')
      throw new IncorrectArgumentTypeError(`The runBash variable '${name}' must be a string, got ${typeof value}.`);
    if (value.includes('\0')) throw new IncorrectArgumentTypeError(`The runBash variable '${name}' contains a NUL character.`);
    lines.push(`export ${name}=${shellQuote(value)}`);
  }
  lines.push(`eval ${shellQuote(command)} </dev/null`);
  return lines.join('\n') + '\n';
}
