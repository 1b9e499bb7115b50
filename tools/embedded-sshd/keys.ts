/**
 * Key material for the embedded SSH server: a persisted host key, user key pairs, authorized_keys parsing,
 * and OpenSSH-style SHA256 fingerprints.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ssh2 from 'ssh2';
import type { ParsedKey } from 'ssh2';

const { utils } = ssh2;

function parseOne(data: string | Buffer, what: string): ParsedKey {
  const parsed = utils.parseKey(data);
  if (parsed instanceof Error) throw new Error(`${what}: ${parsed.message}`);
  return Array.isArray(parsed) ? parsed[0]! : parsed;
}

/**
 * A fresh ed25519 pair that ssh2 can read back: about 1 in 250 of the private keys ssh2's own generator writes
 * fail its parser ("Malformed OpenSSH private key", measured: 13 of 3,000), so such a pair is drawn again.
 */
export function generateEd25519(comment?: string): { private: string; public: string } {
  for (let attempt = 1; ; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519', comment ? { comment } : {});
    if (!(utils.parseKey(pair.private) instanceof Error) || attempt === 20) return pair;
  }
}

/** `SHA256:<base64 without padding>` of a public key blob, as `ssh-keygen -l` prints it. */
export function fingerprintOf(publicKeyBlob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(publicKeyBlob).digest('base64').replace(/=+$/, '');
}

/** Load the host key, generating (and persisting, mode 0600) an ed25519 key when the file is missing. */
export function loadOrCreateHostKey(file: string): { privateKey: string; fingerprint: string } {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    const pair = generateEd25519();
    writeFileSync(file, pair.private, { mode: 0o600 });
    writeFileSync(`${file}.pub`, pair.public + '\n', { mode: 0o644 });
  }
  const privateKey = readFileSync(file, 'utf8');
  const key = parseOne(privateKey, `host key ${file}`);
  return { privateKey, fingerprint: fingerprintOf(key.getPublicSSH()) };
}

/** Create an ed25519 user key pair in `dir` (id_ed25519, id_ed25519.pub). */
export function generateUserKeyPair(dir: string): { privateKeyFile: string; publicKeyLine: string } {
  mkdirSync(dir, { recursive: true });
  const pair = generateEd25519('hana-vdb');
  const privateKeyFile = join(dir, 'id_ed25519');
  writeFileSync(privateKeyFile, pair.private, { mode: 0o600 });
  writeFileSync(`${privateKeyFile}.pub`, pair.public + '\n', { mode: 0o644 });
  return { privateKeyFile, publicKeyLine: pair.public.trim() };
}

/**
 * Public keys of an OpenSSH authorized_keys file. Options before the key type are skipped (not enforced);
 * blank lines, comments and lines ssh2 cannot parse are ignored, as sshd does.
 */
export function readAuthorizedKeys(file: string): ParsedKey[] {
  if (!existsSync(file)) return [];
  const keys: ParsedKey[] = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const at = line.search(/(^|\s)(ssh-|ecdsa-|sk-)/);
    const candidate = at <= 0 ? line : line.slice(at + 1);
    const parsed = utils.parseKey(candidate);
    if (parsed instanceof Error) continue;
    keys.push(Array.isArray(parsed) ? parsed[0]! : parsed);
  }
  return keys;
}
