/**
 * The store, read-only, as one consistent picture per command: every query of a command runs inside one
 * read transaction, so a concurrent engine writer (WAL) never shows us half a change.
 */
import { UserError } from '../../src/sdk/errors.js';
import { openDatabaseReadOnly } from '../../src/engine/store/database.js';
import { processAlive } from '../../src/engine/store/store.js';
import {
  StoreReader,
  storePath,
  type DSourceRow,
  type JobRow,
  type RecoveryHistoryRow,
  type SnapshotRow,
  type VdbRow,
} from '../../src/engine/store/read-only.js';

/** Everything the commands look at, read in one transaction. */
export interface StoreContents {
  storeFile: string;
  dsources: DSourceRow[];
  vdbs: VdbRow[];
  snapshots: SnapshotRow[];
  history: RecoveryHistoryRow[];
  jobs: JobRow[];
  /** Running jobs whose process has ended; the engine marks them interrupted the next time it opens the store. */
  deadJobIds: Set<number>;
}

/** StoreReader plus one read transaction around several queries (read-only.ts has no such call yet). */
class SnapshotReader extends StoreReader {
  readAll<T>(fn: (r: StoreReader) => T): T {
    return this.db.transaction(() => fn(this)).deferred();
  }
  close(): void {
    this.db.close();
  }
}

function damaged(file: string, e: Error): UserError {
  return new UserError(
    `The store ${file} cannot be read: ${e.message}. It is not an intact hana-vdb store.`,
    'Check --data-dir (or HANA_VDB_HOME) points at the hana-vdb data directory; if it does, restore hana-vdb.db from a backup.',
  );
}

function isSqliteError(e: unknown): e is Error {
  const code = (e as { code?: unknown } | null)?.code;
  return e instanceof Error && typeof code === 'string' && code.startsWith('SQLITE_');
}

export function readStore(dataDir: string): StoreContents {
  const file = storePath(dataDir);
  let reader: SnapshotReader;
  try {
    reader = new SnapshotReader(openDatabaseReadOnly(dataDir));
  } catch (e) {
    throw isSqliteError(e) ? damaged(file, e) : e;
  }
  try {
    const contents = reader.readAll((r) => ({
      dsources: r.dsources(),
      vdbs: r.vdbs(),
      snapshots: r.snapshots(),
      history: r.recoveryHistory(),
      jobs: r.jobs().reverse(), // oldest first, like everything else
    }));
    const deadJobIds = new Set(contents.jobs.filter((j) => j.outcome === 'running' && !processAlive(j.pid)).map((j) => j.id));
    return { storeFile: file, ...contents, deadJobIds };
  } catch (e) {
    throw isSqliteError(e) ? damaged(file, e) : e;
  } finally {
    reader.close();
  }
}
