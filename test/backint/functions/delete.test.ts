import { execa } from 'execa';
import { chmod } from 'node:fs/promises';
import path from 'node:path';
import { ebidOf, fsHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await fsHarness();
});
afterEach(async () => {
  await h.remove();
});

describe('delete', () => {
  test('#DELETED, then #NOTFOUND for the same EBID, which is not a failure; other versions stay', async () => {
    const f = await h.file('log_backup_0_0_0_0', 'cat');
    const e1 = ebidOf((await h.run('backup', `#FILE "${f}"\n`)).output[0]!);
    const e2 = ebidOf((await h.run('backup', `#FILE "${f}"\n`)).output[0]!);
    const first = await h.run('delete', `#EBID "${e1}" "${f}"\n`);
    expect(first.output).toEqual([`#DELETED "${e1}" "${f}"`]);
    expect(first.outcomes[0]!.ok).toBe(true);
    const again = await h.run('delete', `#EBID "${e1}" "${f}"\n`);
    expect(again.output).toEqual([`#NOTFOUND "${e1}" "${f}"`]);
    expect(again.outcomes[0]!.ok).toBe(true);
    expect((await h.run('inquire', `#NULL "${f}"\n`)).output).toEqual([`#BACKUP "${e2}" "${f}"`]);
  });

  test('an EBID of another path is #NOTFOUND', async () => {
    const f = await h.file('a', 'a');
    const e = ebidOf((await h.run('backup', `#FILE ${f}\n`)).output[0]!);
    expect((await h.run('delete', `#EBID "${e}" ${f}x\n`)).output).toEqual([`#NOTFOUND "${e}" ${f}x`]);
  });

  test('a store that refuses the delete gives #NOTDELETED and keeps the object', async () => {
    const f = await h.file('locked', 'a');
    const e = ebidOf((await h.run('backup', `#FILE ${f}\n`)).output[0]!);
    const versions = path.join(h.root, 'ERP%40PRD', ...f.split('/').slice(1).map(encodeURIComponent), '@');
    // root ignores directory permissions, so lock the manifest itself (ext4 immutable flag)
    const asRoot = process.getuid?.() === 0;
    const lock = () => (asRoot ? execa('chattr', ['+i', path.join(versions, `${e}.json`)]) : chmod(versions, 0o555));
    const unlock = () => (asRoot ? execa('chattr', ['-i', path.join(versions, `${e}.json`)]) : chmod(versions, 0o755));
    await lock();
    try {
      const { output, outcomes } = await h.run('delete', `#EBID "${e}" ${f}\n`);
      expect(output).toEqual([`#NOTDELETED "${e}" ${f}`]);
      expect(outcomes[0]!.ok).toBe(false);
    } finally {
      await unlock();
    }
    expect((await h.run('inquire', `#NULL ${f}\n`)).output).toEqual([`#BACKUP "${e}" ${f}`]);
  });

  test('a failing store gives #ERROR', async () => {
    h.store.remove = async () => {
      throw new Error('io error');
    };
    expect((await h.run('delete', `#EBID "e" /x/y\n`)).output).toEqual(['#ERROR "e" /x/y']);
  });
});
