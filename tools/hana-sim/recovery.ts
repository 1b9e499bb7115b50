/**
 * RECOVER DATABASE|DATA FOR <tenant> as HANA does it with the catalog in Backint (ref/hana-recovery.md §1, §4.4,
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
import type { SystemCore } from './system-core.js';
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
  const filesOf = (id: number) => cat.files.filter((f) => f.backup_id === id && f.source_type_name !== 'catalog');
  const data = cat.entries.filter(isData).sort((a, b) => a.utc_start_ms - b.utc_start_ms);
  const dataPosition = (e: CatalogEntry) =>
    filesOf(e.backup_id).find((f) => f.source_type_name === 'volume' && f.source_id === volume)?.redo_log_position ??
    Number.MAX_SAFE_INTEGER;
  /** A data backup usable for the target: taken at or before the time, or starting at or before the log position. */
  const notAfterTarget = (e: CatalogEntry) =>
    stmt.untilPosition ? dataPosition(e) <= stmt.untilPosition.position : e.utc_start_ms <= stmt.untilMs!;
  if (stmt.untilPosition && stmt.untilPosition.volume !== volume) {
    throw new RecoveryError(
      449,
      `[111013] volume ${stmt.untilPosition.volume} is not a log volume of the database; its log volume is ${volume}`,
      stmt.untilPosition.volume,
      0,
    );
  }
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
    if (!full)
      throw new RecoveryError(
        449,
        `[111014] no complete data backup found that is older than the ${stmt.untilPosition ? 'log position' : 'point in time'}`,
        0,
        0,
      );
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
  const dataPart = chain.map((entry) => ({ entry, files: filesOf(entry.backup_id) }));
  if (stmt.mode === 'data') return { data: dataPart, logs: [] };

  const start = dataPart[dataPart.length - 1]!.files[0]!.redo_log_position!;
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
  return { data: dataPart, logs };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

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
  const srcSystem = sys.env.lookup(source.sid);
  const srcBackintDir = join(
    backintRoot(sys.env.root, source.sid),
    source.database === 'SYSTEMDB' ? 'SYSTEMDB' : `DB_${source.database}`,
  );
  const user = sys.backintUser(source.database, source.sid);
  const backint = sys.backint(target);
  const pipeDir = join(databaseBackintDir(sys.paths, target), '.recovery');
  const { service, address, volume } = sys.serviceAddress(target);
  const srcVolume = srcSystem?.state.database(source.database)?.volume ?? volume;
  const opId = sys.nextOpId();
  const log = sys.backupLog(target);
  const state = (s: string, vol = volume) =>
    log.write(opId, 'INFO', 'RECOVERY', `state of service: ${service}, ${address}, volume: ${vol}, ${s}`);
  let step = 0;
  const progressStep = async () => {
    step++;
    if (sys.env.faults.crashRecoveryAtStep !== undefined && step >= sys.env.faults.crashRecoveryAtStep)
      process.kill(process.pid, 'SIGKILL');
    if (sys.env.faults.recoveryStepDelayMs > 0) await sleep(sys.env.faults.recoveryStepDelayMs);
  };

  log.write(opId, 'INFO', 'RECOVERY', `RECOVER DATA started [${opId}]`);
  log.write(opId, 'INFO', 'RECOVERY', `command: ${sqlText}`);
  sys.state.setRecovering(target, opId, d.needs_recovery === 1);
  sys.state.setActive(target, 'NO', 'recovery running');
  let touched = false;
  let reachedPos = 0;
  const work = join(sys.paths.dataDir, `${target}.recovering.sqlite`);
  try {
    // 1. The backup catalog, newest version in Backint.
    const catalogPath = join(srcBackintDir, 'log_backup_0_0_0_0');
    const versions = await inquireVersions(backint, user, catalogPath);
    if (!versions.length) throw new RecoveryError(449, `[111014] no backup catalog found in Backint: ${catalogPath}`, 0, 0);
    const [catRes] = await restoreObjects(backint, user, pipeDir, [{ path: catalogPath, ebid: versions[0]! }]);
    if (catRes!.status !== 'restored')
      throw new RecoveryError(449, `[111014] the backup catalog ${catalogPath} could not be read from Backint`, 0, 0);
    const cat = JSON.parse(catRes!.data.toString('utf8')) as CatalogImage;
    log.write(opId, 'INFO', 'RECOVERY', `using backup catalog ${cat.backupId} from ${catalogPath}`);
    await progressStep();

    // 2. Strategy, 3. CHECK ACCESS.
    const strat = strategy(cat, stmt, srcVolume);
    log.write(opId, 'INFO', 'RECOVERY', 'The following strategy is used:');
    for (const b of strat.data) log.write(opId, 'INFO', 'RECOVERY', `  ${b.entry.entry_type_name}: ${b.entry.backup_id}`);
    for (const l of strat.logs) log.write(opId, 'INFO', 'RECOVERY', `  log backup: ${l.backup_id} ${l.destination_path}`);
    if (stmt.checkAccess) {
      const all = [...strat.data.flatMap((b) => b.files), ...strat.logs];
      const ok = await inquireObjects(
        backint,
        user,
        all.map((f) => ({ path: f.destination_path, ebid: f.external_backup_id! })),
      );
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

    // 4. Data.
    state('RecoveryExecuteTopologyRecoveryInProgress', 0);
    touched = true;
    sys.state.setRecovering(target, opId, true);
    let image: Buffer | undefined;
    let topo: TopologyImage | undefined;
    for (const b of strat.data) {
      const files = [...b.files].sort(
        (x, y) => x.source_id - y.source_id || x.destination_path.localeCompare(y.destination_path, 'en', { numeric: true }),
      );
      const res = await restoreObjects(
        backint,
        user,
        pipeDir,
        files.map((f) => ({ path: f.destination_path, ebid: f.external_backup_id! })),
      );
      res.forEach((r, i) => {
        if (r.status !== 'restored')
          throw new RecoveryError(
            448,
            `[110092] Backint reported ${r.status === 'notfound' ? '#NOTFOUND' : '#ERROR'} for ${files[i]!.destination_path}`,
            files[i]!.source_id,
            0,
          );
      });
      const datas = res.map((r) => (r.status === 'restored' ? r.data : Buffer.alloc(0)));
      topo = JSON.parse(datas[0]!.toString('utf8')) as TopologyImage;
      image = Buffer.concat(datas.slice(1));
      if (b === strat.data[0]) state('RecoveryExecuteTopologyRecoveryFinished', 0);
      state('RecoveryExecuteDataRecoveryInProgress');
      log.write(opId, 'INFO', 'RECOVERY', `progress of service: ${service}, ${address}, volume: ${volume}, 0% 0/${image.length}`);
      await progressStep();
      log.write(
        opId,
        'INFO',
        'RECOVERY',
        `progress of service: ${service}, ${address}, volume: ${volume}, 100% ${image.length}/${image.length}`,
      );
    }
    rmSync(work, { force: true });
    writeFileSync(work, image!);
    reachedPos = topo!.redoLogPosition;
    let reachedMs = topo!.lastCommitMs ?? topo!.startMs;

    // 5. Logs.
    if (stmt.mode === 'database') {
      const db = new Database(work);
      try {
        state('RecoveryExecuteLogRecoveryInProgress');
        let done = false;
        for (const [i, f] of strat.logs.entries()) {
          const [r] = await restoreObjects(backint, user, pipeDir, [{ path: f.destination_path, ebid: f.external_backup_id! }]);
          if (r!.status === 'notfound') break; // not (yet) in the Backint tool: the logs end here
          if (r!.status !== 'restored')
            throw new RecoveryError(448, `[110092] Backint reported #ERROR for ${f.destination_path}`, volume, reachedPos);
          const lb = JSON.parse(r!.data.toString('utf8')) as LogBackupImage;
          for (const c of lb.commits) {
            if (c.position <= reachedPos) continue;
            if (pastTarget(stmt, c)) {
              done = true;
              break;
            }
            db.exec(c.sql);
            reachedPos = c.position;
            reachedMs = c.utc_ms;
          }
          log.write(
            opId,
            'INFO',
            'RECOVERY',
            `progress of service: ${service}, ${address}, volume: ${volume}, ` +
              `${Math.floor(((i + 1) * 100) / strat.logs.length)}% ${i + 1}/${strat.logs.length}`,
          );
          await progressStep();
          if (done) break;
        }
        // Without CLEAR LOG an in-place recovery also replays what is still in its own log area.
        if (!done && !stmt.clearLog && !stmt.source) {
          for (const c of sys.state.redoAfter(target, reachedPos)) {
            if (pastTarget(stmt, c)) break;
            db.exec(c.sql);
            reachedPos = c.position;
            reachedMs = c.utc_ms;
          }
        }
      } finally {
        db.close();
      }
    }

    // 6. Done: the tenant runs on the recovered data, its log continues at the reached position.
    sys.release(target);
    renameSync(work, sys.dataFile(target));
    sys.state.resetLog(target, reachedPos, reachedMs);
    sys.state.setRecovering(target, null, false);
    sys.state.setActive(target, 'YES', '');
    state('RecoveryFinished');
    if (stmt.mode === 'data') log.write(opId, 'INFO', 'RECOVERY', 'RECOVER DATA finished successfully');
    else
      log.write(
        opId,
        'INFO',
        'RECOVERY',
        `RECOVER DATA finished successfully, reached timestamp ` +
          `${isoLocal(reachedMs, sys.spec.utcOffset)}, reached log position ${reachedPos}`,
      );
  } catch (e) {
    rmSync(work, { force: true });
    const err =
      e instanceof RecoveryError
        ? e
        : e instanceof BackintFailure
          ? new RecoveryError(448, `[${e.code}] ${e.hanaText}`, volume, reachedPos)
          : new RecoveryError(448, `[2000000] ${(e as Error).message}`, volume, reachedPos);
    state('RecoveryError');
    log.write(opId, 'ERROR', 'RECOVERY', `RECOVER DATA finished with error: [${err.code}] ${err.text}`);
    sys.state.setRecovering(target, null, touched || d.needs_recovery === 1);
    sys.state.setActive(target, 'NO', touched ? 'recovery failed' : '');
    throw new SqlError(err.code, err.text);
  }
}
