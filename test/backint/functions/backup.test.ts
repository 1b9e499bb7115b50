import { readdir, readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { feedFifo, mkfifo } from '../helpers/agent.js';
import { ebidOf, fsHarness, SW104, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await fsHarness();
});
afterEach(async () => {
  await h.remove();
});

describe('backup', () => {
  test('#FILE is saved with its size and echoed exactly as received', async () => {
    const f = await h.file('data file 1', 'hello world');
    const { output, outcomes } = await h.run('backup', `${SW104}\n#FILE "${f}"\n`);
    expect(output).toHaveLength(1);
    expect(output[0]).toMatch(new RegExp(`^#SAVED "[^"]+" "${f}" 11$`));
    expect(outcomes.every((o) => o.ok)).toBe(true);
  });

  test('an unquoted path is echoed unquoted, an optional size is accepted', async () => {
    const f = await h.file('plain', 'x'.repeat(100));
    const { output } = await h.run('backup', `#FILE ${f} 4096\n`);
    expect(output[0]).toMatch(new RegExp(`^#SAVED "[^"]+" ${f} 100$`));
  });

  test('names with escaped quotes and backslashes keep their raw form in the answer', async () => {
    const f = await h.file('we"ird\\name', 'abc');
    const raw = `"${f.replace(/"/g, '\\"')}"`;
    const { output } = await h.run('backup', `#FILE ${raw}\n`);
    expect(output[0]).toBe(`#SAVED "${ebidOf(output[0]!)}" ${raw} 3`);
  });

  test('a pipe that does not exist yet is waited for, and saved once HANA creates it', async () => {
    const late = path.join(h.dir, 'late pipe');
    const run = h.run('backup', `#PIPE "${late}"\n`);
    await sleep(400);
    await mkfifo(late);
    await feedFifo(late, await h.file('payload', 'late bytes'));
    const { output, outcomes } = await run;
    expect(output).toEqual([expect.stringMatching(new RegExp(`^#SAVED "[^"]+" "${late}" 10$`))]);
    expect(outcomes[0]!.ok).toBe(true);
  });

  test('a pipe that never appears is #ERROR after BackupPipeWaitSeconds, naming the setting', async () => {
    h.params.BackupPipeWaitSeconds = 1;
    const missing = path.join(h.dir, 'never');
    const started = Date.now();
    const { output, outcomes } = await h.run('backup', `#PIPE ${missing}\n`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(output).toEqual([`#ERROR ${missing}`]);
    expect(outcomes[0]!.reason).toContain('did not appear within 1 s (BackupPipeWaitSeconds)');
  });

  test('a missing pipe is #ERROR with the path, others still succeed', async () => {
    h.params.BackupPipeWaitSeconds = 0;
    const ok = await h.file('ok', 'data');
    const missing = path.join(h.dir, 'no such pipe');
    const { output, outcomes } = await h.run('backup', `#FILE "${missing}"\n#FILE ${ok}\n`);
    expect(output).toContain(`#ERROR "${missing}"`);
    expect(output.some((l) => l.startsWith('#SAVED') && l.includes(ok))).toBe(true);
    expect(outcomes.map((o) => o.ok).sort()).toEqual([false, true]);
    expect(outcomes.find((o) => !o.ok)!.reason).toContain('did not appear within 0 s');
  });

  test('every backup of the same path is a new version with a unique EBID', async () => {
    const f = await h.file('log_backup_0_0_0_0', 'catalog v1');
    const a = await h.run('backup', `#FILE ${f}\n`);
    const b = await h.run('backup', `#FILE ${f}\n`);
    expect(ebidOf(a.output[0]!)).not.toBe(ebidOf(b.output[0]!));
    expect(await h.store.versions('ERP@PRD', f)).toHaveLength(2);
  });

  test('the manifest records size, CRC-32, codec and HANA version', async () => {
    const content = Buffer.from('some backup bytes '.repeat(1000));
    const f = await h.file('data', content);
    const { output } = await h.run('backup', `${SW104}\n#FILE ${f}\n`);
    const m = await h.store.stat('ERP@PRD', f, ebidOf(output[0]!));
    expect(m).toMatchObject({
      size: content.length,
      crc32: crc32(content).toString(16).padStart(8, '0'),
      codec: 'none',
      kind: 'FILE',
      storedSize: content.length,
      softwareId: 'HANA HDB server 2.00.071.00.1687900751',
    });
  });

  test('gzip compression stores fewer bytes and records the codec', async () => {
    h.params = { ...h.params, Compression: 'gzip' };
    const content = Buffer.from('compressible '.repeat(10000));
    const f = await h.file('data', content);
    const { output } = await h.run('backup', `#FILE ${f}\n`);
    expect(output[0]).toMatch(new RegExp(` ${content.length}$`));
    const m = (await h.store.stat('ERP@PRD', f, ebidOf(output[0]!)))!;
    expect(m.codec).toBe('gzip');
    expect(m.storedSize).toBeLessThan(content.length / 10);
  });

  test('nothing but committed objects remain in the store (no temp files)', async () => {
    const f = await h.file('data', 'abc');
    const { output } = await h.run('backup', `#FILE ${f}\n`);
    const dir = path.dirname(path.join(h.root, 'ERP%40PRD', ...f.split('/').slice(1).map(encodeURIComponent), '@', 'x'));
    expect((await readdir(dir)).sort()).toEqual([`${ebidOf(output[0]!)}.data`, `${ebidOf(output[0]!)}.json`]);
    expect(await readFile(path.join(dir, `${ebidOf(output[0]!)}.data`), 'utf8')).toBe('abc');
  });

  test('an empty input gives no result lines', async () => {
    expect((await h.run('backup', `${SW104}\n`)).output).toEqual([]);
  });
});
