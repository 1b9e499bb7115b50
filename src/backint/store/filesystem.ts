/**
 * Filesystem store: <root>/<user>/<path segments>/@/<ebid>.data and <ebid>.json (the manifest).
 * Both are written under temporary names in <root>/@partial (a name no user segment can take), fsynced, renamed
 * data-first into the versions folder and that folder fsynced: the manifest's rename is the commit, so a partly
 * written object is never listed. A temporary name carries the writer's host and pid: the first backup of a later
 * run removes what agents on this host that no longer run (killed mid-backup) left there.
 * Uncompressed objects are copied between HANA's pipe and the data file by a channel worker (putPath,
 * restoreTo); compressed ones pass through Node streams (put, open).
 */
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, unlink, type FileHandle } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import {
  decodePath,
  ebidCreatedAt,
  encodePath,
  encodeSegment,
  recordedChecksum,
  VERSIONS,
  type ObjectManifest,
  type ObjectVersion,
} from '../objects.js';
import { fileToPipe } from '../channel/from-file.js';
import { pipeToFile } from '../channel/to-file.js';
import type { ChannelDigest } from '../channel/ring.js';
import { openDestination } from '../channel/destination.js';
import { NotDeletedError, type Digest, type ObjectStore, type PutInfo } from './store.js';
import { parseManifest } from './manifest.js';
import { enospc, errnoCode } from '../errno.js';
import { sourceKind } from '../pipes.js';

export interface FilesystemStoreOptions {
  /** O_DIRECT for the data files that channel workers copy (default true; see channel/direct.ts). */
  directIO?: boolean;
  /** Fault tests: writes fail with ENOSPC once an object has this many bytes (both copy paths). */
  failWritesAfterBytes?: number;
}

/** Temporary files of objects being written; `@` never starts an encoded user segment. */
const PARTIAL = '@partial';
const BATCH_BYTES = 1 << 20;
/** Batches written concurrently while the pipe is read on (memory: this many batches). */
const WRITES_IN_FLIGHT = 4;
/** Flush to disk while copying, so the final fsync does not wait for the whole object. */
const FLUSH_EVERY = 64 << 20;

async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** This host's name as it may appear in a file name. */
const HOST = encodeSegment(hostname());

/** Whether a process with this pid runs on this host (EPERM: it runs as another user). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/**
 * Why a write into the store failed, in words that name the store and the fix (HANA quotes the agent's console
 * output in its backup error); other errors pass unchanged.
 */
export function storeWriteError(e: unknown, root: string, what: string): unknown {
  const code = errnoCode(e);
  const lost = `${what} was not stored; objects stored before are intact`;
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new Error(
      `the store is full: writing under FilesystemRoot ${root} failed with ${code} ` +
        `(${code === 'ENOSPC' ? 'no space left on device' : 'disk quota exceeded'}); ${lost}. ` +
        `Free space on the filesystem of ${root} (or point FilesystemRoot at a larger one), then run the backup again`,
      { cause: e },
    );
  if (code === 'EFBIG')
    return new Error(
      `the object is larger than this process may write: writing under FilesystemRoot ${root} failed with EFBIG ` +
        `(file too large); ${lost}. Raise the file size limit (ulimit -f) of HANA's OS user that runs hdbbackint, ` +
        `or use a filesystem for ${root} that allows larger files, then run the backup again`,
      { cause: e },
    );
  return e;
}

export class FilesystemStore implements ObjectStore {
  private swept = false;

  constructor(
    private readonly root: string,
    private readonly options: FilesystemStoreOptions = {},
  ) {}

  private async write(fh: FileHandle, chunks: Buffer[], position: number): Promise<void> {
    const limit = this.options.failWritesAfterBytes;
    if (limit !== undefined && position + chunks.reduce((n, c) => n + c.length, 0) > limit) throw enospc();
    await fh.writev(chunks, position);
  }

  private get directIO(): boolean {
    return this.options.directIO ?? true;
  }

  private versionsDir(user: string, p: string): string {
    return path.join(this.root, encodeSegment(user), ...encodePath(p), VERSIONS);
  }

  async check(): Promise<void> {
    let s;
    try {
      s = await stat(this.root);
    } catch (e) {
      throw new Error(
        `store unreachable: FilesystemRoot ${this.root} ` +
          `${errnoCode(e) === 'ENOENT' ? 'does not exist' : `cannot be read (${errnoCode(e)})`}`,
        { cause: e },
      );
    }
    if (!s.isDirectory()) throw new Error(`store unreachable: FilesystemRoot ${this.root} is not a directory`);
  }

  async put(info: PutInfo, body: Readable, digest: () => Digest): Promise<ObjectManifest> {
    return this.store(info, async (fh) => {
      try {
        await this.copy(body, fh);
      } catch (e) {
        body.destroy();
        throw e;
      }
      return digest();
    });
  }

  /** HANA's pipe into the data file through a channel (to-file.ts): read and hashed on a worker, written directly. */
  async putPath(info: PutInfo, source: string): Promise<ObjectManifest> {
    await sourceKind(source); // a clear error for a missing path before anything is written
    return this.store(info, async (_fh, file) => {
      const d = await pipeToFile({
        pipe: source,
        file,
        direct: this.directIO,
        ...(this.options.failWritesAfterBytes !== undefined ? { failWritesAfterBytes: this.options.failWritesAfterBytes } : {}),
      });
      return { size: d.size, crc32: d.checksum, storedSize: d.size };
    });
  }

  /**
   * Writes the data under a temporary name with `fill` (given the file open and its path; it leaves the data
   * fsynced), then the manifest; renames
   * data first and manifest last (the commit) and fsyncs the directory. On failure nothing is left behind.
   */
  private async store(info: PutInfo, fill: (fh: FileHandle, file: string) => Promise<Digest>): Promise<ObjectManifest> {
    const dir = this.versionsDir(info.user, info.path);
    const partial = path.join(this.root, PARTIAL);
    await mkdir(dir, { recursive: true });
    await mkdir(partial, { recursive: true });
    await this.sweepPartial(partial);
    const dataFile = path.join(dir, `${info.ebid}.data`);
    const manifestFile = path.join(dir, `${info.ebid}.json`);
    const tmp = path.join(partial, `${HOST}.${process.pid}.${info.ebid}`);
    const tmpData = `${tmp}.data.tmp`;
    const tmpManifest = `${tmp}.json.tmp`;
    try {
      const fh = await open(tmpData, 'wx');
      let digest: Digest;
      try {
        digest = await fill(fh, tmpData);
      } finally {
        await fh.close();
      }
      const manifest: ObjectManifest = {
        user: info.user,
        path: info.path,
        ebid: info.ebid,
        createdAt: info.createdAt,
        kind: info.kind,
        codec: info.codec,
        ...digest,
        ...(info.softwareId ? { softwareId: info.softwareId } : {}),
      };
      const mh = await open(tmpManifest, 'wx');
      try {
        await mh.writeFile(JSON.stringify(manifest));
        await mh.sync();
      } finally {
        await mh.close();
      }
      await rename(tmpData, dataFile);
      await rename(tmpManifest, manifestFile);
      await fsyncDir(dir);
      return manifest;
    } catch (e) {
      await rm(tmpData, { force: true });
      await rm(tmpManifest, { force: true });
      throw storeWriteError(e, this.root, `object ${info.ebid} of ${info.path}`);
    }
  }

  /** Once per agent run: removes temporary files that agents on this host left when they were killed. */
  private async sweepPartial(partial: string): Promise<void> {
    if (this.swept) return;
    this.swept = true;
    for (const name of await readdir(partial)) {
      const m = /^(.+)\.(\d+)\.[^.]+\.(data|json)\.tmp$/.exec(name);
      if (m && m[1] === HOST && Number(m[2]) !== process.pid && !running(Number(m[2])))
        await rm(path.join(partial, name), { force: true });
    }
  }

  /** Copies with positioned writes in flight and periodic fdatasync behind them; ends fsynced. */
  private async copy(body: Readable, fh: FileHandle): Promise<void> {
    const inflight = new Set<Promise<void>>();
    let failure: unknown;
    const track = (p: Promise<void>) => {
      const t = p.catch((e: unknown) => void (failure ??= e)).finally(() => inflight.delete(t));
      inflight.add(t);
    };
    let position = 0;
    let flushed = 0;
    let flushing: Promise<void> | undefined;
    let batch: Buffer[] = [];
    let batchBytes = 0;
    const submit = async () => {
      track(this.write(fh, batch, position));
      position += batchBytes;
      batch = [];
      batchBytes = 0;
      while (inflight.size >= WRITES_IN_FLIGHT) await Promise.race(inflight);
      if (failure) throw failure;
      if (!flushing && position - flushed >= FLUSH_EVERY) {
        const upTo = position;
        flushing = fh.datasync().then(() => {
          flushed = upTo;
          flushing = undefined;
        });
        track(flushing);
      }
    };
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        batch.push(chunk);
        batchBytes += chunk.length;
        if (batchBytes >= BATCH_BYTES) await submit();
      }
      if (batchBytes) await submit();
    } finally {
      await Promise.all(inflight);
    }
    if (failure) throw failure;
    await fh.sync();
  }

  async versions(user: string, p: string): Promise<ObjectVersion[]> {
    return this.readVersions(user, p, this.versionsDir(user, p));
  }

  private async readVersions(user: string, p: string, dir: string): Promise<ObjectVersion[]> {
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return [];
      throw e;
    }
    const out: ObjectVersion[] = [];
    for (const name of names) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const ebid = name.slice(0, -'.json'.length);
      const createdAt = ebidCreatedAt(ebid) ?? (await this.stat(user, p, ebid))?.createdAt;
      if (createdAt !== undefined) out.push({ user, path: p, ebid, createdAt });
    }
    return out;
  }

  async list(user: string): Promise<ObjectVersion[]> {
    const out: ObjectVersion[] = [];
    const walk = async (dir: string, segs: string[]): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') return;
        throw e;
      }
      for (const entry of entries) {
        if (!entry.isDirectory()) continue;
        const child = path.join(dir, entry.name);
        if (entry.name === VERSIONS) out.push(...(await this.readVersions(user, decodePath(segs), child)));
        else await walk(child, [...segs, entry.name]);
      }
    };
    await walk(path.join(this.root, encodeSegment(user)), []);
    return out;
  }

  async stat(user: string, p: string, ebid: string): Promise<ObjectManifest | undefined> {
    if (!/^[\w.-]+$/.test(ebid) || ebid.startsWith('.')) return undefined;
    let text: string;
    try {
      text = await readFile(path.join(this.versionsDir(user, p), `${ebid}.json`), 'utf8');
    } catch (e) {
      if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return undefined;
      throw e;
    }
    return parseManifest(text, `${user}:${p}:${ebid}`);
  }

  /** The data file of a version, checked against the manifest's stored size before HANA's pipe is touched. */
  private async dataFile(m: ObjectManifest): Promise<string> {
    const file = path.join(this.versionsDir(m.user, m.path), `${m.ebid}.data`);
    let s;
    try {
      s = await stat(file);
    } catch (e) {
      throw new Error(`object data of ${m.ebid} is missing (${errnoCode(e)})`, { cause: e });
    }
    if (s.size !== m.storedSize)
      throw new Error(
        `object EBID ${m.ebid} of ${m.path} is damaged in the store: its data file ${file} has ${s.size} bytes, ` +
          `expected ${m.storedSize}. Recover from other backups, or put back an intact copy of that file`,
      );
    return file;
  }

  async open(m: ObjectManifest): Promise<Readable> {
    return createReadStream(await this.dataFile(m), { highWaterMark: 1 << 20 });
  }

  async restoreTo(m: ObjectManifest, destination: string, pipeOpenTimeoutMs: number): Promise<ChannelDigest> {
    const file = await this.dataFile(m);
    const dest = await openDestination(destination, pipeOpenTimeoutMs);
    try {
      return await fileToPipe({
        file,
        size: m.storedSize,
        output: dest.output,
        direct: this.directIO,
        checksum: recordedChecksum(m).algorithm,
        onOpened: () => dest.release(),
      });
    } finally {
      dest.release();
    }
  }

  async remove(user: string, p: string, ebid: string): Promise<'deleted' | 'notfound'> {
    if (!(await this.stat(user, p, ebid))) return 'notfound';
    const dir = this.versionsDir(user, p);
    try {
      await unlink(path.join(dir, `${ebid}.json`));
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') return 'notfound';
      if (errnoCode(e) === 'EACCES' || errnoCode(e) === 'EPERM' || errnoCode(e) === 'EROFS')
        throw new NotDeletedError(`delete refused: ${errnoCode(e)}`);
      throw e;
    }
    await rm(path.join(dir, `${ebid}.data`), { force: true });
    await fsyncDir(dir);
    return 'deleted';
  }
}
