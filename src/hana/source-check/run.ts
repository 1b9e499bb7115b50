/**
 * The backup source check as a whole: from the TARGET host, what a provision would ask of the Backint tool — the
 * preflight's key, catalog and parameter-file checks (preflight/), the parameter file itself, the namespace the tool
 * reads (tool-settings.ts), then one reading of the source's catalog and one inquire for the backups a recovery
 * needs (log-coverage/), judged line by line (backups.ts). Changes nothing on either host.
 */
import { UserError } from '../../sdk/errors.js';
import type { RemoteConnection } from '../../sdk/platform.js';
import type { HdbsqlTarget } from '../hdbsql/invocation.js';
import type { AbsolutePath, Sid, TenantName } from '../identifiers.js';
import { inquireVisibility, type Visibility } from '../log-coverage/inquire.js';
import type { PreflightCheck } from '../preflight/checks.js';
import { runPreflight, type PreflightSystem } from '../preflight/run.js';
import type { BackupSource } from '../sql.js';
import { checkAccessLine, checkCatalog, checkDataBackup, checkLogBackup, objectsToInquire, type BackupFacts } from './backups.js';
import { lineOfPreflight, worstVerdict, type CheckLine, type CheckLineId, type SourceCheckReport } from './lines.js';
import { readHostFile, readSourceCatalog, type FileRead, type SourceCatalogFacts } from './read.js';
import { checkNamespace } from './tool-settings.js';

export interface SourceCheckRequest {
  target: PreflightSystem & { connection: RemoteConnection; hdbsql: HdbsqlTarget; hdbbackint: AbsolutePath };
  targetTenant: string;
  /** The target's hdbsql with the key of the source SYSTEMDB; null when the VDB parameters name none. */
  sourceCatalog: HdbsqlTarget | null;
  source: { sid: Sid; tenant: TenantName; host: string; connection: RemoteConnection | null; parameterFile: AbsolutePath };
  /** The VDB's backintParameterFile; null to take it from the target's global.ini. */
  vdbParameterFile: AbsolutePath | null;
  backupSource: BackupSource;
  commvaultSourceClient: string | null;
  rpoOffsetMinutes: number;
  checkAccess: boolean;
}

const PROBLEM: Record<string, string> = {
  missing: 'does not exist',
  'not-a-file': 'is not a regular file',
  unreadable: 'is not readable by the OS user',
};

function parameterFileLine(files: PreflightCheck, file: string | null, read: FileRead | null, host: string): CheckLine {
  const base = lineOfPreflight(files, 'parameter-file');
  base.title = "target's Backint parameter file";
  if (file === null || read === null || base.verdict === 'fail') return base;
  if (read.state !== 'ok')
    return {
      ...base,
      verdict: 'fail',
      found: `${file} ${PROBLEM[read.state]} on ${host}`,
      fix:
        `Create ${file} on ${host}, readable by the system's OS user (the tool's own keys, docs/BACKUP-SOURCES.md), or ` +
        "name the file the tool uses in global.ini [backup] and the VDB's backintParameterFile.",
    };
  return { ...base, found: `${base.found}; present and readable` };
}

async function sourceFile(req: SourceCheckRequest): Promise<{ text: string | null; unreadable: string | null }> {
  if (req.backupSource === 'COMMVAULT_BACKINT' || req.source.connection === null) return { text: null, unreadable: null };
  try {
    const r = await readHostFile(req.source.connection, req.source.parameterFile);
    return { text: r.text, unreadable: r.state === 'ok' ? null : (PROBLEM[r.state] ?? r.state) };
  } catch (e) {
    return { text: null, unreadable: (e as Error).message };
  }
}

const BACKUP_LINES: ReadonlyArray<[CheckLineId, string]> = [
  ['catalog', 'backup catalog visible (log_backup_0_0_0_0)'],
  ['data-backup', 'newest data backup visible'],
  ['log-backup', 'newest log backup visible, within the RPO offset'],
  ['check-access', 'CHECK ACCESS USING BACKINT'],
];

/** The backup lines all fail the same way when the source's catalog cannot be read. */
function unreadableCatalog(found: string, fix: string): CheckLine[] {
  return BACKUP_LINES.map(([id, title]) => ({ id, title, verdict: 'fail', found, fix }));
}

async function visibilityOf(
  req: SourceCheckRequest,
  parameterFile: AbsolutePath,
  cat: SourceCatalogFacts,
): Promise<{ visibility: Map<string, Visibility> | null; error: string | null }> {
  const objects = objectsToInquire({ ...cat, rpoOffsetMinutes: req.rpoOffsetMinutes });
  try {
    const r = await inquireVisibility({
      connection: req.target.connection,
      hdbbackint: req.target.hdbbackint,
      parameterFile,
      source: { sid: req.source.sid, tenant: req.source.tenant },
      objects,
    });
    return { visibility: r.visibility, error: null };
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    return { visibility: null, error: e.message };
  }
}

async function backupLines(req: SourceCheckRequest, parameterFile: AbsolutePath | null, fileOk: boolean) {
  const user = `${req.source.tenant}@${req.source.sid}`;
  if (req.sourceCatalog === null)
    return {
      nowMs: null,
      lines: unreadableCatalog(
        `the VDB parameters name no sourceCatalogUserStoreKey, so the source's catalog of ${user} was not read`,
        'Set sourceCatalogUserStoreKey (an hdbuserstore key on the target host pointing at the source SYSTEMDB) in ' +
          'the VDB parameters the check uses (--params).',
      ),
    };
  let cat: SourceCatalogFacts | string;
  try {
    cat = await readSourceCatalog(req.target.connection, req.sourceCatalog, req.source.tenant);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    cat = e.message;
  }
  if (typeof cat === 'string')
    return {
      nowMs: null,
      lines: unreadableCatalog(`the source's catalog of ${user} could not be read: ${cat}`, 'See the userstore line.'),
    };
  const seen =
    parameterFile !== null && fileOk
      ? await visibilityOf(req, parameterFile, cat)
      : { visibility: null, error: 'the parameter file could not be used (see its line)' };
  const facts: BackupFacts = {
    user,
    backupSource: req.backupSource,
    nowMs: cat.nowMs,
    rpoOffsetMinutes: req.rpoOffsetMinutes,
    checkAccess: req.checkAccess,
    backups: cat.backups,
    catalogBackups: cat.catalogBackups,
    visibility: seen.visibility,
    inquireError: seen.error,
  };
  return { nowMs: cat.nowMs, lines: [checkCatalog(facts), checkDataBackup(facts), checkLogBackup(facts), checkAccessLine(facts)] };
}

export async function runSourceCheck(req: SourceCheckRequest): Promise<SourceCheckReport> {
  const { target, source } = req;
  const pre = await runPreflight({
    connection: target.connection,
    target,
    source: { sid: source.sid, tenant: source.tenant, catalog: req.sourceCatalog },
    targetTenant: req.targetTenant,
    backintParameterFile: req.vdbParameterFile,
  });
  const byId = (id: PreflightCheck['id']) => pre.checks.find((c) => c.id === id)!;
  const file = pre.backintParameterFile as AbsolutePath | null;
  const read = file === null ? null : await readHostFile(target.connection, file);
  const fileLine = parameterFileLine(byId('backint-parameter-files'), file, read, target.hostName);
  const src = await sourceFile(req);
  const namespace = checkNamespace({
    backupSource: req.backupSource,
    user: `${source.tenant}@${source.sid}`,
    sourceSid: source.sid,
    sourceClient: req.commvaultSourceClient,
    target: { file: file ?? '(none)', text: read?.text ?? null },
    source: { file: source.parameterFile, host: source.host, ...src },
  });
  const backups = await backupLines(req, file, read?.state === 'ok');
  const lines = [
    lineOfPreflight(byId('userstore'), 'userstore'),
    lineOfPreflight(byId('catalog-backint'), 'catalog-backint'),
    fileLine,
    namespace,
    ...backups.lines,
  ];
  return {
    version: 1,
    source: `${source.tenant}@${source.sid}`,
    target: { sid: target.sid, host: target.hostName },
    backupSource: req.backupSource,
    parameterFile: file,
    checkedAt: backups.nowMs === null ? null : new Date(backups.nowMs).toISOString(),
    verdict: worstVerdict(lines),
    lines,
  };
}
