/**
 * The coverage check that runs before a target tenant is touched (docs/GLOSSARY.md "coverage"), and the policy applied to it:
 *   wait    poll until the target is covered or the timeout passes (the gap and progress are reported),
 *   fail    refuse at once, stating requested vs reachable and what is missing,
 *   proceed recover to the newest reachable point and record the expected shortfall.
 * Missing pieces waiting cannot fix (no data backup, a gap, overlapping log backups) fail under every policy
 * except that proceed accepts a gap (HANA recovers up to it). One check = two remote commands: the catalog,
 * clock and global.ini through hdbsql (source SYSTEMDB key on the target host), then a Backint inquire.
 * It also measures the log-shipping lag: when a log backup HANA wrote became visible in the tool.
 */
import { UserError } from '../../sdk/errors.js';
import { libs } from '../../sdk/libs.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import { hanaUserError, type HanaErrorContext } from '../errors.js';
import { runHdbsqlBatch } from '../hdbsql/batch.js';
import { HdbsqlError } from '../hdbsql/errors.js';
import type { HdbsqlTarget } from '../hdbsql/invocation.js';
import type { HdbsqlOutput } from '../hdbsql/output.js';
import type { AbsolutePath, Sid, TenantName } from '../identifiers.js';
import { assess, type Assessment } from './assess.js';
import {
  CLOCK_QUERY,
  LOG_BACKUP_INTERVAL_QUERY,
  catalogQuery,
  parseCatalogRows,
  parseClock,
  parseLogBackupInterval,
  type SourceCatalog,
} from './catalog.js';
import { catalogBackupsQuery, catalogsAfter, parseCatalogBackupRows } from './catalog-backups.js';
import { planChain, type CoverageTarget } from './chain.js';
import { inquireVisibility } from './inquire.js';

/** `; the source writes log backups every N s`, when the interval is known. */
const intervalText = (seconds: number | null): string =>
  seconds !== null ? `; the source writes log backups every ${seconds} s` : '';
export type CoveragePolicyName = 'wait' | 'fail' | 'proceed';
export type DriftAction = 'warn' | 'fail';

export interface RecoveryPolicy {
  coveragePolicy: CoveragePolicyName;
  coverageWaitTimeoutSeconds: number;
  /** 0 = no limit. */
  maxDriftSeconds: number;
  driftAction: DriftAction;
}

export const DEFAULT_POLICY: RecoveryPolicy = {
  coveragePolicy: 'wait',
  coverageWaitTimeoutSeconds: 900,
  maxDriftSeconds: 0,
  driftAction: 'warn',
};

/** Where the source's catalog and backups are read from: all on the TARGET host. */
export interface CoverageSource {
  connection: RemoteConnection;
  /** hdbsql of the target installation with the key of the SOURCE SYSTEMDB. */
  catalog: HdbsqlTarget;
  hdbbackint: AbsolutePath;
  backintParameterFile: AbsolutePath;
  source: { sid: Sid; tenant: TenantName };
  /** COMMVAULT_BACKINT: check the target's parameter file names the source (inquire.ts). */
  commvault?: { sourceClient?: string };
  /** For error texts (what key, which system). */
  errorContext: HanaErrorContext;
}

export interface CoverageReading {
  catalog: SourceCatalog;
  assessment: Assessment;
  /** Source clock right after the Backint tool was asked: when what it showed was observed. */
  observedMs: number;
}

function rowsOr(result: HdbsqlOutput | HdbsqlError, ctx: HanaErrorContext): HdbsqlOutput {
  if (result instanceof HdbsqlError) throw hanaUserError(result, ctx, result.stderr);
  return result;
}

/** One reading: catalog → HANA's strategy → what the Backint tool shows → assessment. Changes nothing. */
export async function readCoverage(src: CoverageSource, target: CoverageTarget): Promise<CoverageReading> {
  // The catalog key points at the source's SYSTEMDB: hints name the source system, never the target's port.
  const ctx: HanaErrorContext = {
    ...src.errorContext,
    sid: src.source.sid,
    instanceNumber: undefined,
    sourceCatalog: true,
    doing: `reading the backup catalog of ${src.source.tenant}@${src.source.sid}`,
  };
  const [cat, clock, ini, catalogBackups] = await runHdbsqlBatch(src.connection, src.catalog, [
    catalogQuery(src.source.tenant),
    CLOCK_QUERY,
    LOG_BACKUP_INTERVAL_QUERY,
    catalogBackupsQuery(src.source.tenant),
  ]);
  const catalog: SourceCatalog = {
    tenant: src.source.tenant,
    backups: parseCatalogRows(rowsOr(cat!, ctx)),
    nowMs: parseClock(rowsOr(clock!, ctx)),
    logBackupIntervalSeconds: ini instanceof HdbsqlError ? null : parseLogBackupInterval(ini!, src.source.tenant),
  };
  const plan = planChain(catalog.backups, target);
  // HANA plans from the newest catalog backup the target's tool shows, so those written after the data backup are asked too.
  const catalogs = catalogsAfter(parseCatalogBackupRows(rowsOr(catalogBackups!, ctx)), plan.data.at(-1)?.writtenMs ?? null);
  const objects = [...plan.data.flatMap((d) => d.files), ...plan.volumes.flatMap((v) => v.logs), ...catalogs]
    .filter((o): o is typeof o & { ebid: string } => o.ebid !== null)
    .map((o) => ({ ebid: o.ebid, path: o.path }));
  const { visibility, observedMs } = await inquireVisibility({
    connection: src.connection,
    hdbbackint: src.hdbbackint,
    parameterFile: src.backintParameterFile,
    source: src.source,
    objects,
    clock: src.catalog,
    commvault: src.commvault,
  });
  return {
    catalog,
    assessment: assess(plan, visibility, catalog.nowMs, catalogs),
    observedMs: observedMs ?? catalog.nowMs,
  };
}

export interface CoverageOutcome {
  assessment: Assessment;
  /** recover: the target is covered; recover-short: proceed policy, recover to `assessment.reachable`. */
  decision: 'recover' | 'recover-short';
  policy: RecoveryPolicy;
  waitedSeconds: number;
  checks: number;
  /** Largest lag seen between HANA writing a needed log backup and the tool showing it; null when none was seen arriving. */
  logShippingLagSeconds: number | null;
  logBackupIntervalSeconds: number | null;
}

export interface WaitTiming {
  /** Seconds between checks, given the real seconds waited so far (default: grows from 2 to 15). */
  pollSeconds?: (waitedSeconds: number) => number;
}

/**
 * A pinned point is recovered exactly or not at all: proceed (accept a shortfall) would give this VDB different
 * data than the snapshot's other VDBs, so for a pinned target it acts as fail.
 */
export function effectivePolicy(policy: RecoveryPolicy, pinned: boolean): RecoveryPolicy {
  return pinned && policy.coveragePolicy === 'proceed' ? { ...policy, coveragePolicy: 'fail' } : policy;
}

const defaultPoll = (waited: number) => Math.min(15, Math.max(2, waited / 4));

/** "requested X, reachable Y (N s short)" */
export function describeGap(a: Assessment): string {
  const req = a.requested.logPosition
    ? `log position ${a.requested.logPosition}${a.requested.timestamp ? ` (${a.requested.timestamp})` : ''}`
    : a.requested.timestamp;
  const reach =
    a.reachable.timestamp === null && a.reachable.logPosition === null
      ? 'nothing (no usable data backup)'
      : `${a.reachable.timestamp ?? '?'}${a.reachable.logPosition ? ` (log position ${a.reachable.logPosition})` : ''}`;
  return `requested ${req}, reachable ${reach}${a.shortfallSeconds !== null ? `, ${a.shortfallSeconds} s short` : ''}`;
}

function missingText(a: Assessment): string {
  return a.missing.map((m) => m.message).join('; ');
}

/**
 * Apply the policy; resolves with what to recover to, or throws a UserError before anything on the target
 * changed. `what` names the operation for messages (e.g. "provisioning VDB1@QAS").
 */
export async function ensureCoverage(
  src: CoverageSource,
  target: CoverageTarget,
  requestedPolicy: RecoveryPolicy,
  what: string,
  timing: WaitTiming = {},
): Promise<CoverageOutcome> {
  const policy = effectivePolicy(requestedPolicy, target.kind === 'logPosition');
  const poll = timing.pollSeconds ?? defaultPoll;
  const realStart = Date.now();
  const hiddenSeen = new Set<string>();
  const visibleSince = new Map<string, number>();
  let sourceStart: number | null = null;
  let checks = 0;
  for (;;) {
    const { catalog, assessment: a, observedMs } = await readCoverage(src, target);
    checks++;
    sourceStart ??= catalog.nowMs;
    for (const l of a.logBackups) {
      if (!l.visible) hiddenSeen.add(l.backupId);
      else if (!visibleSince.has(l.backupId)) visibleSince.set(l.backupId, observedMs);
    }
    const waited = Math.max(0, Math.round(Math.max(catalog.nowMs - sourceStart, Date.now() - realStart) / 1000));
    const outcome = (decision: CoverageOutcome['decision']): CoverageOutcome => ({
      assessment: a,
      decision,
      policy,
      waitedSeconds: waited,
      checks,
      logBackupIntervalSeconds: catalog.logBackupIntervalSeconds,
      logShippingLagSeconds: measuredLag(a, hiddenSeen, visibleSince),
    });
    const verdict = policyVerdict({ a, policy, requestedPolicy, target, what, waited, catalog, source: src.source });
    if (verdict !== 'wait') return outcome(verdict);
    // Say what is awaited and until when (the wait ends at the timeout in real time at the latest).
    const until = new Date(realStart + policy.coverageWaitTimeoutSeconds * 1000).toISOString().slice(11, 19);
    const awaited = a.missing[0]?.message ?? describeGap(a);
    const message =
      `waiting for log coverage of ${src.source.tenant}@${src.source.sid} in the Backint tool until ${until} UTC at the ` +
      `latest (${waited}/${policy.coverageWaitTimeoutSeconds} s): ${awaited}; ${describeGap(a)}`;
    libs.reportProgress({
      percent: Math.min(99, Math.floor((waited * 100) / Math.max(1, policy.coverageWaitTimeoutSeconds))),
      message,
    });
    libs.logger.info(message);
    // The interval follows real time: it bounds how precisely the lag is measured.
    await new Promise((r) => setTimeout(r, poll((Date.now() - realStart) / 1000) * 1000));
  }
}

const UNTOUCHED = 'The target tenant was not touched.';

interface VerdictInput {
  a: Assessment;
  policy: RecoveryPolicy;
  requestedPolicy: RecoveryPolicy;
  target: CoverageTarget;
  what: string;
  waited: number;
  catalog: { logBackupIntervalSeconds: number | null };
  source: { sid: string; tenant: string };
}

/** The policy applied to one assessment: recover, recover short, keep waiting, or a UserError (target untouched). */
function policyVerdict(v: VerdictInput): 'recover' | 'recover-short' | 'wait' {
  const { a, policy, requestedPolicy, target, what, waited, catalog } = v;
  if (a.covered) return 'recover';
  const source = `${v.source.tenant}@${v.source.sid}`;
  const hard = a.missing.filter((m) => !m.waitable);
  if (hard.length > 0 && !(policy.coveragePolicy === 'proceed' && hard.every((m) => m.kind === 'gap'))) {
    throw new UserError(
      `The backups of ${source} cannot give ${what} the requested point: ${describeGap(a)}. ${missingText(a)}. ${UNTOUCHED}`,
      hard.some((m) => m.kind === 'no-data-backup')
        ? 'Take a data backup of the source (BACKUP DATA FOR <tenant> USING BACKINT) and a new ' +
            'dSource snapshot after it, or use a snapshot taken after an existing data backup.'
        : 'Repair the log backup chain of the source (take a new data backup and a new dSource ' +
            'snapshot after it); run hana-vdb plan to see the chain.',
    );
  }
  if (policy.coveragePolicy === 'proceed') {
    if (a.reachable.logPosition === null) {
      throw new UserError(
        `Nothing of ${source} can be recovered for ${what}: ${missingText(a)}. ${UNTOUCHED}`,
        'Wait until the data backup is in the Backint tool, then retry.',
      );
    }
    if (a.shortNeeds) {
      const n = a.shortNeeds;
      throw new UserError(
        `${what} cannot recover short of the requested point: volume ${n.volume}'s first log backup after the data ` +
          `backup, ${n.backupId} (${n.path}), is listed in the backup catalog but not in the Backint tool, and HANA's ` +
          `recovery strategy names it even to stop at the data backup (CHECK ACCESS refuses a missing backup). ${UNTOUCHED}`,
        'Retry once that log backup has reached the Backint tool (or is restored to it), or provision from a dSource ' +
          'snapshot taken after a newer data backup.',
      );
    }
    return 'recover-short';
  }
  if (policy.coveragePolicy === 'fail') {
    throw new UserError(
      `Log coverage check failed for ${what} (policy ` +
        `fail${requestedPolicy.coveragePolicy === 'proceed' ? ': proceed does not apply to a pinned point' : ''}): ` +
        `${describeGap(a)}. Missing: ${missingText(a)}. ${UNTOUCHED}`,
      target.kind === 'logPosition'
        ? 'The snapshot is pinned to this point so that all its VDBs hold the same data; if the ' +
            'backups holding it are gone, provision from a newer dSource snapshot (hana-vdb plan shows ' +
            'what is missing).'
        : a.missing.some((m) => m.kind === 'catalog-behind')
          ? 'Retry once a catalog backup of the source that lists these log backups has reached the Backint tool (HANA ' +
            'writes one after each log backup; hana-vdb plan shows the newest there), or set coveragePolicy to wait.'
          : 'Retry once the log backups have reached the Backint tool (hana-vdb plan shows the gap), ' +
            'or set coveragePolicy to wait (or proceed to accept the shortfall).',
    );
  }
  if (waited >= policy.coverageWaitTimeoutSeconds) {
    throw new UserError(
      `Log coverage check: waited ${waited} s (coverageWaitTimeoutSeconds ` +
        `${policy.coverageWaitTimeoutSeconds}) for ${what} and the backups still fall short: ` +
        `${describeGap(a)}. Missing: ${missingText(a)}. ${UNTOUCHED}`,
      `Retry later, raise coverageWaitTimeoutSeconds, or raise the dSource's rpoOffsetMinutes ` +
        `(hana-vdb-meta advise recommends one)${intervalText(catalog.logBackupIntervalSeconds)}.`,
    );
  }
  return 'wait';
}

/**
 * The lag is only known for a log backup seen hidden and then visible while we waited. The Backint creation
 * time is no measure of it: the tool creates the object while HANA writes it, so creation minus HANA's end
 * time is about 0 whatever the tool's delay, and recording that 0 made advise's percentiles too low.
 */
function measuredLag(a: Assessment, hiddenSeen: ReadonlySet<string>, visibleSince: ReadonlyMap<string, number>): number | null {
  const lags: number[] = [];
  for (const l of a.logBackups) {
    const seen = visibleSince.get(l.backupId);
    if (l.visible && hiddenSeen.has(l.backupId) && seen !== undefined) lags.push(seen - l.writtenMs);
  }
  return lags.length ? Math.max(0, Math.round(Math.max(...lags) / 1000)) : null;
}
