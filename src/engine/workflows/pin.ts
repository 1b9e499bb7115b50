/**
 * One achieved point per dSource snapshot (docs/GLOSSARY.md "pin"): the first VDB snapshot recorded from a dSource
 * snapshot pins what that recovery achieved (achievedTimestamp + reachedLogPosition) into the dSource snapshot's
 * metadata as pinnedTimestamp / pinnedLogPosition, in the same transaction as the VDB snapshot. The plugin then
 * recovers every later VDB of that snapshot to exactly the pinned point. An existing pin is never changed.
 */
import type { Store } from '../store/store.js';
import type { Json, SnapshotRow, VdbRow, VdbStatus } from '../store/types.js';

/** The dSource snapshot metadata with the pin, or null when it is pinned already or the VDB snapshot has no point. */
export function pinnedMetadata(dsource: Json, vdbSnapshot: Json): Json | null {
  if (typeof dsource.pinnedLogPosition === 'string') return null;
  const position = vdbSnapshot.reachedLogPosition;
  const timestamp = vdbSnapshot.achievedTimestamp;
  if (typeof position !== 'string' || typeof timestamp !== 'string') return null;
  return { ...dsource, pinnedTimestamp: timestamp, pinnedLogPosition: position };
}

/** Record a VDB snapshot and, when it is the first from its dSource snapshot, pin that snapshot: one transaction. */
export function addVdbSnapshotPinning(
  store: Store,
  vdb: VdbRow,
  parentSnapshotId: number | null,
  metadata: Json,
  migrationId: string | null,
  jobId: number,
  status: VdbStatus,
): { id: number; pinned: SnapshotRow | null } {
  return store.transaction(() => {
    const id = store.addVdbSnapshot(vdb, parentSnapshotId, metadata, migrationId, jobId, status);
    const parent = parentSnapshotId === null ? undefined : store.snapshot(parentSnapshotId);
    if (!parent || parent.kind !== 'dsource') return { id, pinned: null };
    const next = pinnedMetadata(parent.metadata, metadata);
    if (!next) return { id, pinned: null };
    store.updatePluginObject('snapshot', parent.id, next, parent.migrationId);
    return { id, pinned: store.snapshot(parent.id)! };
  });
}
