/** -f backup: `#PIPE|#FILE <path> [<max size>]` → `#SAVED "<ebid>" <path> <bytes>` | `#ERROR <path>`. */
import { pipeline, type Readable, type Transform } from 'node:stream';
import type { Line } from '../grammar.js';
import { quote } from '../grammar.js';
import { Count, encoder, Measure } from '../integrity.js';
import { newEbid, type ObjectKind } from '../objects.js';
import { awaitPath } from '../await-path.js';
import { openSource } from '../pipes.js';
import type { ObjectStore, PutInfo } from '../store/store.js';
import { inOrderPool, message, type FunctionOptions, type Outcome, type Output } from './context.js';

/** Through Node streams: size and checksum of the original bytes, then the codec, then the store. */
async function streamed(info: PutInfo, enc: Transform | undefined, store: ObjectStore) {
  const source = await openSource(info.path);
  const measure = new Measure();
  const count = new Count();
  const stages: NodeJS.ReadWriteStream[] = enc ? [measure, enc, count] : [measure, count];
  // pipeline() propagates a failure anywhere (pipe reset, store error) to every stage.
  const body = (pipeline as (...s: unknown[]) => Readable)(source, ...stages, () => undefined);
  return store.put(info, body, () => ({ size: measure.bytes, crc32: measure.digest(), storedSize: count.bytes }));
}

async function backupOne(line: Line, out: Output, store: ObjectStore, o: FunctionOptions): Promise<Outcome> {
  const target = line.params[0]!;
  const kind = line.keyword.slice(1) as ObjectKind;
  try {
    await awaitPath(target.value, o.params.BackupPipeWaitSeconds * 1000, 'BackupPipeWaitSeconds');
    const startedAt = o.clock();
    const info: PutInfo = {
      user: o.user,
      path: target.value,
      ebid: newEbid(startedAt),
      // Read by the store when it writes the manifest, after the last byte: inquire reports when the backup
      // completed, as Google's agent does (the object's creation time in GCS is when its upload finished).
      get createdAt() {
        return o.clock();
      },
      kind,
      codec: o.params.Compression,
      softwareId: o.softwareId?.[1],
    };
    const enc = encoder(o.params.Compression);
    const manifest = !enc && store.putPath ? await store.putPath(info, target.value) : await streamed(info, enc, store);
    const result = `#SAVED ${quote(info.ebid)} ${target.raw} ${manifest.size}`;
    out.line(result);
    o.log.info(`saved ${target.value} as ${info.ebid}: ${manifest.size} bytes, stored ${manifest.storedSize} (${manifest.codec})`);
    return { ok: true, result };
  } catch (e) {
    const result = `#ERROR ${target.raw}`;
    out.line(result);
    o.log.error(`backup of ${target.value} failed: ${message(e)}`);
    return { ok: false, result, reason: `${target.value}: ${message(e)}` };
  }
}

export async function backup(lines: readonly Line[], out: Output, store: ObjectStore, o: FunctionOptions): Promise<Outcome[]> {
  return inOrderPool(lines, o.params.UploadChannelSize, (line) => backupOne(line, out, store, o));
}
