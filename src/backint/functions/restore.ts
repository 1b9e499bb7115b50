/**
 * -f restore: `#EBID "<ebid>" <path> [<dest>]` | `#NULL <path> [<dest>]` →
 * `#RESTORED "<ebid>" <path>` | `#NOTFOUND <path>` | `#ERROR <path>`.
 * Data objects run in parallel up to MaximumConcurrentFilesForRestore; log backups one at a time.
 */
import type { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Line } from '../grammar.js';
import { quote } from '../grammar.js';
import type { ChannelDigest } from '../channel/ring.js';
import { openSinkChannel } from '../channel/sink.js';
import { awaitPath } from '../await-path.js';
import { decoder } from '../integrity.js';
import { CHECKSUM_NAMES } from '../checksum.js';
import { isSerialRestore, isVisible, newestFirst, recordedChecksum, visibilityRule, type ObjectManifest } from '../objects.js';
import type { ObjectStore } from '../store/store.js';
import { inOrderPool, message, type FunctionOptions, type Outcome, type Output } from './context.js';

/** The version a restore line names, if it exists and is visible now. */
async function resolve(line: Line, store: ObjectStore, o: FunctionOptions): Promise<ObjectManifest | undefined> {
  const rule = visibilityRule(o.params);
  if (line.keyword === '#EBID') {
    const m = await store.stat(o.user, line.params[1]!.value, line.params[0]!.value);
    return m && isVisible(m, o.clock(), rule) ? m : undefined;
  }
  const p = line.params[0]!.value;
  const now = o.clock();
  const newest = (await store.versions(o.user, p)).filter((v) => isVisible(v, now, rule)).sort(newestFirst)[0];
  return newest && (await store.stat(o.user, p, newest.ebid));
}

/** Through Node streams (S3, compressed objects) into a channel worker that writes and checksums HANA's pipe. */
async function streamed(
  m: ObjectManifest,
  dec: Transform | undefined,
  dest: string,
  timeoutMs: number,
  store: ObjectStore,
): Promise<ChannelDigest> {
  const source = await store.open(m);
  const sink = await openSinkChannel(dest, timeoutMs, recordedChecksum(m).algorithm).catch((e: unknown) => {
    source.destroy();
    throw e;
  });
  await (dec ? pipeline(source, dec, sink.stream) : pipeline(source, sink.stream));
  return sink.digest();
}

/**
 * The bytes read back are not those recorded at backup: say which object (HANA knows it by EBID), how it differs,
 * and what to do, since HANA quotes this reason in its recovery error.
 */
export function corrupted(m: ObjectManifest, restored: ChannelDigest): Error {
  const recorded = recordedChecksum(m);
  const how =
    restored.size !== m.size
      ? `size mismatch: ${restored.size} bytes read back, ${m.size} backed up`
      : `${CHECKSUM_NAMES[recorded.algorithm]} mismatch: ${restored.checksum.slice(0, 16)} read back, ` +
        `${recorded.value.slice(0, 16)} at backup`;
  return new Error(
    `object EBID ${m.ebid} of ${m.path} is corrupted in the store (${how}): answered #ERROR, HANA must not use it. ` +
      'Recover from other backups (an older or newer data backup and its logs), or put back an intact copy of the object',
  );
}

async function restoreOne(line: Line, out: Output, store: ObjectStore, o: FunctionOptions): Promise<Outcome> {
  const pathTok = line.keyword === '#EBID' ? line.params[1]! : line.params[0]!;
  const destTok = line.keyword === '#EBID' ? line.params[2] : line.params[1];
  try {
    const m = await resolve(line, store, o);
    if (!m) {
      const result = `#NOTFOUND ${pathTok.raw}`;
      out.line(result);
      o.log.warn(`restore of ${pathTok.value}: not found`);
      return { ok: false, result, reason: `${pathTok.value}: not found` };
    }
    const dest = destTok?.value ?? pathTok.value;
    const timeoutMs = o.params.RestorePipeOpenTimeoutSeconds * 1000;
    // A pipe backup is restored into a pipe HANA creates: never pre-create it as a regular file (Google's agent
    // decides FIFO or file from the stored object's type the same way, internal/backint/restore/restore.go).
    if (m.kind === 'PIPE') await awaitPath(dest, timeoutMs, 'RestorePipeOpenTimeoutSeconds');
    const dec = decoder(m.codec);
    const restored =
      !dec && store.restoreTo ? await store.restoreTo(m, dest, timeoutMs) : await streamed(m, dec, dest, timeoutMs, store);
    if (restored.size !== m.size || restored.checksum !== recordedChecksum(m).value) throw corrupted(m, restored);
    const result = `#RESTORED ${quote(m.ebid)} ${pathTok.raw}`;
    out.line(result);
    o.log.info(`restored ${m.ebid} of ${pathTok.value} (${m.size} bytes)`);
    return { ok: true, result };
  } catch (e) {
    const result = `#ERROR ${pathTok.raw}`;
    out.line(result);
    o.log.error(`restore of ${pathTok.value} failed: ${message(e)}`);
    return { ok: false, result, reason: `${pathTok.value}: ${message(e)}` };
  }
}

export async function restore(lines: readonly Line[], out: Output, store: ObjectStore, o: FunctionOptions): Promise<Outcome[]> {
  let serial: Promise<unknown> = Promise.resolve();
  return inOrderPool(lines, o.params.MaximumConcurrentFilesForRestore, (line) => {
    const p = (line.keyword === '#EBID' ? line.params[1] : line.params[0])!.value;
    if (!isSerialRestore(p)) return restoreOne(line, out, store, o);
    const run = serial.then(() => restoreOne(line, out, store, o));
    serial = run;
    return run;
  });
}
