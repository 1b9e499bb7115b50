import { execa } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import path from 'node:path';
import { feedFifo, mkfifo } from '../helpers/agent.js';
import { ebidOf, fsHarness, SW104, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await fsHarness();
});
afterEach(async () => {
  await h.remove();
});

async function versionFile(ebid: string, ext: string): Promise<string> {
  const walk = async (dir: string): Promise<string | undefined> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        const f = await walk(p);
        if (f) return f;
      } else if (e.name === `${ebid}.${ext}`) return p;
    }
    return undefined;
  };
  return (await walk(h.root))!;
}

describe('restore', () => {
  test('#EBID restores that version into the destination and echoes the source path', async () => {
    const f = await h.file('src file', 'version one');
    const e1 = ebidOf((await h.run('backup', `#FILE "${f}"\n`)).output[0]!);
    await writeFile(f, 'version two!');
    h.now += 1000;
    await h.run('backup', `#FILE "${f}"\n`);
    const dest = path.join(h.dir, 'restored');
    const { output, outcomes } = await h.run('restore', `${SW104}\n#EBID "${e1}" "${f}" ${dest}\n`);
    expect(output).toEqual([`#RESTORED "${e1}" "${f}"`]);
    expect(outcomes[0]!.ok).toBe(true);
    expect(await readFile(dest, 'utf8')).toBe('version one');
  });

  test('#NULL restores the newest version and reports its EBID', async () => {
    const f = await h.file('log_backup_0_0_0_0', 'old');
    await h.run('backup', `#FILE ${f}\n`);
    await writeFile(f, 'new');
    h.now += 1000;
    const e2 = ebidOf((await h.run('backup', `#FILE ${f}\n`)).output[0]!);
    const dest = path.join(h.dir, 'out');
    expect((await h.run('restore', `#NULL ${f} ${dest}\n`)).output).toEqual([`#RESTORED "${e2}" ${f}`]);
    expect(await readFile(dest, 'utf8')).toBe('new');
  });

  test('a pipe backup is restored into the FIFO HANA creates late, never into a regular file made first', async () => {
    const src = path.join(h.dir, 'data_pipe');
    await mkfifo(src);
    const fed = feedFifo(src, await h.file('bytes', 'pipe content'));
    const ebid = ebidOf((await h.run('backup', `#PIPE ${src}\n`)).output[0]!);
    await fed;
    const dest = path.join(h.dir, 'restore_pipe');
    const run = h.run('restore', `#EBID "${ebid}" ${src} ${dest}\n`);
    await sleep(400);
    await mkfifo(dest); // fails with EEXIST if the agent had created a regular file meanwhile
    const read = execa('cat', [dest]);
    const { output } = await run;
    expect(output).toEqual([`#RESTORED "${ebid}" ${src}`]);
    expect((await read).stdout).toBe('pipe content');
  });

  test('a file backup is restored into a new regular file at once', async () => {
    const f = await h.file('a file', 'file content');
    await h.run('backup', `#FILE "${f}"\n`);
    const dest = path.join(h.dir, 'fresh');
    h.params.RestorePipeOpenTimeoutSeconds = 1;
    expect((await h.run('restore', `#NULL "${f}" ${dest}\n`)).output[0]).toMatch(/^#RESTORED /);
    expect((await stat(dest)).isFile()).toBe(true);
  });

  test('without a destination the object is written back to its own path', async () => {
    const f = await h.file('self', 'content');
    await h.run('backup', `#FILE ${f}\n`);
    await unlink(f);
    await h.run('restore', `#NULL ${f}\n`);
    expect(await readFile(f, 'utf8')).toBe('content');
  });

  test('unknown path or EBID is #NOTFOUND and a failure', async () => {
    const f = await h.file('x', 'x');
    await h.run('backup', `#FILE ${f}\n`);
    const { output, outcomes } = await h.run(
      'restore',
      `#NULL /nope/a ${h.dir}/o1\n#EBID "0000000000001-00000000" ${f} ${h.dir}/o2\n`,
    );
    expect(output.sort()).toEqual([`#NOTFOUND ${f}`, '#NOTFOUND /nope/a'].sort());
    expect(outcomes.every((o) => !o.ok)).toBe(true);
  });

  test('a corrupted object is #ERROR (CRC-32 mismatch)', async () => {
    const f = await h.file('victim', 'abcdefgh');
    const e = ebidOf((await h.run('backup', `#FILE ${f}\n`)).output[0]!);
    await writeFile(await versionFile(e, 'data'), 'abcdXfgh');
    const { output, outcomes } = await h.run('restore', `#EBID "${e}" ${f} ${h.dir}/o\n`);
    expect(output).toEqual([`#ERROR ${f}`]);
    expect(outcomes[0]!.reason).toMatch(/CRC-32 mismatch: [0-9a-f]{8} read back, [0-9a-f]{8} at backup/);
  });

  // Objects stored before CRC-32 carry SHA-256 in their manifest: they restore, checked with it, on both copy paths
  // (an object under one ring slot is copied without a worker).
  test.each([
    ['small', 1000],
    ['larger than a ring slot', 3 * 1024 * 1024 + 5],
  ])('an object stored with SHA-256 by an earlier version (%s) restores, and damage to it is found', async (_, size) => {
    const content = randomBytes(size);
    const f = await h.file('old', content);
    const e = ebidOf((await h.run('backup', `#FILE ${f}\n`)).output[0]!);
    const manifestFile = await versionFile(e, 'json');
    const { crc32, ...manifest } = JSON.parse(await readFile(manifestFile, 'utf8')) as Record<string, unknown>;
    expect(crc32).toMatch(/^[0-9a-f]{8}$/);
    await writeFile(manifestFile, JSON.stringify({ ...manifest, sha256: createHash('sha256').update(content).digest('hex') }));
    const ok = await h.run('restore', `#EBID "${e}" ${f} ${h.dir}/o1\n`);
    expect(ok.output).toEqual([`#RESTORED "${e}" ${f}`]);
    expect((await readFile(`${h.dir}/o1`)).equals(content)).toBe(true);

    const bad = Buffer.from(content);
    bad[size >> 1]! ^= 1;
    await writeFile(await versionFile(e, 'data'), bad);
    const { output, outcomes } = await h.run('restore', `#EBID "${e}" ${f} ${h.dir}/o2\n`);
    expect(output).toEqual([`#ERROR ${f}`]);
    expect(outcomes[0]!.reason).toMatch(/SHA-256 mismatch: [0-9a-f]{16} read back, [0-9a-f]{16} at backup/);
  });

  test('a truncated object is #ERROR (size mismatch)', async () => {
    const f = await h.file('victim', 'abcdefgh');
    const e = ebidOf((await h.run('backup', `#FILE ${f}\n`)).output[0]!);
    await writeFile(await versionFile(e, 'data'), 'abc');
    const { output, outcomes } = await h.run('restore', `#EBID "${e}" ${f} ${h.dir}/o\n`);
    expect(output).toEqual([`#ERROR ${f}`]);
    expect(outcomes[0]!.reason).toContain('has 3 bytes, expected 8');
  });

  test('an object whose data vanished is #ERROR, one whose manifest vanished is #NOTFOUND', async () => {
    const f = await h.file('gone', 'abc');
    const e = ebidOf((await h.run('backup', `#FILE ${f}\n`)).output[0]!);
    await unlink(await versionFile(e, 'data'));
    expect((await h.run('restore', `#EBID "${e}" ${f} ${h.dir}/o\n`)).output).toEqual([`#ERROR ${f}`]);
    await unlink(await versionFile(e, 'json'));
    expect((await h.run('restore', `#EBID "${e}" ${f} ${h.dir}/o\n`)).output).toEqual([`#NOTFOUND ${f}`]);
  });

  test('gzip objects are decompressed and verified', async () => {
    h.params = { ...h.params, Compression: 'gzip' };
    const content = 'zip me '.repeat(5000);
    const f = await h.file('z', content);
    await h.run('backup', `#FILE ${f}\n`);
    h.params = { ...h.params, Compression: 'none' };
    await h.run('restore', `#NULL ${f} ${h.dir}/z.out\n`);
    expect(await readFile(`${h.dir}/z.out`, 'utf8')).toBe(content);
  });

  test('a log backup inside its visibility delay is #NOTFOUND, after it restorable', async () => {
    h.params = { ...h.params, LogVisibilityDelaySeconds: 60 };
    const f = await h.file('log_backup_1_0_10_20', 'redo');
    await h.run('backup', `#FILE ${f}\n`);
    expect((await h.run('restore', `#NULL ${f} ${h.dir}/r\n`)).output).toEqual([`#NOTFOUND ${f}`]);
    h.now += 60_000;
    expect((await h.run('restore', `#NULL ${f} ${h.dir}/r\n`)).output[0]).toMatch(/^#RESTORED /);
  });
});
