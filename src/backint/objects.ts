/** What the protocol needs to know about object names and versions, independent of any store. */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { ChecksumAlgorithm } from './checksum.js';
import type { Codec } from './params.js';

export type ObjectKind = 'PIPE' | 'FILE';

/** One stored version of (user, path); `createdAt` is epoch ms on the agent's clock. */
export interface ObjectVersion {
  readonly user: string;
  readonly path: string;
  readonly ebid: string;
  readonly createdAt: number;
}

/** Recorded with every object: restore verifies the size and the checksum of the original bytes. */
export interface ObjectManifest extends ObjectVersion {
  readonly kind: ObjectKind;
  readonly size: number;
  /** CRC-32 of the original bytes (8 hex digits): every object stored now (checksum.ts). */
  readonly crc32?: string;
  /** SHA-256 of the original bytes: objects stored by versions before CRC-32. A manifest holds exactly one. */
  readonly sha256?: string;
  readonly codec: Codec;
  readonly storedSize: number;
  readonly softwareId?: string;
}

/** The checksum a manifest records, and with which algorithm. */
export function recordedChecksum(m: ObjectManifest): { algorithm: ChecksumAlgorithm; value: string } {
  return m.crc32 !== undefined ? { algorithm: 'crc32', value: m.crc32 } : { algorithm: 'sha256', value: m.sha256! };
}

/** Opaque to HANA; the creation time leads so versions sort naturally, the random tail keeps it unique. */
export function newEbid(createdAt: number): string {
  return `${createdAt.toString().padStart(13, '0')}-${randomBytes(4).toString('hex')}`;
}

export function ebidCreatedAt(ebid: string): number | undefined {
  const m = /^(\d{13,})-[0-9a-f]{8}$/.exec(ebid);
  return m ? Number(m[1]) : undefined;
}

const CATALOG = 'log_backup_0_0_0_0';

/** Log backups: `log_backup_<vol>_0_<start>_<end>`; the catalog shares the prefix but is not one. */
export function isLogBackup(p: string): boolean {
  const base = path.posix.basename(p);
  return base.startsWith('log_backup_') && base !== CATALOG;
}

/** Restores of log and catalog backups run one at a time (as GSA does). */
export function isSerialRestore(p: string): boolean {
  return path.posix.basename(p).startsWith('log_backup_');
}

/** Which objects arrive late at the media server, and how late. */
export interface VisibilityRule {
  delayMs: number;
  /** The catalog backup travels with the log backups (as with Commvault), so it lags too. */
  includesCatalog: boolean;
}

export function visibilityRule(p: {
  LogVisibilityDelaySeconds: number;
  LogVisibilityDelayIncludesCatalog: boolean;
}): VisibilityRule {
  return { delayMs: p.LogVisibilityDelaySeconds * 1000, includesCatalog: p.LogVisibilityDelayIncludesCatalog };
}

export function isVisible(v: ObjectVersion, now: number, rule: VisibilityRule): boolean {
  const delayed = isLogBackup(v.path) || (rule.includesCatalog && path.posix.basename(v.path) === CATALOG);
  return !delayed || v.createdAt + rule.delayMs <= now;
}

export function newestFirst(a: ObjectVersion, b: ObjectVersion): number {
  return b.createdAt - a.createdAt || (a.ebid < b.ebid ? 1 : a.ebid > b.ebid ? -1 : 0);
}

/**
 * One path segment as a safe file/key name: percent-encoding (which never yields `@`, `.`-only
 * names or empty names) so `@` can mark the versions folder and `..` can never escape.
 */
export function encodeSegment(s: string): string {
  if (s === '') return '%';
  const e = encodeURIComponent(s)
    .replace(/\*/g, '%2A')
    .replace(/'/g, '%27')
    .replace(/!/g, '%21')
    .replace(/[()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return e.replace(/^\.+$/, (dots) => '%2E'.repeat(dots.length));
}

export function decodeSegment(s: string): string {
  return s === '%' ? '' : decodeURIComponent(s);
}

/** `/usr/sap/X/a b` → ['usr', 'sap', 'X', 'a%20b'] (the leading slash is implied). */
export function encodePath(p: string): string[] {
  const segs = p.split('/');
  if (segs[0] === '') segs.shift();
  return segs.map(encodeSegment);
}

export function decodePath(segs: readonly string[]): string {
  return '/' + segs.map(decodeSegment).join('/');
}

/** The folder name that holds the versions of one path. */
export const VERSIONS = '@';
