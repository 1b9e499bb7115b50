/**
 * The store most hana-vdb-meta tests read: two dSources, four VDBs, a drifting VDB, two VDBs of one
 * snapshot that reached different points, a failed refresh and a rewind, all through real engine runs.
 *
 * Snapshot ids: 1 prd-erp (taken 2020-01-01 13:00, origin 12:30), 2 vdb1, 3 vdb2 (short 1800 s),
 * 4 prd-erp (taken 2020-01-02 09:00), 5 vdb3 (short 5 s), 6 prd-hr (taken 2020-01-01 10:00), 7 vdbhr.
 */
import { main } from '../../../tools/hana-vdb-meta/main.js';
import { Lab, type EngineStore } from './engine-runs.js';

export const LONG_INFO =
  'RECOVERY RECOVER DATA finished successfully, reached timestamp 2020-01-01T12:30:00+00:00, reached log position 1000; ' +
  '"point in time" recovery of tenant VDB1 from ERP@PRD used 1 data backup and 14 log backups, ' +
  'the last log backup ended at 2020-01-01T12:31:10+00:00; ' +
  'x'.repeat(120);

export const FAILED_REFRESH = '[448] recovery could not be completed: log backup 0x4711 not found in the Backint catalog';

/**
 * Registers the file's set-up: a lab and the main store built by real engine runs, torn down afterwards.
 * Read `lab` and `store` inside tests (they are set once beforeAll has run).
 */
export function useMainStore(): { lab: Lab; store: EngineStore } {
  const ctx = {} as { lab: Lab; store: EngineStore };
  beforeAll(async () => {
    ctx.lab = await Lab.start();
    ctx.store = await buildMainStore(ctx.lab);
  }, 180000);
  afterAll(async () => {
    await ctx.lab?.stop();
  });
  return ctx;
}

export async function buildMainStore(lab: Lab): Promise<EngineStore> {
  const store = await lab.newStore('main');
  const rec = (over: Record<string, unknown>) => ({ recoveryInfo: 'RECOVERY finished', operationId: 'abc1', ...over }) as never;
  await store.run([
    {
      op: 'link',
      name: 'prd-erp',
      tenant: 'ERP',
      rpoOffsetMinutes: 30,
      maxDriftSeconds: 600,
      scenario: { takenAt: '2020-01-01T13:00:00Z' },
    },
    {
      op: 'provision',
      name: 'vdb1',
      snapshotId: 1,
      tenant: 'VDB1',
      scenario: {
        recover: rec({
          executionTimestamp: '2020-01-01T13:05:00Z',
          reachedLogPosition: '1000',
          operationId: '187e6e0e8dc',
          recoveryInfo: LONG_INFO,
          logShippingLagSeconds: 120,
          logBackupIntervalSeconds: 900,
        }),
      },
    },
    {
      op: 'provision',
      name: 'vdb2',
      snapshotId: 1,
      tenant: 'VDB2',
      scenario: {
        recover: rec({
          executionTimestamp: '2020-01-01T14:00:00Z',
          shortBySeconds: 1800,
          reachedLogPosition: '900',
          logShippingLagSeconds: 2400,
          logBackupIntervalSeconds: 900,
        }),
      },
    },
    { op: 'sync', name: 'prd-erp', scenario: { takenAt: '2020-01-02T09:00:00Z' } },
    {
      op: 'provision',
      name: 'vdb3',
      snapshotId: 4,
      tenant: 'VDB3',
      scenario: {
        recover: rec({
          executionTimestamp: '2020-01-02T09:10:00Z',
          shortBySeconds: 5,
          reachedLogPosition: '2000',
          logShippingLagSeconds: 300,
          logBackupIntervalSeconds: 600,
        }),
      },
    },
    {
      op: 'refresh',
      name: 'vdb3',
      snapshotId: 4,
      mayFail: true,
      scenario: { recover: rec({ executionTimestamp: '2020-01-02T10:00:00Z', reachedLogPosition: '1', fail: FAILED_REFRESH }) },
    },
    { op: 'link', name: 'prd-hr', tenant: 'HR', rpoOffsetMinutes: 15, scenario: { takenAt: '2020-01-01T10:00:00Z' } },
    {
      op: 'provision',
      name: 'vdbhr',
      snapshotId: 6,
      // Its own tenant: a target tenant belongs to one VDB.
      tenant: 'VDB4',
      scenario: { recover: rec({ executionTimestamp: '2020-01-01T10:05:00Z', reachedLogPosition: '500' }) },
    },
    {
      op: 'rewind',
      name: 'vdb1',
      snapshotId: 2,
      scenario: { recover: rec({ executionTimestamp: '2020-01-01T15:00:00Z', reachedLogPosition: '1000' }) },
    },
  ]);
  return store;
}

export interface MetaRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** hana-vdb-meta in-process (the bin is a two-line wrapper around main). */
export async function meta(args: string[], env: NodeJS.ProcessEnv = {}): Promise<MetaRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env });
  return { code, stdout, stderr };
}

/** RFC 4180 parser for the tests (quoted fields, doubled quotes, CRLF records). */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}
