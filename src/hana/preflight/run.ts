/**
 * The preflight as a whole: read the facts (facts.ts), judge them (checks.ts), and — for a provision or refresh —
 * stop at the first failing check with one UserError naming what was found and the fix. Nothing on the target
 * changes before that point, so a failing check leaves the target tenant running.
 */
import { UserError } from '../../sdk/errors.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import type { HdbsqlTarget } from '../hdbsql/invocation.js';
import {
  checkBackintFiles,
  checkCatalogBackint,
  checkEncryptionRootKeys,
  checkReplication,
  checkUserstore,
  checkVersion,
  type PreflightCheck,
} from './checks.js';
import { readPreflightFacts, type PreflightFacts, type Read, type SystemFacts } from './facts.js';
import { iniValue } from './ini.js';

export interface PreflightSystem {
  sid: string;
  hostName: string;
  instanceNumber: string;
  osUser: string;
}

export interface PreflightRequest {
  connection: RemoteConnection;
  target: PreflightSystem & { hdbsql: HdbsqlTarget };
  source: { sid: string; tenant: string; catalog: HdbsqlTarget | null };
  targetTenant: string;
  /** The VDB's backintParameterFile; null to take it from the target's global.ini. */
  backintParameterFile: string | null;
}

export interface PreflightReport {
  checks: PreflightCheck[];
  /** The parameter file to recover and check coverage with (the VDB's, or derived from global.ini). */
  backintParameterFile: string | null;
  /** Whether the session's user can read that file (remote/readable-file.ts FILE_STATE), when the preflight read it. */
  backintParameterFileState?: string;
}

const reason = <T>(r: Read<T>): string | undefined => (r.ok ? undefined : r.reason);
const value = <T>(r: Read<T> | undefined): T | null => (r?.ok ? r.value : null);

function iniOf(facts: SystemFacts | null, key: string): string | null {
  const entries = value(facts?.ini);
  return entries ? iniValue(entries, 'backup', key) : null;
}

/** The checks over facts already read: pure, so `plan` and a provision judge the same facts the same way. */
export function judgePreflight(req: Omit<PreflightRequest, 'connection'>, facts: PreflightFacts): PreflightReport {
  const { target, source } = req;
  const noSource = 'the VDB has no sourceCatalogUserStoreKey, so the source system was not read';
  const keys = [{ key: target.hdbsql.key, pointsAt: `SYSTEMDB of ${target.sid}`, read: facts.target.version }];
  if (source.catalog && facts.source)
    keys.push({ key: source.catalog.key, pointsAt: `SYSTEMDB of ${source.sid}`, read: facts.source.version });
  const userstore = checkUserstore({
    host: target.hostName,
    sessionUser: facts.sessionUser,
    osUser: target.osUser,
    keys: keys.map((k) => ({
      key: k.key,
      pointsAt: k.pointsAt,
      address: k.key === target.hdbsql.key ? `${target.hostName}:3${target.instanceNumber}13` : `<${source.sid} host>:3<nr>13`,
      visible: k.read.ok || !k.read.keyMissing,
    })),
  });
  const version = checkVersion({
    sourceSid: source.sid,
    targetSid: target.sid,
    source: value(facts.source?.version) ?? null,
    target: value(facts.target.version) ?? null,
    unreadable: facts.source ? (reason(facts.source.version) ?? reason(facts.target.version)) : noSource,
  });
  const catalog = checkCatalogBackint({
    sourceSid: source.sid,
    value: iniOf(facts.source, 'catalog_backup_using_backint'),
    ...(facts.source ? (facts.source.ini.ok ? {} : { unreadable: facts.source.ini.reason }) : { unreadable: noSource }),
  });
  const files = checkBackintFiles({
    targetSid: target.sid,
    vdbFile: req.backintParameterFile,
    data: iniOf(facts.target, 'data_backup_parameter_file'),
    log: iniOf(facts.target, 'log_backup_parameter_file'),
    catalog: iniOf(facts.target, 'catalog_backup_parameter_file'),
    ...(facts.target.ini.ok ? {} : { unreadable: facts.target.ini.reason }),
  });
  const sr = facts.target.secondaries;
  const replication = checkReplication({
    targetSid: target.sid,
    secondaries: value(sr),
    ...(sr.ok ? {} : { unreadable: sr.reason }),
  });
  const checks = [userstore, version, catalog, files.check, encryptionCheck(req, facts, noSource), replication];
  const state = facts.parameterFile?.path === files.parameterFile ? facts.parameterFile?.state : undefined;
  return {
    checks,
    backintParameterFile: files.parameterFile,
    ...(state !== undefined ? { backintParameterFileState: state } : {}),
  };
}

function encryptionCheck(req: Omit<PreflightRequest, 'connection'>, facts: PreflightFacts, noSource: string): PreflightCheck {
  const { source, target } = req;
  const s = facts.source;
  const sourceKey = value(s?.backupRootKeys)?.find((k) => k.used && k.tenant === source.tenant) ?? null;
  // The target tenant's imported keys, or the target system's own (a recovery within one system has its keys).
  const targetKeys = value(facts.target.backupRootKeys)
    ?.filter((k) => k.tenant === req.targetTenant || k.tenant === null)
    .map((k) => k.hash);
  const unreadable = !s
    ? noSource
    : (reason(s.backupEncryption) ?? reason(s.backupRootKeys) ?? reason(facts.target.backupRootKeys));
  return checkEncryptionRootKeys({
    sourceSid: source.sid,
    sourceTenant: source.tenant,
    targetSid: target.sid,
    targetTenant: req.targetTenant,
    sourceEncrypted: value(s?.backupEncryption) ?? null,
    sourceKeyHash: sourceKey?.hash ?? null,
    targetKeyHashes: targetKeys ?? null,
    ...(unreadable !== undefined ? { unreadable } : {}),
  });
}

export async function runPreflight(req: PreflightRequest): Promise<PreflightReport> {
  const facts = await readPreflightFacts(req.connection, req.target.hdbsql, req.source.catalog, req.backintParameterFile);
  return judgePreflight(req, facts);
}

/** The first failing check as the one error a provision or refresh stops with; null when none fails. */
export function preflightError(report: PreflightReport, what: string): UserError | null {
  const failed = report.checks.filter((c) => c.verdict === 'fail');
  const first = failed[0];
  if (!first) return null;
  const others =
    failed.length > 1
      ? ` Also failing: ${failed
          .slice(1)
          .map((c) => c.title)
          .join('; ')} (hana-vdb plan shows all).`
      : '';
  return new UserError(
    `Preflight check failed before ${what}: ${first.title}: ${first.found}. The target tenant was not touched.${others}`,
    first.fix ?? '',
  );
}
