/**
 * A client that loses HANA mid-recovery is not a failed recovery: the plugin's recovery (src/hana/recovery) against
 * the HANA simulator's real programs, through a local runBash. hdbsql killed while HANA recovers: followed through
 * backup.log to its end and recorded, one RECOVER. The simulator's server restarted mid-recovery (the recovery dies
 * with it, backup.log never ends it): the failure says what is known, the host record stays `running`, and the
 * same request again succeeds. Requires a prior build (the simulator server runs from dist/).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '../../src/sdk/errors.js';
import { withEngineLibs } from '../../src/sdk/libs.js';
import type { PluginObject } from '../../src/sdk/platform.js';
import { plugin } from '../../plugin/index.js';
import { hdbsqlTarget, repositoryOf } from '../../plugin/operations/objects.js';
import { parseAbsolutePath, parseSid, parseTenantName, parseUserStoreKey } from '../../src/hana/identifiers.js';
import { runHdbsql } from '../../src/hana/hdbsql/run.js';
import { recoverTenant, type RecoverTenantRequest } from '../../src/hana/recovery/tenant-recovery.js';
import { nowUtc } from '../../src/hana/time.js';
import { sessionEnv, startLandscape, type Landscape } from '../../tools/hana-sim/landscape.js';
import { localLibs, testConnection, type LocalLibs } from '../support/local-libs.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const built = existsSync(join(repoRoot, 'dist/tools/hana-sim/server-main.js'));

(built ? describe : describe.skip)('a lost client mid-recovery', () => {
  let root: string;
  let land: Landscape;
  let libs: LocalLibs;
  const conn = testConnection();
  let qas: PluginObject;

  const tenantLog = (t: string) => join(land.systems[1]!.paths.traceDir, `DB_${t}`, 'backup.log');
  const starts = (t: string) =>
    existsSync(tenantLog(t)) ? (readFileSync(tenantLog(t), 'utf8').match(/RECOVER DATA started/g) ?? []).length : 0;
  const hostRecord = (t: string) => JSON.parse(readFileSync(join(root, 'mnt', t, '.hana-vdb', 'recovery.json'), 'utf8'));
  const waitFor = async (probe: () => boolean, what: string) => {
    const end = Date.now() + 60_000;
    while (!probe()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const request = (tenant: string, silentLogSeconds: number): RecoverTenantRequest => {
    const repo = repositoryOf(qas);
    return {
      connection: conn,
      system: repo,
      target: hdbsqlTarget(repo, parseUserStoreKey('QAS_RECOVERY')),
      tenant: parseTenantName(tenant),
      source: { sid: parseSid('PRD'), tenant: parseTenantName('ERP') },
      base: { sourceSid: 'PRD', sourceTenant: 'ERP', originTimestamp: nowUtc(), rpoOffsetMinutes: 0, takenAt: nowUtc() },
      until: nowUtc(),
      mountPath: parseAbsolutePath(join(root, 'mnt', tenant)),
      timing: { minWaitSeconds: 0, maxWaitSeconds: 1, sleepSeconds: 0.1, reconnectDelayMs: 100, silentLogSeconds },
    };
  };
  const recover = (req: RecoverTenantRequest) => withEngineLibs(libs, () => recoverTenant(req));
  // The shell of a poll of the recovery (a child of this process: the detached hdbsql is not) killed with SIGKILL,
  // as an operator or an OOM killer would end the SSH side of a remote command.
  let killPolls = 0;
  let pollsKilled = 0;
  const killPollShell = () => {
    const found = spawnSync('pgrep', ['-P', String(process.pid), '-x', 'bash'], { encoding: 'utf8' }).stdout.trim();
    if (!found || killPolls <= 0) return;
    killPolls--;
    pollsKilled++;
    for (const pid of found.split('\n')) process.kill(Number(pid), 'SIGKILL');
  };

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'hana-vdb-lost-client-'));
    land = await startLandscape({ root, ssh: false });
    libs = localLibs({
      env: sessionEnv(
        root,
        land.systems.map((s) => s.paths.exeDir),
      ),
      onRun: (command) => {
        if (killPolls > 0 && command.includes('hv_grown')) setTimeout(killPollShell, 30);
      },
    });
    await land.workload.startMarkers({ sid: 'PRD', database: 'ERP', everySeconds: 1 });
    const prdSys = land.systems[0]!;
    await withEngineLibs(libs, () =>
      runHdbsql(
        conn,
        { hdbsqlPath: parseAbsolutePath(prdSys.paths.hdbsql), key: parseUserStoreKey('PRD_SYSTEM') },
        "BACKUP DATA FOR ERP USING BACKINT ('FULL')",
      ),
    );
    await new Promise((r) => setTimeout(r, 2000));
    const repos = await withEngineLibs(libs, () =>
      (plugin.operation('discovery', 'repository')! as (a: object) => Promise<PluginObject[]>)({ sourceConnection: conn }),
    );
    qas = repos.find((r) => r.sid === 'QAS')!;
  }, 120_000);

  afterAll(async () => {
    await land?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('hdbsql killed while HANA recovers: followed through backup.log to its end, recorded, one RECOVER', async () => {
    await land.faults.slowRecovery(700);
    try {
      const running = recover(request('VDB1', 30));
      await waitFor(() => starts('VDB1') === 1, 'the recovery of VDB1 to start');
      const ops = join(root, 'mnt', 'VDB1', '.hana-vdb', 'ops');
      const opDir = join(ops, readdirSync(ops)[0]!);
      const wrapper = readFileSync(join(opDir, 'pid'), 'utf8').trim();
      // The detached wrapper's child is hdbsql: kill it alone, as an OOM killer or an operator would.
      const hdbsql = execFileSync('pgrep', ['-P', wrapper], { encoding: 'utf8' }).trim().split('\n')[0]!;
      process.kill(Number(hdbsql), 'SIGKILL');
      const { record, recovery } = await running;
      expect(readFileSync(join(opDir, 'rc'), 'utf8').trim()).toBe('137');
      expect(recovery.clientLost?.text).toBe('hdbsql was killed by signal 9 (exit code 137)');
      expect(record).toMatchObject({ status: 'succeeded', tenantActiveStatus: 'YES', failure: null });
      expect(record.recoveryInfo).toMatch(/^RECOVER DATA finished successfully/);
      expect(hostRecord('VDB1').status).toBe('succeeded');
      expect(starts('VDB1')).toBe(1);
    } finally {
      await land.faults.slowRecovery(0);
    }
  }, 120_000);

  test('the server restarted mid-recovery: says what is known, stays followable, and the same request succeeds', async () => {
    await land.faults.slowRecovery(300);
    await land.faults.crashDuringRecovery(2);
    try {
      const pid = land.serverPid;
      const err = await recover(request('VDB2', 4)).catch((e: Error) => e);
      expect(land.serverPid).not.toBe(pid);
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(
        /^hdbsql lost its connection to HANA \(-10709: Connection failed .*\) while tenant VDB2 was being recovered\. /,
      );
      expect((err as Error).message).toMatch(
        /whether HANA is still recovering VDB2 is unknown\. The tenant is being recovered or stopped; it is not usable /,
      );
      expect(hostRecord('VDB2')).toMatchObject({ status: 'running', tenantActiveStatus: 'NO' });
      expect(starts('VDB2')).toBe(1);
    } finally {
      await land.faults.crashDuringRecovery(null);
      await land.faults.slowRecovery(0);
    }
    await land.whenRunning();
    const { record } = await recover(request('VDB2', 4));
    expect(record).toMatchObject({ status: 'succeeded', tenantActiveStatus: 'YES' });
    expect(hostRecord('VDB2').status).toBe('succeeded');
    // The first RECOVER died with the server (backup.log never ended it); the retry ran one more.
    expect(starts('VDB2')).toBe(2);
    expect(readFileSync(tenantLog('VDB2'), 'utf8').match(/RECOVER DATA finished successfully/g)).toHaveLength(1);
  }, 120_000);

  test('the shell following the recovery killed by a signal: followed on, recorded, one RECOVER', async () => {
    await land.faults.slowRecovery(150);
    await land.faults.tenantTransitions({ startMs: 0, stopMs: 0 });
    try {
      killPolls = 1;
      pollsKilled = 0;
      const { record } = await recover(request('VDB3', 30));
      expect(pollsKilled).toBe(1);
      expect(record).toMatchObject({ status: 'succeeded', tenantActiveStatus: 'YES' });
      expect(starts('VDB3')).toBe(1);
      expect(libs.logs.some((l) => l.level === 'warn' && /ended by signal SIGKILL \(exit code 137\)/.test(l.message))).toBe(true);
    } finally {
      killPolls = 0;
      await land.faults.slowRecovery(0);
    }
  }, 120_000);

  test('every poll killed: the error names the signal and what is known of the tenant; the same request succeeds', async () => {
    await land.faults.slowRecovery(150);
    await land.faults.tenantTransitions({ startMs: 0, stopMs: 0 });
    const req = request('VDB1', 30);
    const before = starts('VDB1');
    req.timing = { ...req.timing, reconnectAttempts: 1 };
    try {
      killPolls = 1000;
      const err = (await recover(req).catch((e: Error) => e)) as UserError;
      expect(err).toBeInstanceOf(UserError);
      expect(err.message).not.toMatch(/stdout :/);
      expect(err.message).toMatch(
        /^The remote script on localhost was ended by signal SIGKILL \(exit code 137\) before it finished;/,
      );
      expect(err.message).toMatch(/while RECOVER of tenant VDB1 to .* was being issued or followed, so its outcome is unknown: /);
      expect(err.message).toMatch(
        /VDB1 was stopped for it and HANA may still be recovering it .*not usable until a recovery succeeds\.$/,
      );
      expect(err.action).toMatch(/run the same command again: it follows a recovery HANA still runs through .*backup\.log/);
      expect(hostRecord('VDB1').status).toBe('running');
    } finally {
      killPolls = 0;
      await land.faults.slowRecovery(0);
    }
    const { record } = await recover(req);
    expect(record).toMatchObject({ status: 'succeeded', tenantActiveStatus: 'YES' });
    expect(starts('VDB1')).toBe(before + 1);
  }, 120_000);
});
