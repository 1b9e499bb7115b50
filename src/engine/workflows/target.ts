/**
 * The target a VDB changes: one tenant (host, system, tenant name). A target belongs to at most one VDB,
 * and only one job at a time changes it. Both hold across processes because they are checked and taken
 * inside the job's store transaction (Store.startJob), not in memory.
 */
import { UserError } from '../../sdk/errors.js';
import type { Store } from '../store/store.js';
import type { Json, VdbRow } from '../store/types.js';

export interface TargetOf {
  environmentId: number;
  repositoryId: number;
  parameters: Json;
}

function tenantOf(parameters: Json): string | undefined {
  const tenant = (parameters as Record<string, unknown>).targetTenant;
  return typeof tenant === 'string' && tenant ? tenant.toUpperCase() : undefined;
}

/** The lock key and a readable name of the target, or undefined when the parameters name no tenant. */
export function vdbTarget(store: Store, v: TargetOf): { key: string; label: string } | undefined {
  const tenant = tenantOf(v.parameters);
  if (!tenant) return undefined;
  const env = store.environmentById(v.environmentId);
  const repo = store.repository(v.repositoryId);
  const sid = (repo?.object as Record<string, unknown> | undefined)?.sid;
  const system = typeof sid === 'string' ? sid : (repo?.name ?? `repository ${v.repositoryId}`);
  return {
    key: `tenant:${v.environmentId}:${v.repositoryId}:${tenant}`,
    label: `The tenant ${tenant}@${system} on environment '${env?.name ?? v.environmentId}'`,
  };
}

/** The VDB other than `name` that owns the same target, if any. */
export function targetOwner(store: Store, v: TargetOf, name: string): VdbRow | undefined {
  const tenant = tenantOf(v.parameters);
  if (!tenant) return undefined;
  return store
    .vdbs()
    .find(
      (o) =>
        o.name !== name &&
        o.environmentId === v.environmentId &&
        o.repositoryId === v.repositoryId &&
        tenantOf(o.parameters) === tenant,
    );
}

/** Refuse a provision to a target another VDB owns, naming the owner; meant for JobStart.check. */
export function refuseOwnedTarget(store: Store, v: TargetOf, name: string): void {
  const owner = targetOwner(store, v, name);
  if (!owner) return;
  const target = vdbTarget(store, v)!;
  throw new UserError(
    `${target.label} belongs to VDB '${owner.name}' (status ${owner.status}); nothing was changed.`,
    `Provision to another tenant, or delete VDB '${owner.name}' first (hana-vdb vdb delete ${owner.name}).`,
  );
}
