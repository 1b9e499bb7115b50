/**
 * OS users of the simulated hosts. hdbuserstore keys belong to one OS user (`<sid>adm` on real systems): a session
 * sees the store under its own home only. A session's OS user is its SSH login user, which sshd (OpenSSH and the
 * embedded one) puts into USER and LOGNAME; a program started outside SSH is its process's user.
 */
import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { userHome } from './paths.js';

/** The OS user of the session running a simulated program (hdbsql, hdbuserstore, hdbnsutil). */
export function sessionOsUser(env: NodeJS.ProcessEnv = process.env): string {
  return env.USER || env.LOGNAME || userInfo().username;
}

/** The OS user the landscape's hdbuserstore keys are written for: the one running the simulator (= `l.ssh.user`). */
export function keyOwner(): string {
  return userInfo().username;
}

const OS_USER = /^[a-z_][a-z0-9_-]{0,31}$/;

/** Further OS users that may log in over SSH (tests): checked names with their own (created) home directories. */
export function otherOsUsers(root: string, names: readonly string[]): { name: string; home: string }[] {
  return names.map((name) => {
    if (!OS_USER.test(name)) throw new Error(`sshUsers: "${name}" is not an OS user name (lower case letters, digits, _ and -)`);
    if (name === keyOwner()) throw new Error(`sshUsers: "${name}" is already the key owner (the SSH user)`);
    const home = userHome(root, name);
    mkdirSync(home, { recursive: true });
    return { name, home };
  });
}
