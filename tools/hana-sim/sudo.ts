/**
 * `sudo` of the simulated hosts, so a session can run commands as the OS user owning the hdbuserstore keys
 * (`sudo -iu <sid>adm …` on real systems): `sudo [-n] [-i] -u USER [--] COMMAND [ARG…]`. The simulated host's users are
 * the directories under `<root>/home`; any of them may act as any other without a password (a NOPASSWD sudoers rule —
 * the simulator's choice). USER, LOGNAME and HOME become the target user's; with -i the command runs through
 * `bash -c` from HOME with every character but letters, digits, `_`, `-` and `$` backslash-escaped, as sudo -i does.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { userHome } from './paths.js';

export interface SudoRequest {
  user: string;
  login: boolean;
  command: string[];
}

/** Parses sudo's options as far as the simulated host supports them; a string is the usage error. */
export function parseSudo(argv: string[]): SudoRequest | string {
  let user: string | undefined;
  let login = false;
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    const letters = a.slice(1);
    for (let k = 0; k < letters.length; k++) {
      const c = letters[k]!;
      if (c === 'i') login = true;
      else if (c === 'n') continue;
      else if (c === 'u') {
        user = letters.slice(k + 1) || argv[++i];
        break;
      } else return `sudo: option -${c} is not supported on the simulated host (use -u USER [-i] [-n])`;
    }
  }
  if (!user) return 'usage: sudo [-n] [-i] -u USER [--] COMMAND [ARG...]';
  const command = argv.slice(i);
  if (!command.length) return 'sudo: a command is needed (the simulated host has no interactive shell)';
  return { user, login, command };
}

const escapeForLogin = (arg: string) => arg.replace(/[^A-Za-z0-9_\-$]/g, (c) => `\\${c}`);

/** Runs the request; returns the exit code (1 and a message on stderr when the user is unknown). */
export function runSudo(root: string, req: SudoRequest, stderr: (s: string) => void): number {
  const homes = join(root, 'home');
  const users = existsSync(homes) ? readdirSync(homes) : [];
  if (!users.includes(req.user)) {
    stderr(`sudo: unknown user ${req.user}\n`);
    return 1;
  }
  const home = userHome(root, req.user);
  const env = { ...process.env, USER: req.user, LOGNAME: req.user, HOME: home };
  const r = req.login
    ? spawnSync('bash', ['-c', req.command.map(escapeForLogin).join(' ')], { cwd: home, env, stdio: 'inherit' })
    : spawnSync(req.command[0]!, req.command.slice(1), { env, stdio: 'inherit' });
  if (r.error) {
    stderr(`sudo: ${req.command[0]}: ${r.error.message}\n`);
    return 1;
  }
  return r.status ?? 1;
}
