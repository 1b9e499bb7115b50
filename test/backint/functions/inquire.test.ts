import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { feedFifo, mkfifo } from '../helpers/agent.js';
import { ebidOf, fsHarness, SW104, SW150, type Harness } from '../helpers/harness.js';

let h: Harness;
let a: string;
let cat: string;
const ebids: Record<string, string[]> = {};
beforeEach(async () => {
  h = await fsHarness({ LogVisibilityDelaySeconds: 600 });
  a = await h.file('DB_ERP/COMPLETE_databackup_0_1', 'data');
  cat = await h.file('DB_ERP/log_backup_0_0_0_0', 'catalog');
  ebids.a = [ebidOf((await h.run('backup', `#FILE ${a}\n`)).output[0]!)];
  ebids.cat = [];
  for (let i = 0; i < 3; i++) {
    h.now += 1000;
    ebids.cat.push(ebidOf((await h.run('backup', `#FILE ${cat}\n`)).output[0]!));
  }
});
afterEach(async () => {
  await h.remove();
});

describe('inquire', () => {
  test('#NULL <path> lists every version newest first, with creation times from 1.50', async () => {
    const { output } = await h.run('inquire', `${SW150}\n#NULL ${cat}\n`);
    const created = (i: number) => new Date(h.now - (2 - i) * 1000).toISOString();
    expect(output).toEqual([2, 1, 0].map((i) => `#BACKUP "${ebids.cat![i]}" ${cat} "${created(i)}"`));
  });

  test('the creation time is when the backup completed, not when it started (the EBID keeps the start)', async () => {
    const src = path.join(h.dir, 'slow_pipe');
    await mkfifo(src);
    const started = h.now;
    const run = h.run('backup', `#PIPE ${src}\n`);
    await sleep(200);
    h.now += 7000; // the pipe delivers its bytes 7 s later on the agent clock
    await feedFifo(src, await h.file('slow bytes', 'x'.repeat(1000)));
    const ebid = ebidOf((await run).output[0]!);
    expect(ebid.startsWith(String(started))).toBe(true);
    const { output } = await h.run('inquire', `${SW150}\n#NULL ${src}\n`);
    expect(output).toEqual([`#BACKUP "${ebid}" ${src} "${new Date(started + 7000).toISOString()}"`]);
    const all = await h.run('inquire', `${SW150}\n#NULL\n`);
    expect(all.output).toContain(`#BACKUP "${ebid}" "${src}" "${new Date(started + 7000).toISOString()}"`);
  });

  test('Backint 1.04 gets no creation time', async () => {
    const { output } = await h.run('inquire', `${SW104}\n#NULL "${a}"\n`);
    expect(output).toEqual([`#BACKUP "${ebids.a![0]}" "${a}"`]);
  });

  test('bare #NULL lists everything of the user with quoted names', async () => {
    const { output } = await h.run('inquire', `${SW104}\n#NULL\n`);
    expect(output).toHaveLength(4);
    expect(output[0]).toBe(`#BACKUP "${ebids.cat![2]}" "${cat}"`);
    expect(output[3]).toBe(`#BACKUP "${ebids.a![0]}" "${a}"`);
  });

  test('another user sees nothing: bare #NOTFOUND', async () => {
    const { output, outcomes } = await h.run('inquire', `#NULL\n`, 'QAS');
    expect(output).toEqual(['#NOTFOUND']);
    expect(outcomes[0]!.ok).toBe(true);
  });

  test('#EBID with and without path', async () => {
    const { output } = await h.run(
      'inquire',
      `#EBID "${ebids.cat![1]}" ${cat}\n#EBID "${ebids.a![0]}"\n#EBID "${ebids.a![0]}" ${cat}\n#EBID "0000000000000-deadbeef"\n`,
    );
    expect(output).toEqual([
      `#BACKUP "${ebids.cat![1]}" ${cat}`,
      `#BACKUP "${ebids.a![0]}" "${a}"`,
      `#NOTFOUND "${ebids.a![0]}" ${cat}`,
      '#NOTFOUND "0000000000000-deadbeef"',
    ]);
  });

  test('#NULL for an unknown path echoes it', async () => {
    const { output } = await h.run('inquire', `#NULL "/usr/sap/X/no such"\n`);
    expect(output).toEqual(['#NOTFOUND "/usr/sap/X/no such"']);
  });

  test('a look-alike name is not a version of another', async () => {
    const { output } = await h.run('inquire', `#NULL ${a}_3\n#NULL ${a.slice(0, -2)}\n`);
    expect(output).toEqual([`#NOTFOUND ${a}_3`, `#NOTFOUND ${a.slice(0, -2)}`]);
  });

  test('log backups stay invisible until LogVisibilityDelaySeconds passed on the agent clock', async () => {
    const log = await h.file('DB_ERP/log_backup_2_0_100_200', 'log');
    const ebid = ebidOf((await h.run('backup', `#FILE ${log}\n`)).output[0]!);
    expect((await h.run('inquire', `#NULL ${log}\n#EBID "${ebid}" ${log}\n`)).output).toEqual([
      `#NOTFOUND ${log}`,
      `#NOTFOUND "${ebid}" ${log}`,
    ]);
    expect((await h.run('inquire', `#NULL\n`)).output).toHaveLength(4);
    h.now += 599_000;
    expect((await h.run('inquire', `#NULL ${log}\n`)).output).toEqual([`#NOTFOUND ${log}`]);
    h.now += 1000;
    expect((await h.run('inquire', `#NULL ${log}\n`)).output).toEqual([`#BACKUP "${ebid}" ${log}`]);
    expect((await h.run('inquire', `#NULL\n`)).output).toHaveLength(5);
  });

  test('the catalog is not delayed by default', async () => {
    h.params = { ...h.params, LogVisibilityDelaySeconds: 100000 };
    expect((await h.run('inquire', `#NULL ${cat}\n`)).output).toHaveLength(3);
  });

  test('with LogVisibilityDelayIncludesCatalog a new catalog version lags like the logs it follows', async () => {
    h.params = { ...h.params, LogVisibilityDelaySeconds: 600, LogVisibilityDelayIncludesCatalog: true };
    const before = (await h.run('inquire', `#NULL ${cat}\n`)).output;
    h.now += 600_000; // the versions made at set-up are old enough now
    const settled = (await h.run('inquire', `#NULL ${cat}\n`)).output;
    expect(settled).toHaveLength(3);
    expect(before).toEqual([`#NOTFOUND ${cat}`]);
    const newer = ebidOf((await h.run('backup', `#FILE ${await h.file('DB_ERP/log_backup_0_0_0_0', 'catalog v4')}\n`)).output[0]!);
    const listed = (await h.run('inquire', `#NULL ${cat}\n`)).output;
    expect(listed).toHaveLength(3);
    expect(listed.join('\n')).not.toContain(newer);
    h.now += 600_000;
    expect((await h.run('inquire', `#NULL ${cat}\n`)).output[0]).toBe(`#BACKUP "${newer}" ${cat}`);
  });

  test('a store failure is #ERROR echoing the parameters', async () => {
    h.store.list = async () => {
      throw new Error('boom');
    };
    const { output, outcomes } = await h.run('inquire', `#NULL\n#EBID "x"\n`);
    expect(output).toEqual(['#ERROR', '#ERROR "x"']);
    expect(outcomes.every((o) => !o.ok)).toBe(true);
  });
});
