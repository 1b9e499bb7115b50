/**
 * The preflight of a VDB recovery (src/hana/preflight): run by virtual.configure/reconfigure before the target is
 * touched, and by extension.plan to show every check. Also settles the Backint parameter file: the VDB's, or the
 * one the target's global.ini names when the VDB leaves it out.
 */
import { UserError } from '../../src/sdk/errors.js';
import { libs } from '../../src/sdk/libs.js';
import type { VirtualSource } from '../../src/sdk/platform.js';
import { parseAbsolutePath, type AbsolutePath } from '../../src/hana/identifiers.js';
import { preflightError, runPreflight, type PreflightReport } from '../../src/hana/preflight/run.js';
import { requireReadableFile } from '../../src/hana/remote/readable-file.js';
import { BACKINT_FILE, hdbsqlTarget, type Repository, type SnapshotTarget, type VirtualParameters } from './objects.js';

export async function preflightOf(
  virtualSource: VirtualSource,
  repo: Repository,
  p: VirtualParameters,
  snap: SnapshotTarget,
): Promise<PreflightReport> {
  return runPreflight({
    connection: virtualSource.connection,
    target: { ...repo, hdbsql: hdbsqlTarget(repo, p.targetUserStoreKey) },
    source: {
      sid: snap.sourceSid,
      tenant: snap.sourceTenant,
      catalog: p.sourceCatalogUserStoreKey ? hdbsqlTarget(repo, p.sourceCatalogUserStoreKey) : null,
    },
    targetTenant: p.targetTenant,
    backintParameterFile: p.backintParameterFile,
  });
}

/** The parameter file to use after the preflight, or a UserError naming the field when none is known. */
export function parameterFileOf(report: PreflightReport): AbsolutePath {
  if (report.backintParameterFile === null)
    throw new UserError(
      "The VDB names no backintParameterFile and the target's global.ini names none either.",
      'Set backintParameterFile in the VDB parameters to the Backint parameter file the target reads backups with.',
    );
  return parseAbsolutePath(report.backintParameterFile, 'backintParameterFile');
}

/**
 * Before a recovery: every check, logged; the first failing one stops it with the target untouched. Then the
 * parameter file to use, which must be readable on the host.
 */
export async function requirePreflight(
  virtualSource: VirtualSource,
  repo: Repository,
  p: VirtualParameters,
  snap: SnapshotTarget,
  what: string,
): Promise<AbsolutePath> {
  libs.reportProgress({ percent: 0, message: `preflight checks on ${repo.sid} before ${what}` });
  const report = await preflightOf(virtualSource, repo, p, snap);
  for (const c of report.checks) {
    const line = `preflight ${c.verdict}: ${c.title}: ${c.found}`;
    if (c.verdict === 'pass') libs.logger.info(line);
    else libs.logger.warn(line);
  }
  const err = preflightError(report, what);
  if (err) throw err;
  const file = parameterFileOf(report);
  // Read within the preflight's command when the VDB names the file; one taken from global.ini is checked now.
  await requireReadableFile(virtualSource.connection, file, 'backintParameterFile', BACKINT_FILE, report.backintParameterFileState);
  return file;
}
