/**
 * The read-only API of the engine store, for tools (hana-vdb-meta). Opens the SQLite file read-only:
 * nothing here can change the store, and it never migrates (an older store is reported, not touched).
 *
 *   const store = openStoreReadOnly(dataDir);
 *   try { store.dsources(); store.snapshots({ dsourceName: 'prd' }); store.recoveryHistory('vdb1'); }
 *   finally { store.close(); }
 */
import { openDatabaseReadOnly } from './database.js';
import { StoreReader } from './queries.js';

export * from './types.js';
export { StoreReader } from './queries.js';
export { storePath, STORE_FILE } from './database.js';
export { resolveDataDir } from '../data-dir.js';

export interface ReadOnlyStore extends StoreReader {
  close(): void;
}

export function openStoreReadOnly(dataDir: string): ReadOnlyStore {
  const db = openDatabaseReadOnly(dataDir);
  const reader = new StoreReader(db) as ReadOnlyStore;
  reader.close = () => db.close();
  return reader;
}
