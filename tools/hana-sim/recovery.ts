/**
 * RECOVER DATABASE|DATA FOR <tenant> as HANA does it with the catalog in Backint (docs/reference/hana-recovery.md §1, §4.4,
 * §5): read the newest catalog version of the source from Backint, determine the strategy (data backup at or
 * before the target, its delta backups, the chain of log backups the catalog knows for every volume), optionally check
 * access, restore data and replay logs through Backint, and report in DB_<T>/backup.log. Log backups the Backint tool
 * cannot deliver yet end that volume's replay: the recovery still succeeds, short of the target, at the newest state
 * every volume's log holds.
 */
import Database from 'better-sqlite3';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { HanaCode, HanaInnerCode } from '../../src/hana/error-codes.js';
import { BackintFailure, inquireObjects, inquireVersions, restoreObjects } from './backint-runner.js';
import type { CatalogImage, LogBackupImage, TopologyImage } from './backup.js';
import { backintRoot, databaseBackintDir } from './paths.js';
import { RecoveryError, strategy, type Recover, type Strategy } from './recovery-strategy.js';
import { SqlError } from './sql-errors.js';
import type { CatalogFile } from './state.js';
import type { BackintKind, SystemCore } from './system-core.js';
import { recoveryFault } from './system-faults.js';
import { isoLocal } from './time-format.js';
import { beginTransition } from './transitions.js';
import { planReplay, type Commit, type VolumeEntries } from './volume-replay.js';

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
  /** The target's master volume. */
  volume: number;
  /** Source volume id → the target's volume of the same service. */
  volumeMap: Map<number, number>;
  opId: number;
  log: ReturnType<SystemCore['backupLog']>;
  /** The recovering copy of the tenant's data, renamed into place at the end. */
  work: string;
  /** The tenant's data was overwritten: a failure now leaves it needing recovery. */
  touched: boolean;
  topology?: TopologyImage;
  reachedPos: number;
  reachedMs: number;
  /** The other target volumes' reached log positions. */
  reachedOthers: Map<number, number>;
  step: number;
}

/** backup.log's `state of service:` / `progress of service:` line of a target volume (0: topology, master's service). */
function serviceLine(run: RecoveryRun, kind: 'state' | 'progress', text: string, vol = run.volume): void {
  const a = run.sys.serviceAddress(run.target, vol || run.volume);
  run.log.write(run.opId, 'INFO', 'RECOVERY', `${kind} of service: ${a.service}, ${a.address}, volume: ${vol}, ${text}`);
}
const stateLine = (run: RecoveryRun, s: string, vol = run.volume) => serviceLine(run, 'state', s, vol);

/** A step of the recovery ends: the crash and delay faults act here. */
async function progressStep(run: RecoveryRun): Promise<void> {
  run.step++;
  const faults = run.sys.env.faults;
  if (faults.crashRecoveryAtStep !== undefined && run.step >= faults.crashRecoveryAtStep) process.kill(process.pid, 'SIGKILL');
  if (faults.recoveryStepDelayMs > 0) await sleep(faults.recoveryStepDelayMs);
}

/** The target's volume for each source volume, matched by service (source and target need the same services). */
function mapVolumes(run: RecoveryRun, strat: Strategy): void {
  const own = run.sys.state.volumes(run.target);
  for (const v of strat.volumes) {
    const t = own.find((x) => x.service === v.service);
    if (!t)
      throw new RecoveryError(
        HanaCode.recoveryCouldNotBeCompleted,
        `[${HanaInnerCode.simNotLogVolume}] the source's ${v.service} volume ${v.volume} has no ${v.service} volume in ` +
          `${run.target}; source and target need the same services`,
        v.volume,
        0,
      );
    run.volumeMap.set(v.volume, t.volume);
  }
}

/**
 * RECOVER DATA as HANA runs it: the backup catalog from Backint, the strategy, CHECK ACCESS, the data backups,
 * the log backups, then the tenant runs on the recovered data; every step written to backup.log.
 */
export async function runRecovery(sys: SystemCore, stmt: Recover, sqlText: string): Promise<void> {
  const target = stmt.database!;
  const d = sys.state.database(target)!;
  if (d.recovering_op !== null)
    throw new SqlError(
      HanaCode.recoveryCouldNotBeCompleted,
      `recovery could not be completed: database ${target} is already being recovered`,
    );
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
  const run: RecoveryRun = {
    sys,
    stmt,
    target,
    user: sys.backintUser(source.database, source.sid),
    backint: (kind) => sys.backint(target, kind),
    pipeDir: join(databaseBackintDir(sys.paths, target), '.recovery'),
    volume: d.volume,
    volumeMap: new Map(),
    opId: sys.nextOpId(),
    log: sys.backupLog(target),
    work: join(sys.paths.dataDir, `${target}.recovering.sqlite`),
    touched: false,
    reachedPos: 0,
    reachedMs: 0,
    reachedOthers: new Map(),
    step: 0,
  };
  run.log.write(run.opId, 'INFO', 'RECOVERY', `RECOVER DATA started [${run.opId}]`);
  run.log.write(run.opId, 'INFO', 'RECOVERY', `command: ${sqlText}`);
  sys.state.setRecovering(target, run.opId, d.needs_recovery === 1);
  sys.state.setActive(target, 'NO', 'recovery running');
  try {
    const cat = await readCatalog(run, join(srcBackintDir, 'log_backup_0_0_0_0'));
    const strat = strategy(cat, stmt);
    mapVolumes(run, strat);
    logStrategy(run, strat);
    if (stmt.checkAccess) await checkAccess(run, strat);
    await restoreData(run, strat);
    if (stmt.mode === 'database') await replayLogs(run, strat);
    finishRecovery(run);
  } catch (e) {
    failRecovery(run, e, d.needs_recovery === 1);
  }
}

/** 1. The backup catalog: the newest version of log_backup_0_0_0_0 the Backint tool lists. */
async function readCatalog(run: RecoveryRun, catalogPath: string): Promise<CatalogImage> {
  const versions = await inquireVersions(run.backint('catalog'), run.user, catalogPath);
  const fail = (text: string) =>
    new RecoveryError(HanaCode.recoveryStrategyCouldNotBeDetermined, `[${HanaInnerCode.backupCannotBeUsed}] ${text}`, 0, 0);
  if (!versions.length) throw fail(`no backup catalog found in Backint: ${catalogPath}`);
  const [catRes] = await restoreObjects(run.backint('catalog'), run.user, run.pipeDir, [{ path: catalogPath, ebid: versions[0]! }]);
  if (catRes!.status !== 'restored') throw fail(`the backup catalog ${catalogPath} could not be read from Backint`);
  const cat = JSON.parse(catRes!.data.toString('utf8')) as CatalogImage;
  run.log.write(run.opId, 'INFO', 'RECOVERY', `using backup catalog ${cat.backupId} from ${catalogPath}`);
  await progressStep(run);
  return cat;
}

/** 2. The strategy, as backup.log lists it. */
function logStrategy(run: RecoveryRun, strat: Strategy): void {
  run.log.write(run.opId, 'INFO', 'RECOVERY', 'The following strategy is used:');
  for (const b of strat.data) run.log.write(run.opId, 'INFO', 'RECOVERY', `  ${b.entry.entry_type_name}: ${b.entry.backup_id}`);
  for (const l of [...strat.logs.values()].flat())
    run.log.write(run.opId, 'INFO', 'RECOVERY', `  log backup: ${l.backup_id} ${l.destination_path}`);
}

/** 3. CHECK ACCESS USING BACKINT: every backup of the strategy must be in the Backint tool before data is touched. */
async function checkAccess(run: RecoveryRun, strat: Strategy): Promise<void> {
  const data = strat.data.flatMap((b) => b.files);
  const logs = [...strat.logs.values()].flat();
  const objects = (files: CatalogFile[]) => files.map((f) => ({ path: f.destination_path, ebid: f.external_backup_id! }));
  const ok = [
    ...(await inquireObjects(run.backint('data'), run.user, objects(data))),
    ...(await inquireObjects(run.backint('log'), run.user, objects(logs))),
  ];
  const missing = [...data, ...logs].filter((_, i) => !ok[i]);
  if (missing.length) {
    throw new RecoveryError(
      449,
      `[${HanaInnerCode.simBackupNotInBackint}] backup not available in Backint: ` +
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
  const fault = recoveryFault(run.sys, run.stmt.source ?? { database: run.target, sid: run.sys.spec.sid }, run.target);
  if (fault) throw new RecoveryError(fault.code, fault.detail, run.volume, 0, fault.clientText);
  let image: Buffer | undefined;
  for (const b of strat.data) {
    const files = [...b.files].sort(
      (x, y) => x.source_id - y.source_id || x.destination_path.localeCompare(y.destination_path, 'en', { numeric: true }),
    );
    const res = await restoreObjects(
      run.backint('data'),
      run.user,
      run.pipeDir,
      files.map((f) => ({ path: f.destination_path, ebid: f.external_backup_id! })),
    );
    res.forEach((r, i) => {
      if (r.status === 'restored') return;
      const answer = r.status === 'notfound' ? '#NOTFOUND' : '#ERROR';
      throw new RecoveryError(
        HanaCode.recoveryCouldNotBeCompleted,
        `[${HanaInnerCode.simBackintReportedError}] Backint reported ${answer} for ${files[i]!.destination_path}`,
        files[i]!.source_id,
        0,
      );
    });
    const datas = res.map((r) => (r.status === 'restored' ? r.data : Buffer.alloc(0)));
    run.topology = JSON.parse(datas[0]!.toString('utf8')) as TopologyImage;
    if (b === strat.data[0]) stateLine(run, 'RecoveryExecuteTopologyRecoveryFinished', 0);
    const master = files.findIndex((f) => f.source_type_name === 'volume' && f.service_type_name === 'indexserver');
    image = Buffer.concat(datas.filter((_, i) => files[i]!.source_id === files[master]!.source_id));
    await dataProgress(run, files, datas);
  }
  rmSync(run.work, { force: true });
  writeFileSync(run.work, image!);
  run.reachedPos = run.topology!.redoLogPosition;
  run.reachedMs = run.topology!.lastCommitMs ?? run.topology!.startMs;
  for (const v of run.topology!.volumes ?? [])
    if (run.volumeMap.get(v.volume) !== run.volume) run.reachedOthers.set(run.volumeMap.get(v.volume)!, v.position);
}

/** Data restore progress in bytes, per volume (KBA 3707817: `volume: 3, 100% 1985029865472/1985029865472`). */
async function dataProgress(run: RecoveryRun, files: CatalogFile[], datas: Buffer[]): Promise<void> {
  const bytes = new Map<number, number>();
  files.forEach((f, i) => {
    if (f.source_type_name === 'volume') bytes.set(f.source_id, (bytes.get(f.source_id) ?? 0) + datas[i]!.length);
  });
  for (const [src] of bytes) stateLine(run, 'RecoveryExecuteDataRecoveryInProgress', run.volumeMap.get(src));
  for (const [src, n] of bytes) serviceLine(run, 'progress', `0% 0/${n}`, run.volumeMap.get(src));
  await progressStep(run);
  for (const [src, n] of bytes) serviceLine(run, 'progress', `100% ${n}/${n}`, run.volumeMap.get(src));
}

/**
 * 5. The log backups (RECOVER DATABASE), every volume's chain read in order until one is not (yet) in Backint; then
 * the commits every volume's log holds are replayed up to the target.
 */
async function replayLogs(run: RecoveryRun, strat: Strategy): Promise<void> {
  const topo = run.topology!;
  const masterSrc = [...run.volumeMap.entries()].find(([, t]) => t === run.volume)![0];
  const commits: Commit[] = [];
  const others: VolumeEntries[] = [];
  for (const v of strat.volumes) stateLine(run, 'RecoveryExecuteLogRecoveryInProgress', run.volumeMap.get(v.volume));
  for (const v of strat.volumes) {
    const read = await readVolumeLogs(run, v.volume, strat.logs.get(v.volume) ?? []);
    const dataPosition = topo.volumes?.find((x) => x.volume === v.volume)?.position ?? topo.redoLogPosition;
    if (v.volume === masterSrc) commits.push(...read.flatMap((lb) => lb.commits).filter((c) => c.position > dataPosition));
    else
      others.push({
        volume: v.volume,
        dataPosition,
        entries: read.flatMap((lb) => lb.entries ?? []).filter((e) => e.position > dataPosition),
      });
  }
  // Without CLEAR LOG an in-place recovery also replays what is still in its own log areas.
  if (!run.stmt.clearLog && !run.stmt.source) {
    const after = (xs: { position: number }[], from: number) => xs[xs.length - 1]?.position ?? from;
    commits.push(...run.sys.state.redoAfter(run.target, after(commits, topo.redoLogPosition)));
    for (const o of others) o.entries.push(...run.sys.state.volumeLogAfter(run.target, o.volume, after(o.entries, o.dataPosition)));
  }
  const plan = planReplay({ volume: masterSrc, dataPosition: topo.redoLogPosition, commits }, others, {
    untilMs: run.stmt.untilMs,
    untilPosition: run.stmt.untilPosition,
  });
  const db = new Database(run.work);
  try {
    for (const c of plan.apply) {
      db.exec(c.sql);
      run.reachedPos = c.position;
      run.reachedMs = c.utc_ms;
    }
  } finally {
    db.close();
  }
  for (const [src, pos] of plan.reached) run.reachedOthers.set(run.volumeMap.get(src)!, pos);
}

/** One volume's log backups through Backint, in order, until one is not there; progress counts them (segments). */
async function readVolumeLogs(run: RecoveryRun, volume: number, chain: CatalogFile[]): Promise<LogBackupImage[]> {
  const out: LogBackupImage[] = [];
  const target = run.volumeMap.get(volume)!;
  for (const [i, f] of chain.entries()) {
    const [r] = await restoreObjects(run.backint('log'), run.user, run.pipeDir, [
      { path: f.destination_path, ebid: f.external_backup_id! },
    ]);
    if (r!.status === 'notfound') break; // not (yet) in the Backint tool: this volume's log ends here
    if (r!.status !== 'restored')
      throw new RecoveryError(
        HanaCode.recoveryCouldNotBeCompleted,
        `[${HanaInnerCode.simBackintReportedError}] Backint reported #ERROR for ${f.destination_path}`,
        target,
        run.reachedPos,
      );
    out.push(JSON.parse(r!.data.toString('utf8')) as LogBackupImage);
    serviceLine(run, 'progress', `${Math.floor(((i + 1) * 100) / chain.length)}% ${i + 1}/${chain.length}`, target);
    await progressStep(run);
  }
  return out;
}

/**
 * 6. Done: the tenant runs on the recovered data, each volume's log continues at its reached position. The finish line
 * reports the master indexserver volume's position (no public source says which volume's it is).
 */
function finishRecovery(run: RecoveryRun): void {
  const { sys, target } = run;
  sys.release(target);
  renameSync(run.work, sys.dataFile(target));
  sys.state.resetLog(target, run.reachedPos, run.reachedMs, run.reachedOthers);
  sys.state.setRecovering(target, null, false);
  beginTransition(sys, target, 'start');
  for (const v of sys.state.volumes(target)) stateLine(run, 'RecoveryFinished', v.volume);
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
        ? new RecoveryError(HanaCode.recoveryCouldNotBeCompleted, `[${e.code}] ${e.hanaText}`, run.volume, run.reachedPos)
        : new RecoveryError(HanaCode.recoveryCouldNotBeCompleted, `[2000000] ${(e as Error).message}`, run.volume, run.reachedPos);
  stateLine(run, 'RecoveryError');
  run.log.write(run.opId, 'ERROR', 'RECOVERY', `RECOVER DATA finished with error: [${err.code}] ${err.text}`);
  run.sys.state.setRecovering(run.target, null, run.touched || neededRecovery);
  run.sys.state.setActive(run.target, 'NO', run.touched ? 'recovery failed' : '');
  throw new SqlError(err.code, err.clientText);
}
