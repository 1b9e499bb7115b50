/** Starting workflows as jobs: the start returns the job's id once the job exists, or the error before it. */
import { UserError } from '../../src/sdk/errors.js';
import { EventStream, type ConsoleEvent } from '../../src/engine/console/events.js';
import { JobTracker } from '../../src/engine/console/jobs.js';
import type { JobRow } from '../../src/engine/store/types.js';

const job = (id: number): JobRow => ({
  id,
  operation: 'dsource.sync',
  objectType: 'dsource',
  objectName: 'erp',
  pid: process.pid,
  startedAt: '2024-01-01T00:00:00Z',
  endedAt: null,
  outcome: 'running',
  error: null,
  progressPercent: null,
  progressMessage: null,
});

function tracker() {
  const events = new EventStream();
  const published: ConsoleEvent[] = [];
  events.publish = (e) => void published.push(e);
  const t = new JobTracker(events, () => 'succeeded');
  return { t, events, published };
}

test('the start resolves with the job id at the first log line while the workflow runs on', async () => {
  const { t, events, published } = tracker();
  let finish!: () => void;
  const started = t.start(async () => {
    t.onJobLog(job(7), 'info', 'Job 7 started.');
    await new Promise<void>((r) => {
      finish = r;
    });
  });
  expect(await started).toEqual({ jobId: 7 });
  expect(t.runningCount()).toBe(1);
  t.onProgress(job(7), { percent: 50, message: 'recovering: indexserver volume 3 50%' });
  expect(t.progressOf(7)).toEqual([expect.objectContaining({ percent: 50, message: 'recovering: indexserver volume 3 50%' })]);
  finish();
  await t.settle();
  expect(t.runningCount()).toBe(0);
  expect(published.filter((e) => e.type === 'job')).toEqual([
    { type: 'job', jobId: 7, outcome: 'running' },
    { type: 'job', jobId: 7, outcome: 'succeeded' },
  ]);
  events.close();
});

test('an error before the job exists rejects the start; after it, the job carries it', async () => {
  const { t, events } = tracker();
  await expect(
    t.start(async () => {
      throw new UserError("No dSource named 'x'.", 'Link one.');
    }),
  ).rejects.toThrow("No dSource named 'x'.");
  await expect(
    t.start(async () => {
      t.onJobLog(job(8), 'info', 'Job 8 started.');
      throw new Error('plugin failed');
    }),
  ).resolves.toEqual({ jobId: 8 });
  await t.settle();
  events.close();
});

test('a workflow without a job reports done; starts are serialized so each gets its own job', async () => {
  const { t, events } = tracker();
  expect(await t.start(async () => undefined)).toEqual({ done: true });
  let release!: () => void;
  const gate = new Promise<void>((r) => {
    release = r;
  });
  const a = t.start(async () => {
    await gate;
    t.onJobLog(job(10), 'info', 'Job 10 started.');
  });
  const b = t.start(async () => {
    t.onJobLog(job(11), 'info', 'Job 11 started.');
  });
  release();
  expect(await Promise.all([a, b])).toEqual([{ jobId: 10 }, { jobId: 11 }]);
  await t.settle();
  events.close();
});
