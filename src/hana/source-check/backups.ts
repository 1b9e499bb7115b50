/**
 * The lines about the backups themselves, judged from the source's catalog and what the target's Backint tool
 * answered (pure): the backup catalog HANA plans from, the newest data backup, the newest log backup against the
 * dSource's RPO offset, and what CHECK ACCESS USING BACKINT would ask. Visibility is per EBID (inquire.ts).
 */
import type { CatalogBackup } from '../log-coverage/catalog.js';
import { planChain } from '../log-coverage/chain.js';
import type { Visibility } from '../log-coverage/inquire.js';
import type { BackupSource } from '../sql.js';
import { ageText, type CheckLine } from './lines.js';

/** One catalog backup HANA wrote through Backint (`log_backup_0_0_0_0`), newest first. */
export interface CatalogBackupFile {
  backupId: string;
  writtenMs: number;
  path: string;
  ebid: string;
}

export interface BackupFacts {
  /** `<tenant>@<SID>`. */
  user: string;
  backupSource: BackupSource;
  nowMs: number;
  rpoOffsetMinutes: number;
  checkAccess: boolean;
  backups: readonly CatalogBackup[];
  catalogBackups: readonly CatalogBackupFile[];
  /** Per EBID; null when the tool could not answer (inquireError says why). */
  visibility: ReadonlyMap<string, Visibility> | null;
  inquireError: string | null;
}

/** How many of the newest log backups are asked about (the ones the RPO offset is about). */
const RECENT_LOGS = 20;

interface LogFile {
  backupId: string;
  path: string;
  ebid: string | null;
  writtenMs: number;
  lastCommitMs: number | null;
}

const dataBackups = (f: Pick<BackupFacts, 'backups'>) => f.backups.filter((b) => b.entryType !== 'log backup');

function recentLogs(f: Pick<BackupFacts, 'backups'>): LogFile[] {
  return f.backups
    .filter((b) => b.entryType === 'log backup')
    .flatMap((b) =>
      b.files
        .filter((x) => x.sourceType === 'volume')
        .map((x) => ({
          backupId: b.backupId,
          path: x.path,
          ebid: x.ebid,
          writtenMs: b.endMs ?? b.startMs,
          lastCommitMs: x.lastCommitMs,
        })),
    )
    .sort((a, b) => a.writtenMs - b.writtenMs)
    .slice(-RECENT_LOGS);
}

/** The point a snapshot taken now asks for: now minus the RPO offset. */
const originMs = (f: Pick<BackupFacts, 'nowMs' | 'rpoOffsetMinutes'>) => f.nowMs - f.rpoOffsetMinutes * 60_000;

/** Every (EBID, path) the lines ask the tool about, once each. */
export function objectsToInquire(f: Pick<BackupFacts, 'backups' | 'catalogBackups' | 'nowMs' | 'rpoOffsetMinutes'>) {
  const plan = planChain(f.backups, { kind: 'timestamp', untilMs: originMs(f) });
  const newest = dataBackups(f).pop();
  const all = [
    ...(newest?.files ?? []),
    ...recentLogs(f),
    ...plan.data.flatMap((d) => d.files),
    ...plan.volumes.flatMap((v) => v.logs),
    ...f.catalogBackups,
  ];
  const seen = new Map<string, { ebid: string; path: string }>();
  for (const o of all) if (o.ebid) seen.set(`${o.ebid}\0${o.path}`, { ebid: o.ebid, path: o.path });
  return [...seen.values()];
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function visible(f: BackupFacts, ebid: string | null): boolean {
  return ebid !== null && (f.visibility?.get(ebid)?.visible ?? false);
}

/** What to do when the tool does not show the target what the source's catalog lists. */
export function notVisibleFix(f: Pick<BackupFacts, 'backupSource' | 'user'>): string {
  return f.backupSource === 'COMMVAULT_BACKINT'
    ? `Have the CommCell admin allow restores of the source client's backups to the target client (cross-client ` +
        `restore) and check the namespace line: the target's parameter file must name the source client and SID.`
    : `Check the namespace line (bucket and folder of the source) and that the target host's IAM role may ` +
        `s3:ListBucket and s3:GetObject there; objects in an archival storage tier cannot be restored.`;
}

function unanswered(f: BackupFacts, id: CheckLine['id'], title: string): CheckLine | null {
  if (f.visibility !== null) return null;
  return {
    id,
    title,
    verdict: 'fail',
    found: `the Backint tool could not tell what it holds for ${f.user}: ${f.inquireError ?? 'no answer'}`,
    fix: notVisibleFix(f),
  };
}

const CATALOG_TITLE = 'backup catalog visible (log_backup_0_0_0_0)';

/** RECOVER ... USING CATALOG BACKINT plans from the newest catalog backup the tool lists. */
export function checkCatalog(f: BackupFacts): CheckLine {
  const line = (verdict: CheckLine['verdict'], found: string, fix: string | null): CheckLine => ({
    id: 'catalog',
    title: CATALOG_TITLE,
    verdict,
    found,
    fix,
  });
  const newest = f.catalogBackups[0];
  if (!newest)
    return line(
      'fail',
      `the source's catalog lists no catalog backup of ${f.user} written through Backint: RECOVER ... USING CATALOG ` +
        'BACKINT would find no backup catalog',
      'See the catalog-backint line: set catalog_backup_using_backint = true on the source, then take a log or data backup.',
    );
  const bad = unanswered(f, 'catalog', CATALOG_TITLE);
  if (bad) return bad;
  const age = (ms: number) => ageText((f.nowMs - ms) / 1000);
  const shown = f.catalogBackups.find((c) => visible(f, c.ebid));
  if (shown === newest)
    return line(
      'ok',
      `newest catalog backup ${newest.backupId} (${newest.path}) written ${age(newest.writtenMs)} ago is visible`,
      null,
    );
  if (!shown)
    return line(
      'fail',
      `none of the ${f.catalogBackups.length} newest catalog backups (${newest.path}) is visible to the target: HANA ` +
        'would fail the recovery with "no backup catalog found in Backint"',
      notVisibleFix(f),
    );
  const hiddenOld = newest.writtenMs <= originMs(f);
  return line(
    hiddenOld ? 'warn' : 'ok',
    `the newest catalog backup ${newest.backupId}, written ${age(newest.writtenMs)} ago, is not visible yet; HANA would plan ` +
      `from catalog backup ${shown.backupId}, written ${age(shown.writtenMs)} ago` +
      (hiddenOld ? ', and not see the log backups written after it (a recovery to a later point stops short)' : ''),
    hiddenOld ? 'The tool receives catalog backups late: raise rpoOffsetMinutes on the dSource (see the log backup line).' : null,
  );
}

const DATA_TITLE = 'newest data backup visible';

export function checkDataBackup(f: BackupFacts): CheckLine {
  const newest = dataBackups(f).pop();
  const line = (verdict: CheckLine['verdict'], found: string, fix: string | null): CheckLine => ({
    id: 'data-backup',
    title: DATA_TITLE,
    verdict,
    found,
    fix,
  });
  if (!newest)
    return line(
      'fail',
      `the source's catalog lists no successful data backup of ${f.user}`,
      `Take one on the source: BACKUP DATA FOR ${f.user.split('@')[0]} USING BACKINT ('<prefix>'), then a new dSource snapshot.`,
    );
  const bad = unanswered(f, 'data-backup', DATA_TITLE);
  if (bad) return bad;
  const age = ageText((f.nowMs - newest.startMs) / 1000);
  const what = `${newest.entryType} ${newest.backupId} of ${iso(newest.startMs)} (${age} old, ${newest.files.length} files)`;
  const hidden = newest.files.filter((x) => !visible(f, x.ebid));
  if (hidden.length === 0) return line('ok', `${what}: every file visible`, null);
  return line(
    'fail',
    `${what}: ${hidden.length} not visible to the target, e.g. ${hidden[0]!.path} (EBID ${hidden[0]!.ebid ?? 'none'})`,
    notVisibleFix(f),
  );
}

const LOG_TITLE = 'newest log backup visible, within the RPO offset';

export function checkLogBackup(f: BackupFacts): CheckLine {
  const logs = recentLogs(f);
  const line = (verdict: CheckLine['verdict'], found: string, fix: string | null): CheckLine => ({
    id: 'log-backup',
    title: LOG_TITLE,
    verdict,
    found,
    fix,
  });
  const rpo = `the RPO offset is ${f.rpoOffsetMinutes} min`;
  if (logs.length === 0)
    return line(
      'warn',
      `the source's catalog lists no log backup of ${f.user}: a recovery reaches only the end of a data backup`,
      'On the source check log_mode = normal and enable_auto_log_backup = yes in global.ini [persistence].',
    );
  const bad = unanswered(f, 'log-backup', LOG_TITLE);
  if (bad) return bad;
  const shown = logs.filter((l) => visible(f, l.ebid)).pop();
  const newestText = shown
    ? `newest visible log backup ${shown.backupId} written ${ageText((f.nowMs - shown.writtenMs) / 1000)} ago` +
      (shown.lastCommitMs !== null ? ` (last commit ${iso(shown.lastCommitMs)})` : '')
    : `none of the ${logs.length} newest log backups is visible`;
  const late = logs.filter((l) => !visible(f, l.ebid) && l.writtenMs <= originMs(f));
  if (late.length === 0) {
    const young = logs.filter((l) => !visible(f, l.ebid)).length;
    const pending = young ? `; ${young} newer ones, written within the offset, not visible yet` : '';
    return line('ok', `${newestText}${pending}; ${rpo}`, null);
  }
  const oldest = late[0]!;
  const hiddenFor = Math.ceil((f.nowMs - oldest.writtenMs) / 1000);
  return line(
    'fail',
    `${newestText}; log backup ${oldest.backupId} (${oldest.path}) was written ${ageText(hiddenFor)} ago and is not ` +
      `visible to the target, longer than ${rpo}: a snapshot taken now asks for a point the tool cannot give yet ` +
      '(a provision waits under policy wait, or stops short)',
    `Raise the dSource's rpoOffsetMinutes to at least ${Math.ceil(hiddenFor / 60) + 1} (hana-vdb-meta advise recommends ` +
      `one from measured lags), or find why log backups reach the tool late. ${notVisibleFix(f)}`,
  );
}

const ACCESS_TITLE = 'CHECK ACCESS USING BACKINT';

/** What HANA's CHECK ACCESS would ask: every file of a recovery to a snapshot taken now, per (EBID, path). */
export function checkAccessLine(f: BackupFacts): CheckLine {
  const line = (verdict: CheckLine['verdict'], found: string, fix: string | null): CheckLine => ({
    id: 'check-access',
    title: ACCESS_TITLE,
    verdict,
    found,
    fix,
  });
  if (!f.checkAccess) return line('ok', 'off for this dSource (checkAccessUsingBackint false): RECOVER runs without it', null);
  if (f.visibility === null)
    return line(
      'fail',
      `on, but the tool could not answer the per-file inquiry HANA's check makes: ${f.inquireError ?? 'no answer'}`,
      `Fix the tool's access (see the lines above); if this tool cannot serve HANA's check, set checkAccessUsingBackint ` +
        'to false on the dSource.',
    );
  const plan = planChain(f.backups, { kind: 'timestamp', untilMs: originMs(f) });
  const files = [...plan.data.flatMap((d) => d.files), ...plan.volumes.flatMap((v) => v.logs)];
  if (files.length === 0)
    return line('warn', 'on; no recovery strategy could be planned from the catalog (see the data backup line)', null);
  const hidden = files.filter((x) => !visible(f, x.ebid));
  const what = `a recovery to ${iso(originMs(f))} (now minus the RPO offset) reads ${files.length} files`;
  if (hidden.length === 0) return line('ok', `on; ${what}, and the tool holds every one`, null);
  return line(
    'fail',
    `on; ${what}, and the tool does not show ${hidden.length}, e.g. ${hidden[0]!.path}: HANA's check would refuse the ` +
      'RECOVER ([449] backup not available in Backint) unless the coverage wait sees them arrive first',
    notVisibleFix(f),
  );
}
