/**
 * The VDB lifecycle end to end: the plugin driven by the engine over SSH against the simulated landscape.
 * One landscape for the file (driven clock): marker rows every minute on PRD/ERP, a log backup every 15 min,
 * log and catalog backups reaching the Backint store 10 minutes late (Commvault-like).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import type { DemoEnv } from '../../tools/demo/env.js';
import { loadDist, packageRoot, TcpRelay, until } from './support.js';

let env: DemoEnv;
let dist: Awaited<ReturnType<typeof loadDist>>;
let workDir: string;
const LAG_S = 600;
const vdbParams = (tenant: string) => ({
  targetTenant: tenant,
  targetUserStoreKey: 'QAS_RECOVERY',
  backintParameterFile: env.target.backintParameterFile,
  mountBase: `${env.simRoot}/mnt`,
});

interface Marker {
  id: number;
  writtenAt: string;
}

async function markers(sid: 'PRD' | 'QAS', tenant: string): Promise<Marker[]> {
  const system = sid === 'PRD' ? env.source : env.target;
  const out = await env.hdbsql(system, `${sid}_${tenant}`, 'SELECT ID, WRITTEN_AT FROM MARKERS ORDER BY ID');
  return dist.hana.parseHdbsqlOutput(out).rows.map((r) => ({
    id: Number(r[0]),
    writtenAt: DateTime.fromSQL(String(r[1]), { zone: 'utc' }).toISO({ suppressMilliseconds: true })!.replace('.000', ''),
  }));
}

const ms = (iso: unknown) => Date.parse(String(iso));

beforeAll(async () => {
  dist = await loadDist();
  workDir = mkdtempSync(join(tmpdir(), 'hana-vdb-e2e-'));
  const landscape = dist.spec.defaultLandscape();
  landscape.backint = {
    ...landscape.backint,
    logShippingLagSeconds: LAG_S,
    parameters: { LogVisibilityDelayIncludesCatalog: true },
  };
  env = await dist.demo.startDemo(
    { workDir, packageRoot, landscape, startAt: '2026-03-02T08:00:00Z', say: () => undefined },
    'PRD',
    'QAS',
  );
  await env.landscape.workload.startMarkers({ sid: 'PRD', database: 'ERP', everySeconds: 60 });
  await env.advance(600);
  await env.hdbsql(env.source, 'PRD_SYSTEM', "BACKUP DATA FOR ERP USING BACKINT ('E2E_FULL')");
  await env.advance(7200);
}, 180_000);

afterAll(async () => {
  await env?.close();
  if (!process.env.KEEP_E2E) rmSync(workDir, { recursive: true, force: true });
});

/** A step several tests build on, run once by whichever test needs it first, so no test depends on the order. */
const once = <T>(step: () => Promise<T>): (() => Promise<T>) => {
  let result: Promise<T> | undefined;
  return () => (result ??= step());
};

const linkErp = once(async () => {
  const snap = await env.linkDSource('erp', {
    backupSource: 'S3_BACKINT',
    sourceTenant: 'ERP',
    rpoOffsetMinutes: 30,
    sourceUserStoreKey: 'PRD_RECOVERY',
    backintParameterFile: env.source.backintParameterFile,
  });
  return { snap, clockAtLink: env.landscape.clock.now().getTime() };
});

const provisionVdb1 = once(async () => {
  const { snap } = await linkErp();
  const { snapshot } = await env.provision('vdb1', snap.id, vdbParams('VDB1'));
  return { dsourceSnapshot: snap, snapshot, rows: await markers('QAS', 'VDB1') };
});

test('a dSource snapshot is metadata only: origin = takenAt − RPO offset, in UTC', async () => {
  const { snap, clockAtLink } = await linkErp();
  const m = snap.metadata;
  expect(m).toMatchObject({ sourceSid: 'PRD', sourceTenant: 'ERP', rpoOffsetMinutes: 30 });
  expect(String(m.takenAt)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  expect(ms(m.takenAt) - ms(m.originTimestamp)).toBe(30 * 60_000);
  // taken on the source's (simulated) clock
  expect(ms(m.takenAt)).toBe(Math.floor(clockAtLink / 1000) * 1000);
}, 120_000);

test('provision recovers exactly the marker rows committed at or before the achieved timestamp', async () => {
  const { dsourceSnapshot: snap, snapshot, rows: vdb } = await provisionVdb1();
  const m = snapshot.metadata;
  expect(m.recoveryTimestamp).toBe(snap!.metadata.originTimestamp);
  expect(ms(m.achievedTimestamp)).toBeLessThanOrEqual(ms(m.recoveryTimestamp));
  expect(ms(m.executionTimestamp)).toBeGreaterThanOrEqual(ms(snap!.metadata.takenAt));
  expect(String(m.recoveryInfo)).toMatch(/^RECOVER DATA finished successfully, reached timestamp \S+, reached log position \d+$/);
  expect(String(m.recoveryInfo)).toContain(`reached log position ${String(m.reachedLogPosition)}`);
  expect(String(m.operationId)).toMatch(/^[0-9a-f]+$/);
  // The job log shows the statement that ran (it travels as a variable the plugin declares public).
  const jobLog = readFileSync(join(env.engineDataDir, 'logs', 'hana-vdb.jsonl'), 'utf8');
  expect(jobLog).toMatch(/RECOVER issued at \S+: RECOVER DATABASE FOR VDB1 UNTIL TIMESTAMP '/);

  const source = await markers('PRD', 'ERP');
  const expected = source.filter((r) => ms(r.writtenAt) <= ms(m.achievedTimestamp));
  expect(vdb.length).toBeGreaterThan(50);
  expect(vdb).toEqual(expected);
  expect(source.length).toBeGreaterThan(vdb.length); // the source went on writing after the origin
  // The last replayed commit is the achieved point.
  expect(vdb[vdb.length - 1]!.writtenAt).toBe(m.achievedTimestamp);
}, 180_000);

test('refresh recovers a newer snapshot; rewind returns to the first VDB snapshot', async () => {
  const { snapshot: first, rows: firstRows } = await provisionVdb1();
  const firstVdbSnapshot = first.id;
  await env.advance(3600);
  const newer = await env.syncDSource('erp');
  const { snapshot } = await env.refresh('vdb1', newer.id);
  expect(ms(snapshot.metadata.achievedTimestamp)).toBeGreaterThan(
    ms(env.engine.store.snapshot(firstVdbSnapshot)!.metadata.achievedTimestamp),
  );
  const refreshed = await markers('QAS', 'VDB1');
  expect(refreshed.length).toBeGreaterThan(firstRows.length);
  expect(refreshed.slice(0, firstRows.length)).toEqual(firstRows);

  const { rewindVdb } = await import(new URL('dist/src/engine/workflows/vdb.js', `file://${packageRoot}/`).href);
  await rewindVdb(env.engine, 'vdb1', firstVdbSnapshot);
  expect(await markers('QAS', 'VDB1')).toEqual(firstRows);
  const history = env.engine.store.recoveryHistory('vdb1');
  expect(history.map((h) => [h.operation, h.outcome])).toEqual([
    ['provision', 'succeeded'],
    ['refresh', 'succeeded'],
    ['rewind', 'succeeded'],
  ]);
}, 240_000);

test(
  "the seed's failure mode: with the logs not yet in the backup tool, HANA reports success " +
    'far short, and the metadata shows it',
  async () => {
    const snap = await env.linkDSource('erp-now', {
      backupSource: 'COMMVAULT_BACKINT',
      sourceTenant: 'ERP',
      rpoOffsetMinutes: 0,
      sourceUserStoreKey: 'PRD_RECOVERY',
      backintParameterFile: env.source.backintParameterFile,
      coveragePolicy: 'proceed',
    });
    const { snapshot } = await env.provision('vdb2', snap.id, vdbParams('VDB2'));
    const m = snapshot.metadata;
    expect(String(m.recoveryInfo)).toMatch(/^RECOVER DATA finished successfully/);
    // Everything newer than the lag is missing from the store: the achieved point falls at least that far short.
    expect(ms(m.recoveryTimestamp) - ms(m.achievedTimestamp)).toBeGreaterThanOrEqual(LAG_S * 1000);
    const vdb = await markers('QAS', 'VDB2');
    expect(vdb[vdb.length - 1]!.writtenAt).toBe(m.achievedTimestamp);
  },
  180_000,
);

test('an SSH connection dropped mid-recovery: the recovery completes once and is recorded', async () => {
  const relay = await TcpRelay.start(env.landscape.ssh!.port);
  try {
    await env.addEnvironment('flaky-network', { host: '127.0.0.1', port: relay.port });
    await env.landscape.faults.slowRecovery(300);
    const { dsourceSnapshot: snap, rows: firstRows } = await provisionVdb1();
    const log = join(env.target.paths.traceDir, 'DB_VDB3', 'backup.log');
    const started = () => {
      try {
        return readFileSync(log, 'utf8').includes('RECOVER DATA started');
      } catch {
        return false;
      }
    };
    const provisioning = env.provision('vdb3', snap.id, vdbParams('VDB3'), 'flaky-network');
    await until(started, 120_000, 'the recovery of VDB3 to start');
    expect(relay.cut()).toBeGreaterThan(0);
    const { snapshot } = await provisioning;
    await env.landscape.faults.slowRecovery(0);
    expect(String(snapshot.metadata.recoveryInfo)).toMatch(/^RECOVER DATA finished successfully/);
    expect(readFileSync(log, 'utf8').match(/RECOVER DATA started/g)).toHaveLength(1);
    expect(await markers('QAS', 'VDB3')).toEqual(firstRows);
  } finally {
    await relay.close();
  }
}, 240_000);
