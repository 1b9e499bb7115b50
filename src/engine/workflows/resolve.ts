/** Looking up what the user named; an unknown name is a UserError listing what exists. Runs before any job. */
import { UserError } from '../../sdk/errors.js';
import type { StoreReader } from '../store/queries.js';
import type { DSourceRow, EnvironmentRow, RepositoryRow, SnapshotRow, SourceConfigRow, VdbRow } from '../store/types.js';

function known(names: string[]): string {
  return names.length ? `Known: ${names.join(', ')}.` : 'There are none yet.';
}

export function requireEnvironment(store: StoreReader, name: string): EnvironmentRow {
  const env = store.environment(name);
  if (!env)
    throw new UserError(
      `No environment named '${name}'.`,
      `Add it with hana-vdb env add, or use one of the known environments. ${known(store.environments().map((e) => e.name))}`,
    );
  return env;
}

/** By name, else by a unique identity-field value (e.g. the SID). */
function pick<T extends { name: string; identity: Record<string, unknown> }>(rows: T[], wanted: string): T | undefined {
  const exact = rows.filter((r) => r.name === wanted);
  if (exact.length === 1) return exact[0];
  const byIdentity = rows.filter((r) => Object.values(r.identity).some((v) => String(v) === wanted));
  return byIdentity.length === 1 ? byIdentity[0] : undefined;
}

export function requireRepository(store: StoreReader, env: EnvironmentRow, name: string): RepositoryRow {
  const rows = store.repositories(env.name).filter((r) => r.present);
  const repo = pick(rows, name);
  if (!repo) {
    throw new UserError(
      `No repository '${name}' on environment '${env.name}'.`,
      `Run hana-vdb env discover ${env.name} if it was installed recently. ${known(rows.map((r) => r.name))}`,
    );
  }
  return repo;
}

export function requireSourceConfig(store: StoreReader, repo: RepositoryRow, name: string): SourceConfigRow {
  const rows = store.sourceConfigs({ repositoryId: repo.id }).filter((s) => s.present);
  const sc = pick(rows, name);
  if (!sc) {
    throw new UserError(
      `No source config '${name}' in repository '${repo.name}'.`,
      `Run hana-vdb env discover ${repo.environmentName} to refresh. ${known(rows.map((s) => s.name))}`,
    );
  }
  return sc;
}

export function requireDSource(store: StoreReader, name: string): DSourceRow {
  const ds = store.dsource(name);
  if (!ds)
    throw new UserError(
      `No dSource named '${name}'.`,
      `Link one with hana-vdb dsource link. ${known(store.dsources().map((d) => d.name))}`,
    );
  return ds;
}

export function requireVdb(store: StoreReader, name: string): VdbRow {
  const vdb = store.vdb(name);
  if (!vdb)
    throw new UserError(
      `No VDB named '${name}'.`,
      `Provision one with hana-vdb vdb provision. ${known(store.vdbs().map((v) => v.name))}`,
    );
  return vdb;
}

export function parseSnapshotId(text: string): number {
  if (!/^[1-9][0-9]*$/.test(text))
    throw new UserError(`'${text}' is not a snapshot ID.`, 'Snapshot IDs are positive integers; see hana-vdb list snapshots.');
  return Number(text);
}

export function requireSnapshot(store: StoreReader, id: number): SnapshotRow {
  const snap = store.snapshot(id);
  if (!snap) throw new UserError(`No snapshot with ID ${id}.`, 'See hana-vdb list snapshots for the IDs.');
  return snap;
}
