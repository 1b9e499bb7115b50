/**
 * extension.plan (hana-vdb plan, like RMAN's RESTORE PREVIEW): the preflight checks a provision or refresh would
 * run, what virtual.configure would recover from and to, and what the coverage policy would decide, from one reading
 * of both systems and the Backint tool. Read-only: no tenant is stopped, no file is written. Works before
 * provisioning (the VDB's parameters only). A failing preflight check makes the verdict fail.
 */
import { UserError } from '../../src/sdk/errors.js';
import { hanaErrorContext } from '../../src/hana/errors.js';
import type { PluginObject, VirtualSource } from '../../src/sdk/platform.js';
import { planRecovery, type RecoveryPlan } from '../../src/hana/log-coverage/plan.js';
import { coverageTargetOf } from '../../src/hana/log-coverage/chain.js';
import type { PreflightReport } from '../../src/hana/preflight/run.js';
import { coverageOf, recoveryPolicyOf, repositoryOf, snapshotTarget, virtualParameters } from './objects.js';
import { parameterFileOf, preflightOf } from './preflight.js';

/** The plan with the preflight folded in: a failing check is the verdict's reason even when coverage is fine. */
function withPreflight(plan: RecoveryPlan | null, report: PreflightReport, source: string): PluginObject {
  const failed = report.checks.filter((c) => c.verdict === 'fail');
  const preflight = report.checks.map((c) => ({ ...c }));
  if (failed.length === 0 && plan) return { ...plan, preflight } as unknown as PluginObject;
  const reason = `preflight: ${failed.map((c) => `${c.title}: ${c.found}`).join('; ')}`;
  return {
    ...(plan ?? { version: 1, source, assessment: null }),
    verdict: 'fail',
    reason,
    preflight,
  } as unknown as PluginObject;
}

export async function plan(virtualSource: VirtualSource, repository: PluginObject, snapshot: PluginObject): Promise<PluginObject> {
  const repo = repositoryOf(repository);
  const p = virtualParameters(virtualSource.parameters);
  const snap = snapshotTarget(snapshot);
  const source = `${snap.sourceTenant}@${snap.sourceSid}`;
  const report = await preflightOf(virtualSource, repo, p, snap);
  const blocked = report.checks.some((c) => c.verdict === 'fail');
  const extra = { targetTenant: `${p.targetTenant}@${repo.sid}`, recoveryTimestamp: snap.until };
  if (!p.sourceCatalogUserStoreKey) {
    throw new UserError(
      'A plan needs the source backup catalog, but the VDB parameters have no sourceCatalogUserStoreKey.',
      'Set sourceCatalogUserStoreKey to an hdbuserstore key on the target host that points at the source SYSTEMDB.',
    );
  }
  let result: RecoveryPlan | null = null;
  try {
    const coverage = coverageOf(repo, p, parameterFileOf(report))!;
    result = await planRecovery(
      {
        ...coverage,
        connection: virtualSource.connection,
        source: { sid: snap.sourceSid, tenant: snap.sourceTenant },
        errorContext: hanaErrorContext(repo, coverage.catalog.key, 'planning a recovery', { source }),
      },
      coverageTargetOf(snap),
      recoveryPolicyOf(p.policyOverride, snap.policy),
    );
  } catch (e) {
    // What the preflight already explains (a key the OS user does not see, no parameter file) fails the coverage
    // reading too: show the checks rather than the second symptom.
    if (!(e instanceof UserError) || !blocked) throw e;
  }
  return { ...withPreflight(result, report, source), ...extra };
}
