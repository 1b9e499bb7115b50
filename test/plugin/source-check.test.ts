/**
 * extension.sourceCheck (hana-vdb dsource check) against the simulator with the Commvault and AWS emulations
 * (tools/backint-emul); our hana-backint is checked through the CLI over SSH in test/engine/dsource-check.test.ts.
 * A healthy landscape passes every line; each fault a DBA meets fails its own line with what was found and the fix:
 * a Commvault file without the cross-restore keys, an AWS YAML naming another folder, log backups that reach the
 * tool later than the RPO offset allows. Nothing is changed by the check itself.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withEngineLibs } from '../../src/sdk/libs.js';
import type { PluginObject } from '../../src/sdk/platform.js';
import { plugin } from '../../plugin/index.js';
import { parseAbsolutePath, parseUserStoreKey } from '../../src/hana/identifiers.js';
import { runHdbsql } from '../../src/hana/hdbsql/run.js';
import type { SourceCheckReport } from '../../src/hana/source-check/lines.js';
import type { BackintTool } from '../../tools/hana-sim/spec.js';
import { defaultLandscape } from '../../tools/hana-sim/spec.js';
import { sessionEnv, startLandscape, type Landscape } from '../../tools/hana-sim/landscape.js';
import { localLibs, testConnection, type LocalLibs } from '../support/local-libs.js';

const repoRoot = new URL('../..', import.meta.url).pathname;
const built = existsSync(join(repoRoot, 'dist/tools/backint-emul/main.js'));
const conn = testConnection();

interface Fixture {
  land: Landscape;
  libs: LocalLibs;
  root: string;
  prd: PluginObject;
  qas: PluginObject;
}

/** One landscape per tool: PRD with a data backup and two rounds of log backups, instant tenant transitions. */
async function landscapeWith(tool: BackintTool): Promise<Fixture> {
  const root = mkdtempSync(join(tmpdir(), `hana-vdb-source-check-${tool}-`));
  const spec = defaultLandscape();
  spec.backint = { ...spec.backint, tool };
  const land = await startLandscape({ root, ssh: false, landscape: spec });
  await land.faults.tenantTransitions({ startMs: 0, stopMs: 0 });
  const libs = localLibs({
    env: sessionEnv(
      root,
      land.systems.map((s) => s.paths.exeDir),
    ),
  });
  const prdSys = land.systems[0]!;
  await land.workload.startMarkers({ sid: 'PRD', database: 'ERP', everySeconds: 300 });
  await withEngineLibs(libs, () =>
    runHdbsql(
      conn,
      { hdbsqlPath: parseAbsolutePath(prdSys.paths.hdbsql), key: parseUserStoreKey('PRD_SYSTEM') },
      "BACKUP DATA FOR ERP USING BACKINT ('FULL')",
    ),
  );
  await land.clock.advance(1900);
  const repos = await withEngineLibs(libs, async () =>
    (plugin.operation('discovery', 'repository')! as (a: object) => Promise<PluginObject[]>)({ sourceConnection: conn }),
  );
  return { land, libs, root, prd: repos[0]!, qas: repos[1]! };
}

function check(f: Fixture, dsource: PluginObject, vdb: PluginObject = {}): Promise<SourceCheckReport> {
  const impl = plugin.extensionOperation('sourceCheck')!;
  return withEngineLibs(
    f.libs,
    async () =>
      (await impl({
        stagedSource: {
          guid: 'ds-check',
          sourceConnection: conn,
          stagedConnection: conn,
          parameters: {
            sourceTenant: 'ERP',
            sourceUserStoreKey: 'PRD_RECOVERY',
            backintParameterFile: f.land.systems[0]!.backintParameterFile,
            rpoOffsetMinutes: 0,
            ...dsource,
          },
        },
        sourceConfig: { name: 'ERP@PRD', sid: 'PRD', tenant: 'ERP' },
        virtualSource: {
          guid: 'vdb-check',
          connection: conn,
          parameters: {
            targetTenant: 'VDB1',
            targetUserStoreKey: 'QAS_RECOVERY',
            sourceCatalogUserStoreKey: 'PRD_RECOVERY',
            mountBase: join(f.root, 'mnt'),
            ...vdb,
          },
          mounts: [],
        },
        repository: f.qas,
      })) as unknown as SourceCheckReport,
  );
}

const lineOf = (r: SourceCheckReport, id: string) => r.lines.find((l) => l.id === id)!;
const verdicts = (r: SourceCheckReport) => Object.fromEntries(r.lines.map((l) => [l.id, l.verdict]));
const ALL_OK = {
  userstore: 'ok',
  'catalog-backint': 'ok',
  'parameter-file': 'ok',
  namespace: 'ok',
  catalog: 'ok',
  'data-backup': 'ok',
  'log-backup': 'ok',
  'check-access': 'ok',
};

/** Edit a file for one test and put it back whatever happens. */
async function withEdited<T>(file: string, edit: (text: string) => string, fn: () => Promise<T>): Promise<T> {
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, edit(text));
  try {
    return await fn();
  } finally {
    writeFileSync(file, text);
  }
}

(built ? describe : describe.skip)('dsource check against the simulator', () => {
  const fixtures: Partial<Record<BackintTool, Promise<Fixture>>> = {};
  const fixture = (tool: BackintTool) => (fixtures[tool] ??= landscapeWith(tool));

  afterAll(async () => {
    for (const p of Object.values(fixtures)) {
      const f = await p;
      await f.land.close();
      rmSync(f.root, { recursive: true, force: true });
    }
  });

  describe('Commvault', () => {
    const cv = { backupSource: 'COMMVAULT_BACKINT' };
    test('a healthy landscape passes every line, with the client named on the dSource', async () => {
      const f = await fixture('commvault');
      const r = await check(f, { ...cv, commvaultSourceClient: 'hanaprd' });
      expect(verdicts(r)).toEqual(ALL_OK);
      expect(lineOf(r, 'namespace').found).toContain('CvSrcClientName hanaprd, srcCrossSIDName PRD');
    }, 240_000);

    test('a parameter file without the cross-restore keys fails the namespace line naming the key and the fix', async () => {
      const f = await fixture('commvault');
      const r = await withEdited(
        f.land.systems[1]!.backintParameterFile,
        (t) => t.replace(/^srcCrossSIDName PRD\n/m, ''),
        () => check(f, cv),
      );
      const ns = lineOf(r, 'namespace');
      expect(ns.verdict).toBe('fail');
      expect(ns.found).toMatch(/srcCrossSIDName \(srcCrossDbName in 11\.16\) is missing/);
      expect(ns.fix).toContain('"srcCrossSIDName PRD"');
      // Commvault then looks in the target's own client: the source's backups are not there.
      expect(lineOf(r, 'data-backup').verdict).toBe('fail');
      expect(lineOf(r, 'data-backup').fix).toMatch(/cross-client restore/);
    }, 120_000);

    test('a provision from a snapshot naming another Commvault client fails before the target tenant stops', async () => {
      const f = await fixture('commvault');
      const call = <T>(area: 'linked' | 'virtual', name: string, args: object): Promise<T> =>
        withEngineLibs(f.libs, async () => (plugin.operation(area, name)! as (a: object) => Promise<T>)(args));
      const snapshot = await call<PluginObject>('linked', 'postSnapshot', {
        stagedSource: {
          guid: 'ds-cv-client',
          sourceConnection: conn,
          stagedConnection: conn,
          parameters: {
            ...cv,
            commvaultSourceClient: 'hanaerp',
            sourceTenant: 'ERP',
            sourceUserStoreKey: 'PRD_RECOVERY',
            backintParameterFile: f.land.systems[0]!.backintParameterFile,
            rpoOffsetMinutes: 0,
          },
        },
        repository: f.prd,
        sourceConfig: { name: 'ERP@PRD', sid: 'PRD', tenant: 'ERP' },
        optionalSnapshotParameters: null,
      });
      expect(snapshot.commvaultSourceClient).toBe('hanaerp');
      const v = {
        guid: 'vdb-cv-client',
        connection: conn,
        parameters: {
          targetTenant: 'VDB2',
          targetUserStoreKey: 'QAS_RECOVERY',
          backintParameterFile: f.land.systems[1]!.backintParameterFile,
          mountBase: join(f.root, 'mnt'),
          sourceCatalogUserStoreKey: 'PRD_RECOVERY',
        },
        mounts: [] as unknown[],
      };
      const spec = await call<{ mounts: unknown[] }>('virtual', 'mountSpecification', { virtualSource: v, repository: f.qas });
      const err = await call('virtual', 'configure', {
        virtualSource: { ...v, mounts: spec.mounts },
        repository: f.qas,
        snapshot,
      }).then(
        () => new Error('expected failure'),
        (e: unknown) => e as Error,
      );
      expect(err.message).toContain('CvSrcClientName names hanaprd, not the source client hanaerp');
      const rows = await withEngineLibs(f.libs, () =>
        runHdbsql(
          conn,
          { hdbsqlPath: parseAbsolutePath(f.land.systems[1]!.paths.hdbsql), key: parseUserStoreKey('QAS_SYSTEM') },
          "SELECT ACTIVE_STATUS FROM SYS.M_DATABASES WHERE DATABASE_NAME = 'VDB2'",
        ),
      );
      expect(JSON.stringify(rows)).toContain('YES');
    }, 180_000);

    test('log backups reaching the tool later than the RPO offset fail the log line; a large enough offset passes', async () => {
      const f = await fixture('commvault');
      await f.land.faults.logShippingLag(1200);
      try {
        await f.land.clock.advance(1000);
        const late = await check(f, cv);
        const log = lineOf(late, 'log-backup');
        expect(log.verdict).toBe('fail');
        expect(log.found).toMatch(
          /was written \d+ (s|min) ago and is not visible to the target, longer than the RPO offset is 0 min/,
        );
        expect(log.fix).toMatch(/Raise the dSource's rpoOffsetMinutes to at least \d+/);
        expect(late.verdict).toBe('fail');
        const covered = await check(f, { ...cv, rpoOffsetMinutes: 30 });
        expect(lineOf(covered, 'log-backup').verdict).toBe('ok');
        expect(lineOf(covered, 'log-backup').found).toMatch(/newer ones, written within the offset, not visible yet/);
      } finally {
        await f.land.faults.logShippingLag(0);
      }
    }, 180_000);
  });

  describe('AWS Backint Agent', () => {
    test('a healthy landscape passes every line; CHECK ACCESS off is said so', async () => {
      const r = await check(await fixture('aws'), { backupSource: 'S3_BACKINT', checkAccessUsingBackint: false });
      expect(verdicts(r)).toEqual(ALL_OK);
      expect(lineOf(r, 'namespace').found).toContain('reads s3://hana-backups/hana with ERP@PRD in it, the same store');
      expect(lineOf(r, 'check-access').found).toMatch(/^off for this dSource/);
    }, 240_000);

    test("a target YAML naming another folder than the source's fails the namespace line with the keys to set", async () => {
      const f = await fixture('aws');
      const r = await withEdited(
        f.land.systems[1]!.backintParameterFile,
        (t) => t.replace('S3BucketFolder: "hana"', 'S3BucketFolder: "qas"'),
        () => check(f, { backupSource: 'S3_BACKINT' }),
      );
      const ns = lineOf(r, 'namespace');
      expect(ns.verdict).toBe('fail');
      expect(ns.found).toContain('reads s3://hana-backups/qas with ERP@PRD in it, but the source writes to s3://hana-backups/hana');
      expect(ns.fix).toContain('S3BucketFolder: "hana"');
      expect(lineOf(r, 'catalog').verdict).toBe('fail');
    }, 120_000);
  });
});
