/**
 * Host-key verification, as OpenSSH does it: a pinned SHA256 fingerprint, or a known_hosts file
 * (plain, hashed `|1|salt|hash` and wildcard host patterns, `[host]:port` for ports other than 22).
 * Unknown hosts are refused unless accept-new was asked for; then the key is appended to the file.
 * A key that differs from the recorded one is always refused.
 */
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { UserError } from '../../sdk/errors.js';

export type HostKeyPolicy =
  { kind: 'fingerprint'; fingerprint: string } | { kind: 'known-hosts'; file: string; acceptNew: boolean };

export const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/;

export function fingerprintOf(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** The key type named inside an SSH public key blob (its first length-prefixed string). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('ascii');
}

export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

interface Entry {
  marker?: string;
  patterns: string;
  type: string;
  blob: Buffer;
}

function parseKnownHosts(text: string): Entry[] {
  const out: Entry[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = line.split(/\s+/);
    const marker = fields[0]!.startsWith('@') ? fields.shift() : undefined;
    if (fields.length < 3) continue;
    out.push({ marker, patterns: fields[0]!, type: fields[1]!, blob: Buffer.from(fields[2]!, 'base64') });
  }
  return out;
}

function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .replace(/[.+^${}()|[\]\\]/g, '\\$&')
        .replace(/\*/g, '.*')
        .replace(/\?/g, '.') +
      '$',
    'i',
  );
  return re.test(name);
}

function hostMatches(patterns: string, name: string): boolean {
  if (patterns.startsWith('|1|')) {
    const [, , salt, hash] = patterns.split('|');
    if (!salt || !hash) return false;
    return createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64') === hash;
  }
  let matched = false;
  for (const p of patterns.split(',')) {
    if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) matched = true;
  }
  return matched;
}

export type Verdict = { ok: true; recorded?: boolean } | { ok: false; error: UserError };

function mismatch(where: string, host: string, port: number, presented: string, expected: string[]): UserError {
  return new UserError(
    `The host key of ${host}:${port} does not match ${where}: the server presented ${presented}, ` +
      `expected ${expected.join(' or ')}. Refusing to connect ` +
      '(the host may have been reinstalled, or someone may be intercepting the connection).',
    "Verify the host's fingerprint out of band (ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub on the host); " +
      `if the change is legitimate, update ${where}.`,
  );
}

/** Decide whether `blob`, presented by host:port, is acceptable under `policy`. May record it (accept-new). */
export function verifyHostKey(policy: HostKeyPolicy, host: string, port: number, blob: Buffer): Verdict {
  const presented = fingerprintOf(blob);
  if (policy.kind === 'fingerprint') {
    return presented === policy.fingerprint
      ? { ok: true }
      : { ok: false, error: mismatch('the pinned fingerprint', host, port, presented, [policy.fingerprint]) };
  }
  const name = knownHostsName(host, port);
  const entries = existsSync(policy.file) ? parseKnownHosts(readFileSync(policy.file, 'utf8')) : [];
  const forHost = entries.filter((e) => e.marker !== '@cert-authority' && hostMatches(e.patterns, name));
  if (forHost.some((e) => e.marker === '@revoked' && e.blob.equals(blob))) {
    return {
      ok: false,
      error: new UserError(
        `The host key ${presented} of ${host}:${port} is marked @revoked in ${policy.file}.`,
        'Replace the host key on the server, then record the new one.',
      ),
    };
  }
  const plain = forHost.filter((e) => e.marker === undefined);
  if (plain.some((e) => e.blob.equals(blob))) return { ok: true };
  if (plain.length > 0)
    return {
      ok: false,
      error: mismatch(
        `known_hosts file ${policy.file}`,
        host,
        port,
        presented,
        plain.map((e) => fingerprintOf(e.blob)),
      ),
    };
  if (!policy.acceptNew) {
    return {
      ok: false,
      error: new UserError(
        `The host ${host}:${port} is not in ${policy.file} (it presented ${presented}). Refusing to connect to an unverified host.`,
        `Verify the fingerprint out of band, then pin it with --host-key ${presented}, or add the host to the known_hosts file, ` +
          'or pass --accept-new to record it on first connection.',
      ),
    };
  }
  mkdirSync(dirname(policy.file), { recursive: true });
  appendFileSync(policy.file, `${name} ${keyTypeOf(blob)} ${blob.toString('base64')}\n`, { mode: 0o600 });
  return { ok: true, recorded: true };
}
