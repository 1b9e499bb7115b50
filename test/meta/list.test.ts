/** hana-vdb-meta list on a store built by real engine runs (support/main-store.ts). */
import { useMainStore, LONG_INFO, meta, parseCsv } from './support/main-store.js';

const main = useMainStore();

const list = (...args: string[]) => meta(['list', '--data-dir', main.store.dataDir, ...args]);
const json = async (...args: string[]) => {
  const r = await list('--json', ...args);
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
};
const vdbSnapIds = (doc: { dsources: Array<{ snapshots: Array<{ vdbSnapshots: Array<{ id: number }> }> }> }) =>
  doc.dsources.flatMap((d) => d.snapshots.flatMap((s) => s.vdbSnapshots.map((v) => v.id)));

describe('table', () => {
  it('shows one block per dSource with its snapshots and the VDB snapshots recovered from them, in UTC', async () => {
    const r = await list();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Times in UTC\./);
    const erp = r.stdout.indexOf('dSource prd-erp');
    const hr = r.stdout.indexOf('dSource prd-hr');
    expect(erp).toBeGreaterThan(0);
    expect(hr).toBeGreaterThan(erp);
    expect(r.stdout).toContain('snapshot 1  ERP@PRD  RPO 30 min');
    expect(r.stdout).toMatch(/taken +2020-01-01 13:00:00 +origin +2020-01-01 12:30:00/);
    expect(r.stdout).toMatch(
      /VDB vdb2 {2}snapshot 3[^\n]*\n +executed +2020-01-01 14:00:00 +log pos +900\n +requested +2020-01-01 12:30:00[^\n]*\n +achieved +2020-01-01 12:00:00 +drift +1800 s \(30m 00s\)/,
    );
    expect(r.stdout).toContain('VDBs: vdb1 (active), vdb2 (active), vdb3 (failed)');
  });

  it('fits 80 columns, shortening the long recovery info and saying where to read it whole', async () => {
    for (const args of [[], ['--tz', 'Asia/Kathmandu']]) {
      const r = await list(...args);
      for (const line of r.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    }
    const r = await list();
    expect(r.stdout).toContain('RECOVERY RECOVER DATA finished successfully');
    expect(r.stdout).not.toContain('x'.repeat(100));
    expect(r.stdout).toContain('…');
    expect(r.stdout).toContain('hana-vdb-meta show ID prints it whole');
  });

  it('--tz shows another IANA zone with its offset; an unknown zone is an error', async () => {
    const r = await list('--tz', 'America/New_York');
    expect(r.stdout).toMatch(/^Times in America\/New_York\./);
    expect(r.stdout).toMatch(/taken +2020-01-01 08:00:00-05:00 +origin +2020-01-01 07:30:00-05:00/);
    expect(r.stdout).not.toContain('2020-01-01 13:00:00');
    const bad = await list('--tz', 'Mars/Olympus');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--tz 'Mars/Olympus' is not an IANA time zone");
  });
});

describe('--json', () => {
  it('is stable, versioned and always UTC, with drift = recovery − achieved', async () => {
    const doc = await json('--tz', 'America/New_York');
    expect(doc.formatVersion).toBe(1);
    expect(doc.dsources.map((d: { name: string }) => d.name)).toEqual(['prd-erp', 'prd-hr']);
    const s1 = doc.dsources[0].snapshots[0];
    expect(s1).toMatchObject({
      id: 1,
      sourceSid: 'PRD',
      sourceTenant: 'ERP',
      originTimestamp: '2020-01-01T12:30:00Z',
      rpoOffsetMinutes: 30,
      takenAt: '2020-01-01T13:00:00Z',
    });
    expect(s1.vdbSnapshots[1]).toMatchObject({
      id: 3,
      vdb: 'vdb2',
      executionTimestamp: '2020-01-01T14:00:00Z',
      recoveryTimestamp: '2020-01-01T12:30:00Z',
      achievedTimestamp: '2020-01-01T12:00:00Z',
      driftSeconds: 1800,
      reachedLogPosition: '900',
      recoveryInfo: 'RECOVERY finished',
    });
    expect(s1.vdbSnapshots[0].recoveryInfo).toBe(LONG_INFO);
    expect(Object.keys(s1.vdbSnapshots[0])).toEqual([
      'id',
      'vdb',
      'vdbStatus',
      'current',
      'createdAt',
      'executionTimestamp',
      'recoveryTimestamp',
      'achievedTimestamp',
      'driftSeconds',
      'recoveryInfo',
      'reachedLogPosition',
      'operationId',
    ]);
    expect(doc.dsources[0].snapshots[1].vdbSnapshots[0]).toMatchObject({
      id: 5,
      vdb: 'vdb3',
      vdbStatus: 'failed',
      driftSeconds: 5,
    });
  });
});

describe('filters', () => {
  it('--dsource keeps one dSource; an unknown name is an error naming the known ones', async () => {
    const doc = await json('--dsource', 'prd-hr');
    expect(doc.dsources.map((d: { name: string }) => d.name)).toEqual(['prd-hr']);
    const bad = await list('--dsource', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("There is no dSource named 'nope'");
    expect(bad.stderr).toContain('prd-erp, prd-hr');
  });

  it('--vdb keeps that VDB and the dSource snapshot it came from', async () => {
    const doc = await json('--vdb', 'vdb2');
    expect(doc.dsources).toHaveLength(1);
    expect(doc.dsources[0].snapshots.map((s: { id: number }) => s.id)).toEqual([1]);
    expect(vdbSnapIds(doc)).toEqual([3]);
    expect(doc.dsources[0].vdbs.map((v: { name: string }) => v.name)).toEqual(['vdb2']);
    expect((await list('--vdb', 'ghost')).code).toBe(2);
  });

  it('--since/--until select by takenAt and executionTimestamp', async () => {
    const since = await json('--since', '2020-01-02T00:00:00Z');
    expect(since.dsources[0].snapshots.map((s: { id: number }) => s.id)).toEqual([4]);
    expect(vdbSnapIds(since)).toEqual([5]);
    expect(since.dsources[1].snapshots).toEqual([]);
    const until = await json('--until', '2020-01-01T13:30:00Z');
    expect(vdbSnapIds(until)).toEqual([2, 7]);
    expect(until.filters.until).toBe('2020-01-01T13:30:00Z');
  });

  it('reads a bound without offset in the --tz zone', async () => {
    // 09:00 in New York is 14:00 UTC: only vdb2's recovery (executed 14:00 UTC) and later ones.
    const doc = await json('--tz', 'America/New_York', '--since', '2020-01-01T09:00:00');
    expect(doc.filters.since).toBe('2020-01-01T14:00:00Z');
    expect(vdbSnapIds(doc)).toEqual([3, 5]);
  });

  it('rejects a malformed or reversed range', async () => {
    const bad = await list('--since', 'yesterday');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since 'yesterday' is not an ISO-8601 time");
    expect((await list('--since', '2020-02-01T00:00:00Z', '--until', '2020-01-01T00:00:00Z')).code).toBe(2);
  });
});

describe('--csv', () => {
  it('has one RFC 4180 record per VDB snapshot, CRLF-terminated, with quotes doubled', async () => {
    const r = await list('--csv');
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(r.stdout);
    const header = rows[0]!;
    expect(header).toContain('driftSeconds');
    expect(rows).toHaveLength(5);
    const rec = (id: string) =>
      Object.fromEntries(header.map((h, i) => [h, rows.find((x) => x[header.indexOf('vdbSnapshotId')] === id)![i]]));
    expect(rec('2').recoveryInfo).toBe(LONG_INFO);
    expect(r.stdout).toContain('""point in time""');
    expect(rec('3')).toMatchObject({
      dsource: 'prd-erp',
      dsourceSnapshotId: '1',
      vdb: 'vdb2',
      driftSeconds: '1800',
      achievedTimestamp: '2020-01-01T12:00:00Z',
    });
  });

  it('--csv and --json together are refused', async () => {
    const r = await list('--csv', '--json');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--json and --csv exclude each other');
  });
});
