/**
 * hana-backint install / uninstall on a simulated HANA host, run over SSH as an administrator would: the
 * simulator's usr/sap tree (HANA_VDB_USR_SAP of the session), its global.ini through hdbsql with the SYSTEMDB key.
 * One demo world (tools/demo/env.ts: the landscape, an engine and the plugin) serves every test: the last one
 * installs the agent on both hosts (on PRD from the checkout, a wrapper; on QAS the single executable, which
 * installs itself) and provisions a VDB whose backups and restores go through what was installed.
 */
import { execa } from 'execa';
import { appendFileSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { Client } from 'ssh2';
import { startDemo, type DemoEnv } from '../../tools/demo/env.js';
import { defaultLandscape } from '../../tools/hana-sim/spec.js';
import type { Landscape, LandscapeSystem } from '../../tools/hana-sim/landscape.js';
import { exec, query, repo, requireBuild } from '../sim/helpers.js';

jest.setTimeout(180_000);

let dir: string;
let env: DemoEnv;
let l: Landscape;
let prd: LandscapeSystem;
let params: string;
const INI_SQL =
  "SELECT KEY, VALUE FROM SYS.M_INIFILE_CONTENTS WHERE FILE_NAME = 'global.ini' AND LAYER_NAME = 'SYSTEM' AND SECTION = 'backup'";

beforeAll(async () => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'hana-backint-install-'));
  const landscape = defaultLandscape();
  for (const s of landscape.systems) s.logBackupTimeoutS = 900;
  env = await startDemo(
    { workDir: dir, packageRoot: repo, landscape, startAt: '2024-03-01T10:00:00Z', say: () => undefined },
    'PRD',
    'QAS',
  );
  l = env.landscape;
  await l.faults.tenantTransitions({ startMs: 0, stopMs: 0 });
  prd = env.source;
  params = join(dir, 'agent.yaml');
  copyFileSync(prd.backintParameterFile, params);
});
afterAll(async () => {
  await env?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One command over SSH on the simulated host; stdout, stderr and the exit code. */
function ssh(command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const s = l.ssh!;
  return new Promise((resolve, reject) => {
    const c = new Client();
    c.on('ready', () =>
      c.exec(command, (err, stream) => {
        if (err) return reject(err);
        let stdout = '';
        let stderr = '';
        stream.on('data', (d: Buffer) => (stdout += d.toString()));
        stream.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        stream.on('close', (code: number) => {
          c.end();
          resolve({ code, stdout, stderr });
        });
      }),
    );
    c.on('error', reject);
    c.connect({ host: s.host, port: s.port, username: s.user, privateKey: readFileSync(s.privateKeyFile) });
  });
}

const agent = (args: string) => ssh(`'${process.execPath}' '${join(repo, 'bin/hana-backint.js')}' ${args}`);
/** The single executable (dist/hdbbackint's build, tools/package), built once by the test that installs it. */
let sea: string | undefined;
const agentOf = (sid: string) => (args: string) => (sid === 'QAS' && sea ? ssh(`'${sea}' ${args}`) : agent(args));
const ini = async () => Object.fromEntries((await query(prd, 'PRD_RECOVERY', INI_SQL)).map((r) => [r[0]!, r[1]!]));

test('install: --dry-run changes nothing, a run installs and verifies, a rerun changes nothing, uninstall reverses', async () => {
  // A host whose catalog backups do not go to Backint yet.
  const off = await exec(
    prd,
    'PRD_SYSTEM',
    "ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', 'catalog_backup_using_backint') = 'false' " +
      'WITH RECONFIGURE',
  );
  expect(off.stderr).toBe('');
  const simWrapper = readFileSync(prd.paths.hdbbackint);
  const iniBefore = readFileSync(prd.paths.globalIni, 'utf8');
  const args = `install --sid PRD --parameter-file '${params}' --key PRD_SYSTEM --instance ${prd.instance} --json`;

  const dry = await agent(`${args} --dry-run`);
  expect(dry.stderr).toBe('');
  expect(dry.code).toBe(0);
  const planned = JSON.parse(dry.stdout) as { changes: string[]; dryRun: boolean };
  expect(planned.dryRun).toBe(true);
  expect(planned.changes).toEqual([
    expect.stringMatching(/^record what was there before .*keep the old hdbbackint/),
    `replace the Backint agent ${prd.paths.hdbbackint}`,
    expect.stringMatching(/^global\.ini \[backup\] catalog_backup_using_backint: false -> true$/),
  ]);
  expect(readFileSync(prd.paths.hdbbackint).equals(simWrapper)).toBe(true);
  expect(readFileSync(prd.paths.globalIni, 'utf8')).toBe(iniBefore);

  const first = await agent(args);
  expect(first.stderr).toBe('');
  expect(first.code).toBe(0);
  const done = JSON.parse(first.stdout) as { changes: string[]; verification: { ok: boolean; verdict: string } };
  expect(done.changes).toEqual(planned.changes);
  expect(done.verification.ok).toBe(true);
  expect(readFileSync(prd.paths.hdbbackint, 'utf8')).toContain('bin/hana-backint.js');
  expect(await ini()).toMatchObject({
    catalog_backup_using_backint: 'true',
    data_backup_parameter_file: prd.backintParameterFile,
    log_backup_parameter_file: prd.backintParameterFile,
  });

  const again = await agent(args);
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ changes: [], printed: [], verification: { ok: true } });

  const un = await agent('uninstall --sid PRD --key PRD_SYSTEM --json');
  expect(un.stderr).toBe('');
  expect(un.code).toBe(0);
  expect(readFileSync(prd.paths.hdbbackint).equals(simWrapper)).toBe(true);
  expect((await ini()).catalog_backup_using_backint).toBe('false');
  expect(JSON.parse((await agent('uninstall --sid PRD --key PRD_SYSTEM --json')).stdout)).toMatchObject({ changes: [] });
});

test('without a key the global.ini statements are printed, not run; a bad --sid is exit 2', async () => {
  const r = await agent(`install --sid PRD --parameter-file '${params}' --dry-run`);
  expect(r.code).toBe(0);
  expect(r.stdout).toContain('no --key given: run these statements in SYSTEMDB');
  expect(r.stdout).toContain(
    "ALTER SYSTEM ALTER CONFIGURATION ('global.ini', 'SYSTEM') SET ('backup', 'log_backup_using_backint') = 'true'",
  );
  const bad = await agent('install --sid prd');
  expect(bad.code).toBe(2);
  expect(bad.stderr).toContain('--sid prd is not a SAP system id');
});

test('after install on both hosts, a provisioned VDB is backed up and restored through the installed hdbbackint', async () => {
  const { source, target } = env;
  // The simulator's own hdbbackint would now fail every backup and restore: only the installed one can succeed.
  await l.faults.backintFailure('backup', 'the simulator wrapper ran, not the installed hdbbackint');
  await l.faults.backintFailure('restore', 'the simulator wrapper ran, not the installed hdbbackint');
  sea = join(dir, 'hdbbackint');
  await execa(process.execPath, [join(repo, 'dist/tools/package/hdbbackint.js'), sea]);
  const logs: Record<string, string> = {};
  try {
    await provisionThroughInstalledAgents(logs);
  } finally {
    // The other tests of the file start from the simulator's own hdbbackint, in any order.
    for (const s of [source, target]) await agentOf(s.sid)(`uninstall --sid ${s.sid} --key ${s.sid}_SYSTEM --json`);
    await l.faults.backintFailure('backup', null);
    await l.faults.backintFailure('restore', null);
  }
  // The installed agent's own log: PRD's data and log backups, QAS's restores during RECOVER.
  const prdLog = readFileSync(logs.PRD!, 'utf8');
  expect(prdLog).toMatch(/\[\d+ backup \S+\] start -f backup -u \S+@PRD/);
  expect(readFileSync(logs.QAS!, 'utf8')).toMatch(/\[\d+ restore \S+\] start -f restore -u \S+/);
});

async function provisionThroughInstalledAgents(logs: Record<string, string>): Promise<void> {
  const { source, target } = env;
  for (const s of [source, target]) {
    const file = join(dir, `agent-${s.sid}.yaml`);
    copyFileSync(s.backintParameterFile, file);
    logs[s.sid] = join(dir, `hana-backint-${s.sid}.log`);
    appendFileSync(file, `LogFile: ${JSON.stringify(logs[s.sid])}\n`);
    const r = await agentOf(s.sid)(
      `install --sid ${s.sid} --parameter-file '${file}' --key ${s.sid}_SYSTEM --instance ${s.instance} --json`,
    );
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ verification: { ok: true } });
  }
  expect(readFileSync(source.paths.hdbbackint, 'utf8')).toContain('bin/hana-backint.js'); // the checkout's wrapper
  expect(readFileSync(target.paths.hdbbackint).subarray(0, 4).toString('latin1')).toBe('\x7fELF'); // the executable

  await l.workload.startMarkers({ sid: source.sid, database: 'ERP', everySeconds: 60 });
  await env.advance(600);
  await env.hdbsql(source, `${source.sid}_SYSTEM`, "BACKUP DATA FOR ERP USING BACKINT ('INSTALLED')");
  await env.advance(1800);
  const sourceKey = `${source.sid}_RECOVERY`;
  const snapshot = await env.linkDSource('erp', {
    backupSource: env.backupSource,
    sourceTenant: 'ERP',
    rpoOffsetMinutes: 20, // the log backup at 30 min covers 10 min after the data backup
    sourceUserStoreKey: sourceKey,
    backintParameterFile: source.backintParameterFile,
  });
  const { vdb } = await env.provision('vdb1', snapshot.id, {
    targetTenant: 'VDB1',
    targetUserStoreKey: `${target.sid}_RECOVERY`,
    sourceCatalogUserStoreKey: sourceKey,
    backintParameterFile: target.backintParameterFile,
    mountBase: join(env.simRoot, 'mnt'),
  });
  expect(vdb.status).toBe('active');
  // A marker a minute up to the recovery target, 20 minutes into the run.
  expect((await env.tableChecksum(target, 'VDB1', 'MARKERS')).rows).toBeGreaterThanOrEqual(19);
}
