/** Discovery: repositories (HANA installations) and source configs (their tenants) from the host layout. */
import { libs } from '../../src/sdk/libs.js';
import type { PluginObject, RemoteConnection } from '../../src/sdk/platform.js';
import { discoverInstallations, type DiscoveredInstallation } from '../../src/hana/discovery.js';
import { parseInstanceNumber, parseSid } from '../../src/hana/identifiers.js';

function repositoryObject(d: DiscoveredInstallation): PluginObject {
  const shortVersion = d.version.split('.').slice(0, 3).join('.');
  return {
    name: `${d.sid} HDB${d.instanceNumber} ${shortVersion}`,
    sid: d.sid,
    instanceNumber: d.instanceNumber,
    hostName: d.hostName,
    installationPath: d.installationPath,
    version: d.version,
    hdbsqlPath: d.hdbsqlPath,
    hdbuserstorePath: d.hdbuserstorePath,
    traceDirectory: d.traceDirectory,
    osUser: d.osUser,
  };
}

async function discover(connection: RemoteConnection): Promise<DiscoveredInstallation[]> {
  const { installations, skipped } = await discoverInstallations(connection);
  for (const s of skipped) libs.logger.warn(`discovery skipped ${s}`);
  return installations;
}

export async function repositories(connection: RemoteConnection): Promise<PluginObject[]> {
  return (await discover(connection)).map(repositoryObject);
}

export async function sourceConfigs(connection: RemoteConnection, repository: PluginObject): Promise<PluginObject[]> {
  const sid = parseSid(repository.sid, 'repository.sid');
  const nr = parseInstanceNumber(repository.instanceNumber, 'repository.instanceNumber');
  const d = (await discover(connection)).find((i) => i.sid === sid && i.instanceNumber === nr);
  return (d?.tenants ?? []).map((tenant) => ({ name: `${tenant}@${sid}`, sid, tenant }));
}
