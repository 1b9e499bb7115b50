/**
 * extension.sourceCheck (hana-vdb dsource check): from a target host, what a provision would ask of the dSource's
 * Backint tool — parameter file, namespace, catalog, newest data and log backups, CHECK ACCESS — one verdict per line
 * (src/hana/source-check). Read-only: nothing on the source or the target changes. The target is given as a VDB
 * would see it (its connection and parameters, its repository); the dSource gives the source and its tool.
 */
import { parseSid } from '../../src/hana/identifiers.js';
import { runSourceCheck } from '../../src/hana/source-check/run.js';
import type { PluginObject, StagedSource, VirtualSource } from '../../src/sdk/platform.js';
import { hdbsqlTarget, linkedParameters, repositoryOf, virtualParameters } from './objects.js';

export async function sourceCheck(
  stagedSource: StagedSource,
  sourceConfig: PluginObject,
  virtualSource: VirtualSource,
  repository: PluginObject,
): Promise<PluginObject> {
  const ds = linkedParameters(stagedSource.parameters);
  const repo = repositoryOf(repository);
  const p = virtualParameters(virtualSource.parameters);
  const report = await runSourceCheck({
    target: {
      ...repo,
      connection: virtualSource.connection,
      hdbsql: hdbsqlTarget(repo, p.targetUserStoreKey),
      hdbbackint: repo.hdbbackintPath,
    },
    targetTenant: p.targetTenant,
    sourceCatalog: p.sourceCatalogUserStoreKey ? hdbsqlTarget(repo, p.sourceCatalogUserStoreKey) : null,
    source: {
      sid: parseSid(sourceConfig.sid, 'sourceConfig.sid'),
      tenant: ds.sourceTenant,
      host: stagedSource.sourceConnection.environment.host.name,
      connection: stagedSource.sourceConnection,
      parameterFile: ds.backintParameterFile,
    },
    vdbParameterFile: p.backintParameterFile,
    backupSource: ds.backupSource,
    commvaultSourceClient: ds.commvaultSourceClient,
    rpoOffsetMinutes: ds.rpoOffsetMinutes,
    checkAccess: ds.checkAccessUsingBackint,
  });
  return report as unknown as PluginObject;
}
