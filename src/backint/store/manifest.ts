/** The manifest is parsed, not trusted: a damaged one is an error naming the object. */
import type { ObjectManifest } from '../objects.js';

export function parseManifest(text: string, what: string): ObjectManifest {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new Error(`manifest of ${what} is not JSON`);
  }
  const ok =
    m &&
    typeof m === 'object' &&
    typeof m.user === 'string' &&
    typeof m.path === 'string' &&
    typeof m.ebid === 'string' &&
    typeof m.createdAt === 'number' &&
    (m.kind === 'PIPE' || m.kind === 'FILE') &&
    Number.isSafeInteger(m.size) &&
    Number.isSafeInteger(m.storedSize) &&
    // Exactly one checksum: CRC-32 (stored now) or SHA-256 (stored by earlier versions).
    (typeof m.crc32 === 'string' && /^[0-9a-f]{8}$/.test(m.crc32)) !==
      (typeof m.sha256 === 'string' && /^[0-9a-f]{64}$/.test(m.sha256)) &&
    (m.crc32 === undefined || m.sha256 === undefined) &&
    (m.codec === 'none' || m.codec === 'gzip');
  if (!ok) throw new Error(`manifest of ${what} is damaged`);
  return m as unknown as ObjectManifest;
}
