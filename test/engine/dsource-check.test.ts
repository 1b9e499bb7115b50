/**
 * `hana-vdb dsource check` end to end: the real CLI (bin/hana-vdb.js) on an engine whose environment reaches the
 * simulated landscape over SSH, the plugin loaded through plugin_config.yml. How the target is chosen (no VDB yet:
 * name it; --env/--repository need parameters), the report (--json and text) and the exit codes: 0 when no line
 * fails, 3 when one does. Requires a prior build.
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { DemoEnv } from '../../tools/demo/env.js';
import { loadDist, packageRoot } from '../e2e/support.js';

let env: DemoEnv;
let workDir: string;
let qasRepository: string;
let vdbParamsFile: string;

const cli = async (args: string[]) => {
  const r = await execa('node', [join(packageRoot, 'bin/hana-vdb.js'), '--data-dir', env.engineDataDir, ...args], {
    reject: false,
  });
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr };
};

beforeAll(async () => {
  const dist = await loadDist();
  workDir = mkdtempSync(join(tmpdir(), 'hana-vdb-dsource-check-'));
  env = await dist.demo.startDemo(
    { workDir, packageRoot, landscape: dist.spec.defaultLandscape(), startAt: '2026-03-02T08:00:00Z', say: () => undefined },
    'PRD',
    'QAS',
  );
  await env.landscape.workload.startMarkers({ sid: 'PRD', database: 'ERP', everySeconds: 60 });
  await env.hdbsql(env.source, 'PRD_SYSTEM', "BACKUP DATA FOR ERP USING BACKINT ('CHECK_FULL')");
  await env.advance(1900);
  await env.linkDSource('erp', {
    backupSource: env.backupSource,
    sourceTenant: 'ERP',
    sourceUserStoreKey: 'PRD_RECOVERY',
    backintParameterFile: env.source.backintParameterFile,
    rpoOffsetMinutes: 0,
  });
  qasRepository = env.engine.store.repositories('hana-hosts').find((r) => r.object.sid === 'QAS')!.name;
  vdbParamsFile = join(workDir, 'vdb.json');
  writeFileSync(
    vdbParamsFile,
    JSON.stringify({
      targetTenant: 'VDB1',
      targetUserStoreKey: 'QAS_RECOVERY',
      sourceCatalogUserStoreKey: 'PRD_RECOVERY',
      mountBase: `${env.simRoot}/mnt`,
    }),
  );
}, 240_000);

afterAll(async () => {
  await env?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('a dSource without VDBs asks for the target; --env and --repository alone ask for the parameters', async () => {
  const bare = await cli(['dsource', 'check', 'erp']);
  expect(bare.code).toBe(1);
  expect(bare.stderr).toContain("dSource 'erp' has no VDB yet");
  expect(bare.stderr).toContain('--env ENV --repository REPO --params vdb.json');
  const noParams = await cli(['dsource', 'check', 'erp', '--env', 'hana-hosts', '--repository', qasRepository]);
  expect(noParams.code).toBe(1);
  expect(noParams.stderr).toContain('--params vdb.json');
  const both = await cli(['dsource', 'check', 'erp', '--vdb', 'qa1', '--env', 'hana-hosts', '--repository', qasRepository]);
  expect(both.code).toBe(1);
  expect(both.stderr).toContain('do not combine it with --env');
}, 120_000);

test('a healthy target: every line OK in --json, exit 0, and the run is a job that changed nothing', async () => {
  const before = env.engine.store.snapshots({ dsourceName: 'erp' }).length;
  const r = await cli([
    'dsource',
    'check',
    'erp',
    '--env',
    'hana-hosts',
    '--repository',
    qasRepository,
    '--params',
    vdbParamsFile,
    '--json',
  ]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc.target).toEqual({ environment: 'hana-hosts', repository: qasRepository, vdb: null });
  expect(doc.report.source).toBe('ERP@PRD');
  expect(doc.report.parameterFile).toBe(env.target.backintParameterFile);
  expect(doc.report.lines.map((l: { id: string; verdict: string }) => `${l.id}:${l.verdict}`)).toEqual([
    'userstore:ok',
    'catalog-backint:ok',
    'parameter-file:ok',
    'namespace:ok',
    'catalog:ok',
    'data-backup:ok',
    'log-backup:ok',
    'check-access:ok',
  ]);
  expect(doc.report.verdict).toBe('ok');
  expect(env.engine.store.snapshots({ dsourceName: 'erp' }).length).toBe(before);
  const jobs = (await cli(['list', 'jobs', '--json'])).stdout;
  expect(jobs).toContain('dsource.check');
}, 120_000);

test('a missing parameter file on the target: the text names the line, the fix and exits 3', async () => {
  const file = env.target.backintParameterFile;
  renameSync(file, `${file}.away`);
  try {
    const r = await cli([
      'dsource',
      'check',
      'erp',
      '--env',
      'hana-hosts',
      '--repository',
      qasRepository,
      '--params',
      vdbParamsFile,
    ]);
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`FAIL target's Backint parameter file: ${file} does not exist on`);
    expect(r.stdout).toMatch(/ {7}fix: Create .* readable by the system's OS user/);
    expect(r.stdout).toMatch(/Verdict: FAIL\n?$/);
  } finally {
    renameSync(`${file}.away`, file);
  }
}, 120_000);
