/**
 * extension.plan (hana-vdb plan, like RMAN's RESTORE PREVIEW): what virtual.configure would recover from and to,
 * and what the coverage policy would decide, from one reading of the source's catalog and the Backint tool.
 * Read-only: no tenant is stopped, no file is written. Works before provisioning (the VDB's parameters only).
 */
import { UserError } from '../../src/sdk/errors.js';
import { hanaErrorContext } from '../../src/hana/errors.js';
import type { PluginObject, VirtualSource } from '../../src/sdk/platform.js';
import { planRecovery } from '../../src/hana/log-coverage/plan.js';
import type { CoverageTarget } from '../../src/hana/log-coverage/chain.js';
import { coverageOf, recoveryPolicyOf, repositoryOf, snapshotTarget, virtualParameters } from './objects.js';

export async function plan(virtualSource: VirtualSource, repository: PluginObject, snapshot: PluginObject): Promise<PluginObject> {
  const repo = repositoryOf(repository);
  const p = virtualParameters(virtualSource.parameters);
  const snap = snapshotTarget(snapshot);
  const coverage = coverageOf(repo, p);
  if (!coverage) {
    throw new UserError(
      'A plan needs the source backup catalog, but the VDB parameters have no sourceCatalogUserStoreKey.',
      'Set sourceCatalogUserStoreKey to an hdbuserstore key on the target host that points at the source SYSTEMDB.',
    );
  }
  const target: CoverageTarget = snap.pin
    ? {
        kind: 'logPosition',
        position: BigInt(snap.pin.logPosition),
        timestampMs: snap.pin.timestamp ? Date.parse(snap.pin.timestamp) : null,
      }
    : { kind: 'timestamp', untilMs: Date.parse(snap.until) };
  const result = await planRecovery(
    {
      ...coverage,
      connection: virtualSource.connection,
      source: { sid: snap.sourceSid, tenant: snap.sourceTenant },
      errorContext: hanaErrorContext(repo, coverage.catalog.key, 'planning a recovery', {
        source: `${snap.sourceTenant}@${snap.sourceSid}`,
      }),
    },
    target,
    recoveryPolicyOf(p.policyOverride, snap.policy),
  );
  return { ...result, targetTenant: `${p.targetTenant}@${repo.sid}`, recoveryTimestamp: snap.until } as unknown as PluginObject;
}
