/**
 * The "ready landscape" `sim start` leaves by default, so that a DBA's first hand-made `dsource link` and
 * `vdb provision` work: the source tenant receives writes, has an initial data backup through Backint and an
 * hour of automatic log backups after it, and the source's catalog key is readable by the OS user on the target
 * host. A landscape fresh from the installer has none of these (HANA takes no data backup by itself).
 */
import { execa } from 'execa';
import type { Landscape, LandscapeSystem } from './landscape.js';

/** Simulated time the ready step lets pass after the initial data backup: four log backups at the default 900 s. */
export const READY_SECONDS = 3600;
/** A marker row this often keeps the source's log moving, so each log backup has something in it. */
export const READY_MARKER_SECONDS = 60;
const STEP_SECONDS = 300;

export interface ReadyOptions {
  source: string;
  tenant: string;
  target: string;
}

export interface ReadyReport {
  source: string;
  tenant: string;
  dataBackup: string;
  logBackups: number;
  catalogKey: string;
  targetHost: string;
}

function system(l: Landscape, sid: string): LandscapeSystem {
  const s = l.systems.find((x) => x.sid === sid);
  if (!s) throw new Error(`ready landscape: no system ${sid}`);
  return s;
}

async function sql(s: LandscapeSystem, key: string, statement: string): Promise<string> {
  const r = await execa(s.paths.hdbsql, ['-U', key, '-a', '-x', '-j', statement], { reject: false });
  if (r.exitCode !== 0) throw new Error(`ready landscape: ${statement} failed on ${s.sid}: ${r.stderr || r.stdout}`);
  return r.stdout.trim();
}

/** The key the target's recovery reads the source's backup catalog with, as the target host's OS user sees it. */
async function checkCatalogKey(source: LandscapeSystem, target: LandscapeSystem): Promise<string> {
  const key = `${source.sid}_RECOVERY`;
  const r = await execa(target.paths.hdbuserstore, ['LIST', key], { reject: false });
  if (r.exitCode !== 0 || !r.stdout.includes(key))
    throw new Error(`ready landscape: the key ${key} is not in the hdbuserstore on ${target.host}: ${r.stderr || r.stdout}`);
  return key;
}

export async function readyLandscape(l: Landscape, o: ReadyOptions): Promise<ReadyReport> {
  if (!/^[A-Z][A-Z0-9_]{0,30}$/.test(o.tenant)) throw new Error(`ready landscape: "${o.tenant}" is not a tenant name`);
  const source = system(l, o.source);
  const target = system(l, o.target);
  await l.workload.startMarkers({ sid: source.sid, database: o.tenant, everySeconds: READY_MARKER_SECONDS });
  await l.clock.advance(STEP_SECONDS);
  const dataBackup = 'INITIAL';
  await sql(source, `${source.sid}_SYSTEM`, `BACKUP DATA FOR ${o.tenant} USING BACKINT ('${dataBackup}')`);
  for (let left = READY_SECONDS; left > 0; left -= STEP_SECONDS) await l.clock.advance(Math.min(STEP_SECONDS, left));
  const count = await sql(
    source,
    `${source.sid}_SYSTEM`,
    `SELECT COUNT(*) FROM SYS_DATABASES.M_BACKUP_CATALOG WHERE DATABASE_NAME = '${o.tenant}' ` +
      `AND ENTRY_TYPE_NAME = 'log backup' AND STATE_NAME = 'successful'`,
  );
  const logBackups = Number(count.replace(/"/g, ''));
  if (!Number.isInteger(logBackups) || logBackups < 1)
    throw new Error(`ready landscape: no log backup of ${o.tenant} after ${READY_SECONDS} s (catalog answered ${count})`);
  return {
    source: source.sid,
    tenant: o.tenant,
    dataBackup,
    logBackups,
    catalogKey: await checkCatalogKey(source, target),
    targetHost: target.host,
  };
}
