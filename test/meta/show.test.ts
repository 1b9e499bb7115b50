/** hana-vdb-meta show: a snapshot or a VDB with its whole recovery history (real engine runs). */
import { useMainStore, FAILED_REFRESH, LONG_INFO, meta, parseCsv } from './support/main-store.js';

const main = useMainStore();

const show = (...args: string[]) => meta(['show', '--data-dir', main.store.dataDir, ...args]);

it('a VDB: every provision, refresh and rewind attempt with outcome and error text', async () => {
  const r = await show('vdb3', '--json');
  expect(r.code).toBe(0);
  const doc = JSON.parse(r.stdout);
  expect(doc).toMatchObject({
    formatVersion: 1,
    kind: 'vdb',
    vdb: { name: 'vdb3', dsource: 'prd-erp', status: 'failed', provisionedFromSnapshotId: 4, currentSnapshotId: 5 },
  });
  expect(doc.recoveryHistory.map((a: { operation: string; outcome: string }) => `${a.operation}:${a.outcome}`)).toEqual([
    'provision:succeeded',
    'refresh:failed',
  ]);
  expect(doc.recoveryHistory[1].error).toContain(FAILED_REFRESH);
  expect(doc.recoveryHistory[0].recovery).toMatchObject({
    achievedTimestamp: '2020-01-02T08:29:55Z',
    driftSeconds: 5,
    reachedLogPosition: '2000',
  });
  expect(doc.snapshot.metadata.logShippingLagSeconds).toBe(300);

  const rewound = JSON.parse((await show('vdb1', '--json')).stdout);
  expect(rewound.recoveryHistory.map((a: { operation: string }) => a.operation)).toEqual(['provision', 'rewind']);
  expect(rewound.recoveryHistory[1]).toMatchObject({ outcome: 'succeeded', targetSnapshotId: 2 });
});

it('the table prints the error and the recovery info whole, within 80 columns', async () => {
  const r = await show('vdb3');
  expect(r.stdout).toContain('#4 refresh of vdb3: failed');
  expect(r.stdout.replace(/\n +/g, ' ')).toContain(FAILED_REFRESH);
  const one = await show('1');
  expect(one.stdout).toMatch(/^Snapshot 1: dSource snapshot of prd-erp/m);
  expect(one.stdout).toContain('x'.repeat(60));
  expect(one.stdout.replace(/\n +/g, ' ')).toContain(LONG_INFO.slice(0, 200));
  for (const text of [r.stdout, one.stdout]) for (const line of text.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
});

it('a snapshot id: the snapshot and the attempts that used it', async () => {
  const doc = JSON.parse((await show('1', '--json')).stdout);
  expect(doc.kind).toBe('snapshot');
  expect(doc.snapshot).toMatchObject({
    id: 1,
    kind: 'dsource',
    dsource: 'prd-erp',
    source: { originTimestamp: '2020-01-01T12:30:00Z', takenAt: '2020-01-01T13:00:00Z' },
    recovery: null,
  });
  expect(doc.recoveryHistory.map((a: { vdb: string; operation: string }) => `${a.vdb}:${a.operation}`)).toEqual([
    'vdb1:provision',
    'vdb2:provision',
    'vdb1:rewind',
  ]);
  const vdbSnap = JSON.parse((await show('3', '--json')).stdout);
  expect(vdbSnap.snapshot).toMatchObject({ kind: 'vdb', vdb: 'vdb2', parentSnapshotId: 1, recovery: { driftSeconds: 1800 } });
  expect(vdbSnap.recoveryHistory).toHaveLength(1);
});

it('--csv: one record per attempt', async () => {
  const rows = parseCsv((await show('vdb3', '--csv')).stdout);
  expect(rows).toHaveLength(3);
  const h = rows[0]!;
  expect(rows[2]![h.indexOf('outcome')]).toBe('failed');
  expect(rows[2]![h.indexOf('error')]).toContain(FAILED_REFRESH);
});

it('--tz applies to the table', async () => {
  const r = await show('vdb2', '--tz', 'Asia/Tokyo');
  expect(r.stdout).toContain('achieved    2020-01-01 21:00:00+09:00');
});

it('an unknown id or name is an error with what to pass instead', async () => {
  for (const id of ['999', 'nosuchvdb']) {
    const r = await show(id);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`No snapshot with id ${id} and no VDB named '${id}'`);
    expect(r.stderr).toContain('vdb1, vdb2, vdb3, vdbhr');
  }
  const none = await meta(['show', '--data-dir', main.store.dataDir]);
  expect(none.code).toBe(2);
  expect(none.stderr).toContain('show needs a snapshot id or a VDB name');
});
