/**
 * `hana-vdb plan` (RMAN's RESTORE PREVIEW): which data, delta and log backups a recovery would use, whether the
 * Backint tool holds them, where the recovery would end and what the policy would do. One reading, no waiting,
 * nothing changed anywhere.
 */
import type { Assessment } from './assess.js';
import { describeGap, effectivePolicy, readCoverage, type CoverageSource, type RecoveryPolicy } from './check.js';
import type { CoverageTarget } from './chain.js';

export type PlanVerdict = 'recover' | 'wait' | 'recover-short' | 'fail';

export interface RecoveryPlan {
  version: 1;
  source: string;
  target: { kind: 'timestamp' | 'logPosition'; timestamp: string | null; logPosition: string | null; pinned: boolean };
  policy: RecoveryPolicy;
  verdict: PlanVerdict;
  reason: string;
  logBackupIntervalSeconds: number | null;
  assessment: Omit<Assessment, 'logBackups'> & {
    logBackups: Array<Omit<Assessment['logBackups'][number], 'writtenMs' | 'createdMs'>>;
  };
}

export function verdictOf(a: Assessment, requested: RecoveryPolicy): { verdict: PlanVerdict; reason: string } {
  const policy = effectivePolicy(requested, a.requested.logPosition !== null);
  if (a.covered)
    return {
      verdict: 'recover',
      reason: `covered: ${a.requested.logPosition ? `exactly log position ${a.requested.logPosition}` : lastCommitText(a)}`,
    };
  const hard = a.missing.filter((m) => !m.waitable);
  const gap = describeGap(a);
  if (hard.length > 0 && !(policy.coveragePolicy === 'proceed' && hard.every((m) => m.kind === 'gap')))
    return { verdict: 'fail', reason: `cannot be covered: ${gap}` };
  if (policy.coveragePolicy === 'proceed') {
    const tooFar =
      policy.maxDriftSeconds > 0 && policy.driftAction === 'fail' && (a.shortfallSeconds ?? 0) > policy.maxDriftSeconds;
    return tooFar
      ? { verdict: 'fail', reason: `${gap}: more than maxDriftSeconds ${policy.maxDriftSeconds}` }
      : { verdict: 'recover-short', reason: `policy proceed: ${gap}` };
  }
  if (policy.coveragePolicy === 'fail') return { verdict: 'fail', reason: `policy fail: ${gap}` };
  return { verdict: 'wait', reason: `policy wait (up to ${policy.coverageWaitTimeoutSeconds} s): ${gap}` };
}

export async function planRecovery(src: CoverageSource, target: CoverageTarget, policy: RecoveryPolicy): Promise<RecoveryPlan> {
  const { catalog, assessment } = await readCoverage(src, target);
  const { verdict, reason } = verdictOf(assessment, policy);
  return {
    version: 1,
    source: `${src.source.tenant}@${src.source.sid}`,
    target: {
      kind: target.kind,
      timestamp: assessment.requested.timestamp,
      logPosition: assessment.requested.logPosition,
      pinned: target.kind === 'logPosition',
    },
    policy,
    verdict,
    reason,
    logBackupIntervalSeconds: catalog.logBackupIntervalSeconds,
    assessment: { ...assessment, logBackups: assessment.logBackups.map(({ writtenMs: _w, createdMs: _c, ...l }) => l) },
  };
}

function lastCommitText(a: Assessment): string {
  const notBefore = a.expected.notBefore ? ` (not before ${a.expected.notBefore})` : '';
  return `the last commit at or before ${a.requested.timestamp}${notBefore}`;
}
