/**
 * RECOVER DATABASE|DATA FOR <tenant> as HANA does it with the catalog in Backint (docs/reference/hana-recovery.md §1, §4.4,
 * §5): read the newest catalog version of the source from Backint, determine the strategy (data backup at or
 * before the target, its delta backups, the chain of log backups the catalog knows), optionally check access,
 * restore data and replay logs through Backint, and report in DB_<T>/backup.log. Log backups the Backint tool
 * cannot deliver yet end the replay: the recovery still succeeds, short of the target (the seed's failure mode).
 */
import Database from 'better-sqlite3';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AdminStatement } from './admin-sql.js';
import { BackintFailure, inquireObjects, inquireVersions, restoreObjects } from './backint-runner.js';
import type { CatalogImage, LogBackupImage, TopologyImage } from './backup.js';
import { backintRoot, databaseBackintDir } from './paths.js';
import { SqlError } from './sql-errors.js';
import type { CatalogEntry, CatalogFile } from './state.js';
import type { BackintKind, SystemCore } from './system-core.js';
import { isoLocal } from './time-format.js';

type Recover = Extract<AdminStatement, { kind: 'recover' }>;

/** A recovery failure as backup.log and the SQL client report it. */
class RecoveryError extends Error {
  constructor(
    readonly code: 448 | 449,
    readonly detail: string,
    readonly volume: number,
    readonly position: number,
  ) {
    super(detail);
  }
  get text(): string {
    const head = this.code === 448 ? 'recovery could not be completed' : 'recovery strategy could not be determined';
    return `${head}, volume ${this.volume}, reached log position ${this.position}, ${this.detail}`;
  }
}

interface Strategy {
  data: { entry: CatalogEntry; files: CatalogFile[] }[];
  logs: CatalogFile[];
}

const isData = (e: CatalogEntry) => e.entry_type_name.endsWith('data backup') && e.state_name === 'successful';

/** Is this commit past the recovery target (UNTIL TIMESTAMP: committed later; UNTIL LOG POSITION: ends later)? */
function pastTarget(stmt: Recover, c: { position: number; utc_ms: number }): boolean {
  return stmt.untilPosition ? c.position > stmt.untilPosition.position : c.utc_ms > stmt.untilMs!;
}

function strategy(cat: CatalogImage, stmt: Recover, volume: number): Strategy {
  if (stmt.untilPosition && stmt.untilPosition.volume !== volume) {
    throw new RecoveryError(
      449,
      `[111013] volume ${stmt.untilPosition.volume} is not a log volume of the database; its log volume is ${volume}`,
      stmt.untilPosition.volume,
      0,
    );
  }
  const filesOf = (id: number) => cat.files.filter((f) => f.backup_id === id && f.source_type_name !== 'catalog');
  const data = dataChain(cat, stmt, volume, filesOf).map((entry) => ({ entry, files: filesOf(entry.backup_id) }));
  if (stmt.mode === 'data') return { data, logs: [] };
  return { data, logs: logChain(cat, stmt, volume, data[data.length - 1]!.files[0]!.redo_log_position!) };
}

/** The data backups to restore: the named or newest usable complete one, then (RECOVER DATABASE) delta backups. */
function dataChain(cat: CatalogImage, stmt: Recover, volume: number, filesOf: (id: number) => CatalogFile[]): CatalogEntry[] {
  const data = cat.entries.filter(isData).sort((a, b) => a.utc_start_ms - b.utc_start_ms);
  const dataPosition = (e: CatalogEntry) =>
    filesOf(e.backup_id).find((f) => f.source_type_name === 'volume' && f.source_id === volume)?.redo_log_position ??
    Number.MAX_SAFE_INTEGER;
  /** A data backup usable for the target: taken at or before the time, or starting at or before the log position. */
  const notAfterTarget = (e: CatalogEntry) =>
    stmt.untilPosition ? dataPosition(e) <= stmt.untilPosition.position : e.utc_start_ms <= stmt.untilMs!;
  const chain: CatalogEntry[] = [];
  if (stmt.backupId !== undefined) {
    const e = data.find((x) => x.backup_id === stmt.backupId);
    if (!e)
      throw new RecoveryError(449, `[111010] backup ${stmt.backupId} is not a successful data backup in the backup catalog`, 0, 0);
    if (e.entry_type_name !== 'complete data backup')
      throw new RecoveryError(449, `[111011] backup ${stmt.backupId} is a ${e.entry_type_name}; name a complete data backup`, 0, 0);
    if (stmt.untilMs !== undefined && e.utc_start_ms > stmt.untilMs)
      throw new RecoveryError(449, `[111012] backup ${stmt.backupId} was taken after the point in time`, 0, 0);
    chain.push(e);
  } else {
    const full = data.filter((e) => e.entry_type_name === 'complete data backup' && notAfterTarget(e)).pop();
    const what = stmt.untilPosition ? 'log position' : 'point in time';
    if (!full) throw new RecoveryError(449, `[111014] no complete data backup found that is older than the ${what}`, 0, 0);
    chain.push(full);
  }
  if (stmt.mode === 'database') {
    const after = (t: number) => data.filter((e) => e.utc_start_ms > t && notAfterTarget(e));
    const diff = after(chain[0]!.utc_start_ms)
      .filter((e) => e.entry_type_name === 'differential data backup')
      .pop();
    if (diff) chain.push(diff);
    chain.push(...after(chain[chain.length - 1]!.utc_start_ms).filter((e) => e.entry_type_name === 'incremental data backup'));
  }
  return chain;
}

/** The log backups of the volume from `start` on, in order, up to the target or the first gap; overlaps are refused. */
function logChain(cat: CatalogImage, stmt: Recover, volume: number, start: number): CatalogFile[] {
  const logIds = new Set(
    cat.entries.filter((e) => e.entry_type_name === 'log backup' && e.state_name === 'successful').map((e) => e.backup_id),
  );
  const candidates = cat.files
    .filter(
      (f) =>
        logIds.has(f.backup_id) && f.source_type_name === 'volume' && f.source_id === volume && f.last_redo_log_position! > start,
    )
    .sort((a, b) => a.redo_log_position! - b.redo_log_position! || a.backup_id - b.backup_id);
  for (let i = 1; i < candidates.length; i++) {
    const a = candidates[i - 1]!;
    const b = candidates[i]!;
    if (b.redo_log_position! < a.last_redo_log_position!) {
      throw new RecoveryError(
        449,
        `[111004] Ambiguous sequence of log backups, overlapping log backups ${a.destination_path} ` +
          `(backup id ${a.backup_id}) and ${b.destination_path} (backup id ${b.backup_id})`,
        volume,
        0,
      );
    }
  }
  const logs: CatalogFile[] = [];
  let cur = start;
  for (const f of candidates) {
    if (stmt.untilPosition && cur >= stmt.untilPosition.position) break; // the data backup already holds the position
    if (f.redo_log_position! > cur) break; // a gap: the chain ends here
    logs.push(f);
    cur = f.last_redo_log_position!;
    if (
      stmt.untilPosition
        ? f.last_redo_log_position! >= stmt.untilPosition.position
        : f.utc_last_commit_ms !== null && f.utc_last_commit_ms >= stmt.untilMs!
    )
      break;
  }
  return logs;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** One running recovery: where it reads from and writes to, and how far it got. */
interface RecoveryRun {
  sys: SystemCore;
  stmt: Recover;
  target: string;
  user: string;
  backint: (kind: BackintKind) => ReturnType<SystemCore['backint']>;
  pipeDir: string;
  service: string;
  address: string;
  volume: number;
  opId: number;
  log: ReturnType<SystemCore['backupLog']>;
  /** The recovering copy of the tenant's data, renamed into place at the end. */
  work: string;
  /** The tenant's data was overwritten: a failure now leaves it needing recovery. */
  touched: boolean;
  reachedPos: number;
  reachedMs: number;
  step: number;
}

function stateLine(run: RecoveryRun, s: string, vol = run.volume): void {
  run.log.write(run.opId, 'INFO', 'RECOVERY', `state of service: ${run.service}, ${run.address}, volume: ${vol}, ${s}`);
}

function progressLine(run: RecoveryRun, text: string): void {
  run.log.write(
    run.opId,
    'INFO',
    'RECOVERY',
    `progress of service: ${run.service}, ${run.address}, volume: ${run.volume}, ${text}`,
  );
}

/** A step of the recovery ends: the crash and delay faults act here. */
async function progressStep(run: RecoveryRun): Promise<void> {
  run.step++;
  const faults = run.sys.env.faults;
  if (faults.crashRecoveryAtStep !== undefined && run.step >= faults.crashRecoveryAtStep) process.kill(process.pid, 'SIGKILL');
  if (faults.recoveryStepDelayMs > 0) await sleep(faults.recoveryStepDelayMs);
}

/**
 * RECOVER DATA as HANA runs it: the backup catalog from Backint, the strategy, CHECK ACCESS, the data backups,
 * the log backups, then the tenant runs on the recovered data; every step written to backup.log.
 */
export async function runRecovery(sys: SystemCore, stmt: Recover, sqlText: string): Promise<void> {
  const target = stmt.database!;
  const d = sys.state.database(target)!;
  if (d.recovering_op !== null)
    throw new SqlError(448, `recovery could not be completed: database ${target} is already being recovered`);
  if (d.active === 'YES')
    throw new SqlError(
      448,
      `recovery could not be completed: database ${target} is running; stop it with ALTER SYSTEM STOP DATABASE ${target}`,
    );
  const source = stmt.source ?? { database: target, sid: sys.spec.sid };
  const srcBackintDir = join(
    backintRoot(sys.env.root, source.sid),
    source.database === 'SYSTEMDB' ? 'SYSTEMDB' : `DB_${source.database}`,
  );
  const { service, address, volume } = sys.serviceAddress(target);
  const srcVolume = sys.env.lookup(source.sid)?.state.database(source.database)?.volume ?? volume;
  const run: RecoveryRun = {
    sys,
    stmt,
    target,
    user: sys.backintUser(source.database, source.sid),
    backint: (kind) => sys.backint(target, kind),
    pipeDir: join(databaseBackintDir(sys.paths, target), '.recovery'),
    service,
    address,
    volume,
    opId: sys.nextOpId(),
    log: sys.backupLog(target),
    work: join(sys.paths.dataDir, `${target}.recovering.sqlite`),
    touched: false,
    reachedPos: 0,
    reachedMs: 0,
    step: 0,
  };
  run.log.write(run.opId, 'INFO', 'RECOVERY', `RECOVER DATA started [${run.opId}]`);
  run.log.write(run.opId, 'INFO', 'RECOVERY', `command: ${sqlText}`);
  sys.state.setRecovering(target, run.opId, d.needs_recovery === 1);
  sys.state.setActive(target, 'NO', 'recovery running');
  try {
    const cat = await readCatalog(run, join(srcBackintDir, 'log_backup_0_0_0_0'));
    const strat = strategy(cat, stmt, srcVolume);
    logStrategy(run, strat);
    if (stmt.checkAccess) await checkAccess(run, strat);
    await restoreData(run, strat);
    if (stmt.mode === 'database') await replayLogs(run, strat);
    finishRecovery(run);
  } catch (e) {
    failRecovery(run, e, d.needs_recovery === 1);
  }
}

/** 1. The backup catalog: the newest version of log_backup_0_0_0_0 in the Backint tool. */
async function readCatalog(run: RecoveryRun, catalogPath: string): Promise<CatalogImage> {
  const versions = await inquireVersions(run.backint('catalog'), run.user, catalogPath);
  if (!versions.length) throw new RecoveryError(449, `[111014] no backup catalog found in Backint: ${catalogPath}`, 0, 0);
  const [catRes] = await restoreObjects(run.backint('catalog'), run.user, run.pipeDir, [{ path: catalogPath, ebid: versions[0]! }]);
  if (catRes!.status !== 'restored')
    throw new RecoveryError(449, `[111014] the backup catalog ${catalogPath} could not be read from Backint`, 0, 0);
  const cat = JSON.parse(catRes!.data.toString('utf8')) as CatalogImage;
  run.log.write(run.opId, 'INFO', 'RECOVERY', `using backup catalog ${cat.backupId} from ${catalogPath}`);
  await progressStep(run);
  return cat;
}

/** 2. The strategy, as backup.log lists it. */
function logStrategy(run: RecoveryRun, strat: Strategy): void {
  run.log.write(run.opId, 'INFO', 'RECOVERY', 'The following strategy is used:');
  for (const b of strat.data) run.log.write(run.opId, 'INFO', 'RECOVERY', `  ${b.entry.entry_type_name}: ${b.entry.backup_id}`);
  for (const l of strat.logs) run.log.write(run.opId, 'INFO', 'RECOVERY', `  log backup: ${l.backup_id} ${l.destination_path}`);
}

/** 3. CHECK ACCESS USING BACKINT: every backup of the strategy must be in the Backint tool before data is touched. */
async function checkAccess(run: RecoveryRun, strat: Strategy): Promise<void> {
  const data = strat.data.flatMap((b) => b.files);
  const all = [...data, ...strat.logs];
  const objects = (files: CatalogFile[]) => files.map((f) => ({ path: f.destination_path, ebid: f.external_backup_id! }));
  const ok = [
    ...(await inquireObjects(run.backint('data'), run.user, objects(data))),
    ...(await inquireObjects(run.backint('log'), run.user, objects(strat.logs))),
  ];
  const missing = all.filter((_, i) => !ok[i]);
  if (missing.length) {
    throw new RecoveryError(
      449,
      `[110098] backup not available in Backint: ` +
        `${missing.map((f) => `${f.destination_path} (EBID ${f.external_backup_id})`).join(', ')}`,
      missing[0]!.source_id,
      0,
    );
  }
}

/** 4. The data backups, restored in order into the working copy; the tenant's old data is gone from here on. */
async function restoreData(run: RecoveryRun, strat: Strategy): Promise<void> {
  stateLine(run, 'RecoveryExecuteTopologyRecoveryInProgress', 0);
  run.touched = true;
  run.sys.state.setRecovering(run.target, run.opId, true);
  let image: Buffer | undefined;
  let topo: TopologyImage | undefined;
  for (const b of strat.data) {
    const files = [...b.files].sort(
      (x, y) => x.source_id - y.source_id || x.destination_path.localeCompare(y.destination_path, 'en', { numeric: true }),
    );
    const objects = files.map((f) => ({ path: f.destination_path, ebid: f.external_backup_id! }));
    const res = await restoreObjects(run.backint('data'), run.user, run.pipeDir, objects);
    res.forEach((r, i) => {
      if (r.status !== 'restored') {
        const answer = r.status === 'notfound' ? '#NOTFOUND' : '#ERROR';
        throw new RecoveryError(
          448,
          `[110092] Backint reported ${answer} for ${files[i]!.destination_path}`,
          files[i]!.source_id,
          0,
        );
      }
    });
    const datas = res.map((r) => (r.status === 'restored' ? r.data : Buffer.alloc(0)));
    topo = JSON.parse(datas[0]!.toString('utf8')) as TopologyImage;
    image = Buffer.concat(datas.slice(1));
    if (b === strat.data[0]) stateLine(run, 'RecoveryExecuteTopologyRecoveryFinished', 0);
    stateLine(run, 'RecoveryExecuteDataRecoveryInProgress');
    progressLine(run, `0% 0/${image.length}`);
    await progressStep(run);
    progressLine(run, `100% ${image.length}/${image.length}`);
  }
  rmSync(run.work, { force: true });
  writeFileSync(run.work, image!);
  run.reachedPos = topo!.redoLogPosition;
  run.reachedMs = topo!.lastCommitMs ?? topo!.startMs;
}

/** 5. The log backups (RECOVER DATABASE), replayed up to the target; a log backup not (yet) in Backint ends them. */
async function replayLogs(run: RecoveryRun, strat: Strategy): Promise<void> {
  const db = new Database(run.work);
  const apply = (c: { position: number; utc_ms: number; sql: string }) => {
    db.exec(c.sql);
    run.reachedPos = c.position;
    run.reachedMs = c.utc_ms;
  };
  try {
    stateLine(run, 'RecoveryExecuteLogRecoveryInProgress');
    let done = false;
    for (const [i, f] of strat.logs.entries()) {
      const [r] = await restoreObjects(run.backint('log'), run.user, run.pipeDir, [
        { path: f.destination_path, ebid: f.external_backup_id! },
      ]);
      if (r!.status === 'notfound') break; // not (yet) in the Backint tool: the logs end here
      if (r!.status !== 'restored')
        throw new RecoveryError(448, `[110092] Backint reported #ERROR for ${f.destination_path}`, run.volume, run.reachedPos);
      const lb = JSON.parse(r!.data.toString('utf8')) as LogBackupImage;
      for (const c of lb.commits) {
        if (c.position <= run.reachedPos) continue;
        if (pastTarget(run.stmt, c)) {
          done = true;
          break;
        }
        apply(c);
      }
      progressLine(run, `${Math.floor(((i + 1) * 100) / strat.logs.length)}% ${i + 1}/${strat.logs.length}`);
      await progressStep(run);
      if (done) break;
    }
    // Without CLEAR LOG an in-place recovery also replays what is still in its own log area.
    if (!done && !run.stmt.clearLog && !run.stmt.source) {
      for (const c of run.sys.state.redoAfter(run.target, run.reachedPos)) {
        if (pastTarget(run.stmt, c)) break;
        apply(c);
      }
    }
  } finally {
    db.close();
  }
}

/** 6. Done: the tenant runs on the recovered data, its log continues at the reached position. */
function finishRecovery(run: RecoveryRun): void {
  const { sys, target } = run;
  sys.release(target);
  renameSync(run.work, sys.dataFile(target));
  sys.state.resetLog(target, run.reachedPos, run.reachedMs);
  sys.state.setRecovering(target, null, false);
  sys.state.setActive(target, 'YES', '');
  stateLine(run, 'RecoveryFinished');
  if (run.stmt.mode === 'data') run.log.write(run.opId, 'INFO', 'RECOVERY', 'RECOVER DATA finished successfully');
  else
    run.log.write(
      run.opId,
      'INFO',
      'RECOVERY',
      `RECOVER DATA finished successfully, reached timestamp ` +
        `${isoLocal(run.reachedMs, sys.spec.utcOffset)}, reached log position ${run.reachedPos}`,
    );
}

/** A failure: backup.log's error line, the tenant left stopped (needing recovery once touched), the SQL error. */
function failRecovery(run: RecoveryRun, e: unknown, neededRecovery: boolean): never {
  rmSync(run.work, { force: true });
  const err =
    e instanceof RecoveryError
      ? e
      : e instanceof BackintFailure
        ? new RecoveryError(448, `[${e.code}] ${e.hanaText}`, run.volume, run.reachedPos)
        : new RecoveryError(448, `[2000000] ${(e as Error).message}`, run.volume, run.reachedPos);
  stateLine(run, 'RecoveryError');
  run.log.write(run.opId, 'ERROR', 'RECOVERY', `RECOVER DATA finished with error: [${err.code}] ${err.text}`);
  run.sys.state.setRecovering(run.target, null, run.touched || neededRecovery);
  run.sys.state.setActive(run.target, 'NO', run.touched ? 'recovery failed' : '');
  throw new SqlError(err.code, err.text);
}
