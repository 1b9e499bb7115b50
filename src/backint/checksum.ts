/**
 * The check restore makes of the bytes it reads back. Objects are stored with zlib's CRC-32, which costs 0.19
 * CPU seconds per GiB on our machine where SHA-256 costs 0.71 even with SHA-NI: on two cores a 1 GiB restore from
 * the page cache took 1.04 s with SHA-256 and 0.75 s with CRC-32 (medians; src/backint/README.md, "Integrity").
 * Objects stored before carry SHA-256 and are checked with it. The manifest lives beside the data, so neither check detects a
 * deliberate rewrite of both; the check is for what disks and networks do. CRC-32 catches every error burst of
 * up to 32 bits and misses other damage with probability 2^-32, and HANA checks its pages' own checksums as it
 * recovers.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export type ChecksumAlgorithm = 'crc32' | 'sha256';

/** What every object stored now is checked with. */
export const STORED_CHECKSUM: ChecksumAlgorithm = 'crc32';

export interface Checksum {
  update(bytes: Uint8Array): void;
  /** Lower-case hex: 8 digits for CRC-32, 64 for SHA-256. Call once, after the last update. */
  hex(): string;
}

export function newChecksum(algorithm: ChecksumAlgorithm): Checksum {
  if (algorithm === 'sha256') {
    const hash = createHash('sha256');
    return { update: (b) => void hash.update(b), hex: () => hash.digest('hex') };
  }
  let value = 0;
  return {
    update: (b) => void (value = crc32(b, value)),
    hex: () => value.toString(16).padStart(8, '0'),
  };
}

export function checksumOf(algorithm: ChecksumAlgorithm, bytes: Uint8Array): string {
  const c = newChecksum(algorithm);
  c.update(bytes);
  return c.hex();
}

export const CHECKSUM_NAMES: Record<ChecksumAlgorithm, string> = { crc32: 'CRC-32', sha256: 'SHA-256' };
