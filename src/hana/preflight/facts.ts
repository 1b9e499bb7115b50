/**
 * The facts the preflight checks judge, read from the target host without changing anything: the OS user the
 * commands run as, and per SYSTEMDB (the target's key, the source catalog key) its version, global.ini [backup] and,
 * on the target, its system replication secondaries. Each statement's failure is kept as text, so a check that
 * cannot be read says so instead of failing the others.
 */
import type { RemoteConnection } from '../../sdk/platform.js';
import { HanaCode } from '../error-codes.js';
import { runHdbsqlBatch } from '../hdbsql/batch.js';
import { HdbsqlError } from '../hdbsql/errors.js';
import type { HdbsqlTarget } from '../hdbsql/invocation.js';
import type { HdbsqlOutput } from '../hdbsql/output.js';
import { runRemote } from '../remote/run.js';
import { databaseVersion, globalIniBackupSection, serviceReplication } from '../sql.js';
import { parseIniRows, type IniEntry } from './ini.js';

/** A value read, or why it could not be. */
export type Read<T> = { ok: true; value: T } | { ok: false; reason: string; keyMissing: boolean };

export interface SystemFacts {
  version: Read<string | null>;
  ini: Read<IniEntry[]>;
  /** Target only. */
  secondaries?: Read<Array<{ site: string; status: string; connected: boolean }>>;
}

export interface PreflightFacts {
  sessionUser: string | null;
  target: SystemFacts;
  /** Null without a source catalog key. */
  source: SystemFacts | null;
}

function read<T>(r: HdbsqlOutput | HdbsqlError | undefined, parse: (o: HdbsqlOutput) => T): Read<T> {
  if (r === undefined) return { ok: false, reason: 'no answer', keyMissing: false };
  if (r instanceof HdbsqlError)
    return { ok: false, reason: `[${r.code}] ${r.text}`, keyMissing: r.code === HanaCode.userstoreKeyInvalid };
  return { ok: true, value: parse(r) };
}

const firstValue = (o: HdbsqlOutput): string | null => o.rows[0]?.[0] ?? null;

/** REPLICATION_STATUS values of a connected secondary; ERROR, UNKNOWN or an inactive secondary is not connected. */
const CONNECTED = new Set(['ACTIVE', 'SYNCING', 'INITIALIZING']);

/** One entry per secondary site (M_SERVICE_REPLICATION has a row per service): the worst status wins. */
export function parseSecondaries(o: HdbsqlOutput): Array<{ site: string; status: string; connected: boolean }> {
  const bySite = new Map<string, { site: string; status: string; connected: boolean }>();
  for (const [site, active, status] of o.rows) {
    const name = site || '(unnamed site)';
    const connected = active !== 'NO' && CONNECTED.has((status ?? '').toUpperCase());
    const text = active === 'NO' ? 'not active' : (status ?? 'UNKNOWN');
    const seen = bySite.get(name);
    if (!seen || (seen.connected && !connected)) bySite.set(name, { site: name, status: text, connected });
  }
  return [...bySite.values()];
}

async function systemFacts(connection: RemoteConnection, target: HdbsqlTarget, replication: boolean): Promise<SystemFacts> {
  const statements = [databaseVersion(), globalIniBackupSection(), ...(replication ? [serviceReplication()] : [])];
  const [version, ini, sr] = await runHdbsqlBatch(connection, target, statements);
  return {
    version: read(version, firstValue),
    ini: read(ini, (o) => parseIniRows(o)),
    ...(replication ? { secondaries: read(sr, parseSecondaries) } : {}),
  };
}

export async function readPreflightFacts(
  connection: RemoteConnection,
  target: HdbsqlTarget,
  sourceCatalog: HdbsqlTarget | null,
): Promise<PreflightFacts> {
  const who = await runRemote(connection, 'id -un', {}, { check: false });
  const sessionUser = who.exitCode === 0 && /^[A-Za-z0-9_.-]+$/.test(who.stdout.trim()) ? who.stdout.trim() : null;
  return {
    sessionUser,
    target: await systemFacts(connection, target, true),
    source: sourceCatalog ? await systemFacts(connection, sourceCatalog, false) : null,
  };
}
