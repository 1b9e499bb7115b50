/** Authentication for the embedded SSH server: public keys from authorized_keys, optionally one password. */
import { timingSafeEqual } from 'node:crypto';
import type { AuthContext } from 'ssh2';
import { readAuthorizedKeys } from './keys.js';

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface AuthPolicy {
  /** Login names accepted (the first is the real OS user; others are simulated users sharing its keys). */
  users: readonly string[];
  authorizedKeysFile: string;
  password?: string;
}

/** Decide one authentication attempt. authorized_keys is re-read per attempt, as sshd does. */
export function authenticate(ctx: AuthContext, policy: AuthPolicy): void {
  const methods: Array<'publickey' | 'password'> = policy.password === undefined ? ['publickey'] : ['publickey', 'password'];
  if (!policy.users.includes(ctx.username)) return ctx.reject(methods);
  if (ctx.method === 'publickey') {
    const offered = ctx.key;
    const match = readAuthorizedKeys(policy.authorizedKeysFile).find(
      (k) => k.type === offered.algo && sameBytes(k.getPublicSSH(), offered.data),
    );
    if (!match) return ctx.reject(methods);
    // Without a signature the client only asks whether the key would be accepted.
    if (ctx.signature && ctx.blob && match.verify(ctx.blob, ctx.signature, ctx.hashAlgo) !== true) return ctx.reject(methods);
    return ctx.accept();
  }
  if (ctx.method === 'password' && policy.password !== undefined) {
    if (sameBytes(Buffer.from(ctx.password), Buffer.from(policy.password))) return ctx.accept();
  }
  return ctx.reject(methods);
}
