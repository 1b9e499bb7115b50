/**
 * The facts the preflight checks judge, read from the target host without changing anything: the OS user the
 * commands run as, and per SYSTEMDB (the target's key, the source catalog key) its version, global.ini [backup],
 * backup encryption, backup root keys and system replication secondaries. Each statement's failure is kept as text, so a check that
 * cannot be read says so instead of failing the others.
 */
import type { RemoteConnection } from '../../sdk/platform.js';
import { HanaCode } from '../error-codes.js';
import { BATCH_SCRIPT, batchVariables, parseBatchOutput, type BatchResult } from '../hdbsql/batch.js';
import { HdbsqlError } from '../hdbsql/errors.js';
import type { HdbsqlTarget } from '../hdbsql/invocation.js';
import type { HdbsqlOutput } from '../hdbsql/output.js';
import { FILE_STATE } from '../remote/readable-file.js';
import { runRemote } from '../remote/run.js';
import { backupRootKeys, databaseVersion, encryptionOverview, globalIniBackupSection, systemReplication } from '../sql.js';
import { parseIniRows, type IniEntry } from './ini.js';

/** A value read, or why it could not be. */
export type Read<T> = { ok: true; value: T } | { ok: false; reason: string; keyMissing: boolean };

export interface Secondary {
  site: string;
  status: string;
  connected: boolean;
}

export interface RootKey {
  hash: string;
  used: boolean;
  tenant: string | null;
}

export interface SystemFacts {
  version: Read<string | null>;
  ini: Read<IniEntry[]>;
  /** M_ENCRYPTION_OVERVIEW's BACKUP scope: are backups encrypted (null: no BACKUP row). */
  backupEncryption: Read<boolean | null>;
  backupRootKeys: Read<RootKey[]>;
  secondaries: Read<Secondary[]>;
}

export interface PreflightFacts {
  sessionUser: string | null;
  /** What FILE_STATE printed for the VDB's backintParameterFile; absent when the VDB names none. */
  parameterFile?: { path: string; state: string };
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

/**
 * One entry per secondary site. Only ACTIVE counts as connected: RECOVER sends the restored root key to every
 * secondary, and any other status (SYNCING, INITIALIZING, UNKNOWN, ERROR) is not known to receive it.
 */
export function parseSecondaries(o: HdbsqlOutput): Secondary[] {
  const bySite = new Map<string, Secondary>();
  for (const [site, status] of o.rows) {
    const name = site || '(unnamed site)';
    const text = status ?? 'UNKNOWN';
    const connected = text.toUpperCase() === 'ACTIVE';
    const seen = bySite.get(name);
    if (!seen || (seen.connected && !connected)) bySite.set(name, { site: name, status: text, connected });
  }
  return [...bySite.values()];
}

export function parseBackupEncryption(o: HdbsqlOutput): boolean | null {
  const row = o.rows.find((r) => (r[0] ?? '').toUpperCase() === 'BACKUP');
  return row ? (row[1] ?? '').toUpperCase() === 'TRUE' : null;
}

export function parseRootKeys(o: HdbsqlOutput): RootKey[] {
  return o.rows
    .filter((r) => r[0])
    .map(([hash, used, tenant]) => ({ hash: hash!, used: (used ?? '').toUpperCase() === 'TRUE', tenant: tenant || null }));
}

const STATEMENTS = [databaseVersion(), globalIniBackupSection(), encryptionOverview(), backupRootKeys(), systemReplication()];

/**
 * One remote command for the whole preflight: the OS user, the state of the VDB's Backint parameter file (when it
 * names one), then the statements through the target's key and (when given) the source catalog key. Each batch
 * runs in a subshell so its temporary file is removed at its end.
 */
export const PREFLIGHT_SCRIPT = `echo "@@HANA_VDB_USER $(id -un)"
if [ -n "\${HANA_VDB_FILE:-}" ]; then
  echo "@@HANA_VDB_FILE_STATE $(
${FILE_STATE}
)"
fi
echo "@@HANA_VDB_SIDE target"
(
${BATCH_SCRIPT})
if [ -n "\${HANA_VDB_SOURCE_KEY:-}" ]; then
  echo "@@HANA_VDB_SIDE source"
  (
  HANA_VDB_KEY=$HANA_VDB_SOURCE_KEY
${BATCH_SCRIPT})
fi
`;

function systemFacts(results: BatchResult[]): SystemFacts {
  const [version, ini, encryption, keys, sr] = results;
  return {
    version: read(version, firstValue),
    ini: read(ini, (o) => parseIniRows(o)),
    backupEncryption: read(encryption, parseBackupEncryption),
    backupRootKeys: read(keys, parseRootKeys),
    secondaries: read(sr, parseSecondaries),
  };
}

export function parsePreflightOutput(stdout: string, withSource: boolean, parameterFile: string | null = null): PreflightFacts {
  const user = /^@@HANA_VDB_USER ([A-Za-z0-9_.-]+)$/m.exec(stdout)?.[1] ?? null;
  const fileState = /^@@HANA_VDB_FILE_STATE (\S+)$/m.exec(stdout)?.[1];
  const [, target = '', source = ''] = stdout.split(/^@@HANA_VDB_SIDE \w+$/m);
  return {
    sessionUser: user,
    ...(parameterFile !== null && fileState !== undefined ? { parameterFile: { path: parameterFile, state: fileState } } : {}),
    target: systemFacts(parseBatchOutput(target, STATEMENTS.length)),
    source: withSource ? systemFacts(parseBatchOutput(source, STATEMENTS.length)) : null,
  };
}

export async function readPreflightFacts(
  connection: RemoteConnection,
  target: HdbsqlTarget,
  sourceCatalog: HdbsqlTarget | null,
  parameterFile: string | null = null,
): Promise<PreflightFacts> {
  const variables = {
    ...batchVariables(target, STATEMENTS),
    ...(sourceCatalog ? { HANA_VDB_SOURCE_KEY: sourceCatalog.key } : {}),
    ...(parameterFile !== null ? { HANA_VDB_FILE: parameterFile } : {}),
  };
  const res = await runRemote(connection, PREFLIGHT_SCRIPT, variables, { check: true });
  return parsePreflightOutput(res.stdout, sourceCatalog !== null, parameterFile);
}
