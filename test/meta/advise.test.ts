/** hana-vdb-meta advise: RPO offset from measured lag, or an honest "no measurements" (real engine runs). */
import { percentile } from '../../tools/hana-vdb-meta/advise.js';
import { useMainStore, meta, parseCsv } from './support/main-store.js';

const main = useMainStore();

const advise = (...args: string[]) => meta(['advise', '--data-dir', main.store.dataDir, ...args]);

it('recommends ceil((p95 lag + log backup interval) / 60) minutes, with the drift seen as evidence', async () => {
  const r = await advise('--json');
  expect(r.code).toBe(0);
  const erp = JSON.parse(r.stdout).dsources.find((d: { dsource: string }) => d.dsource === 'prd-erp');
  // lags 120, 2400, 300 → p95 (nearest rank) 2400; newest interval 600 → 3000 s → 50 min.
  expect(erp).toMatchObject({
    currentRpoOffsetMinutes: 30,
    recommendedRpoOffsetMinutes: 50,
    logBackupIntervalSeconds: 600,
    lag: { samples: 3, p95Seconds: 2400, maxSeconds: 2400 },
    drift: { samples: 3, shortCount: 2, maxSeconds: 1800 },
  });
  const table = (await advise()).stdout;
  expect(table).toMatch(/dSource prd-erp[^]*recommended +50 min \(current offset is lower: raise it\)/);
  expect(table).toContain('2 short of the request');
});

it('without lag measurements says so and gives no number', async () => {
  const hr = JSON.parse((await advise('--json', '--dsource', 'prd-hr')).stdout).dsources;
  expect(hr).toHaveLength(1);
  expect(hr[0]).toMatchObject({
    dsource: 'prd-hr',
    recommendedRpoOffsetMinutes: null,
    lag: { samples: 0, p95Seconds: null },
    drift: { samples: 1, shortCount: 0 },
  });
  expect(hr[0].reason).toContain('No log-shipping lag measured yet');
  const table = (await advise('--dsource', 'prd-hr')).stdout;
  expect(table).toMatch(/recommended +none/);
  expect(table).not.toMatch(/recommended +\d/);
  for (const line of table.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
});

it('--csv has one record per dSource; an unknown dSource is an error', async () => {
  const rows = parseCsv((await advise('--csv')).stdout);
  expect(rows.map((r) => r[0])).toEqual(['dsource', 'prd-erp', 'prd-hr']);
  expect(rows[1]![rows[0]!.indexOf('recommendedRpoOffsetMinutes')]).toBe('50');
  expect(rows[2]![rows[0]!.indexOf('recommendedRpoOffsetMinutes')]).toBe('');
  expect((await advise('--dsource', 'nope')).code).toBe(2);
});

it('lag measured but no log backup interval recorded: no number either', async () => {
  const s = await main.lab.newStore('lag-only');
  await s.run([
    { op: 'link', name: 'ds', tenant: 'ERP', rpoOffsetMinutes: 5, scenario: { takenAt: '2021-06-01T00:00:00Z' } },
    {
      op: 'provision',
      name: 'v',
      snapshotId: 1,
      tenant: 'VDB1',
      scenario: {
        recover: {
          executionTimestamp: '2021-06-01T00:01:00Z',
          recoveryInfo: 'ok',
          reachedLogPosition: '1',
          operationId: 'a',
          logShippingLagSeconds: 90,
        },
      },
    },
  ]);
  const d = JSON.parse((await meta(['advise', '--json', '--data-dir', s.dataDir])).stdout).dsources[0];
  expect(d).toMatchObject({
    recommendedRpoOffsetMinutes: null,
    lag: { samples: 1, p95Seconds: 90 },
    logBackupIntervalSeconds: null,
  });
  expect(d.reason).toContain('no log backup interval');
});

it('percentile is nearest rank', () => {
  expect(percentile([5], 95)).toBe(5);
  expect(
    percentile(
      Array.from({ length: 20 }, (_, i) => i + 1),
      95,
    ),
  ).toBe(19);
  expect(
    percentile(
      Array.from({ length: 100 }, (_, i) => 100 - i),
      95,
    ),
  ).toBe(95);
});
