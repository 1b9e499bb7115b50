/** The one interface both stores implement. Errors are thrown; the functions map them to #ERROR lines. */
import type { Readable } from 'node:stream';
import type { ChannelDigest } from '../channel/ring.js';
import type { ObjectManifest, ObjectVersion } from '../objects.js';

export interface PutInfo {
  readonly user: string;
  readonly path: string;
  readonly ebid: string;
  readonly createdAt: number;
  readonly kind: ObjectManifest['kind'];
  readonly codec: ObjectManifest['codec'];
  readonly softwareId?: string;
}

/** Size and CRC-32 of the ORIGINAL bytes, known only once the stream is consumed. */
export interface Digest {
  readonly size: number;
  readonly crc32: string;
  readonly storedSize: number;
}

export interface ObjectStore {
  /** Fails when the store is unreachable or misconfigured (bucket missing, wrong owner, root missing). */
  check(): Promise<void>;
  /**
   * Stores `body` (already encoded by the codec) and, once `digest()` resolves after the body ended,
   * records the manifest. The version becomes visible atomically at the very end, or never.
   */
  put(info: PutInfo, body: Readable, digest: () => Digest): Promise<ObjectManifest>;
  /** Every version of one path, any order; [] when none. */
  versions(user: string, path: string): Promise<ObjectVersion[]>;
  /** Every version of every path of the user. */
  list(user: string): Promise<ObjectVersion[]>;
  /** The manifest of one version, or undefined when it does not exist. */
  stat(user: string, path: string, ebid: string): Promise<ObjectManifest | undefined>;
  /** The stored (encoded) bytes of a version. */
  open(manifest: ObjectManifest): Promise<Readable>;
  /**
   * Optional, for uncompressed objects of a store that can copy local files itself (filesystem): store the
   * bytes of the FIFO or file at `source` without passing them through Node streams.
   */
  putPath?(info: PutInfo, source: string): Promise<ObjectManifest>;
  /**
   * Optional counterpart of putPath: write a version into HANA's FIFO (or a file); returns the size and the
   * checksum (the manifest's algorithm) of what was written.
   */
  restoreTo?(manifest: ObjectManifest, destination: string, pipeOpenTimeoutMs: number): Promise<ChannelDigest>;
  /** 'deleted' | 'notfound'; throws NotDeletedError when the store refuses. */
  remove(user: string, path: string, ebid: string): Promise<'deleted' | 'notfound'>;
  /** Releases connections (S3); the filesystem store holds none. */
  close?(): void;
}

/** The store refused a delete (permissions, object lock): reported as #NOTDELETED. */
export class NotDeletedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotDeletedError';
  }
}
