import { Readable } from 'node:stream';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fsHarness, type Harness } from '../helpers/harness.js';

let h: Harness;
beforeEach(async () => {
  h = await fsHarness();
});
afterEach(async () => {
  await h.remove();
});

const put = (user: string, p: string, ebid: string) =>
  h.store.put(
    { user, path: p, ebid, createdAt: Number(ebid.slice(0, 13)), kind: 'PIPE', codec: 'none' },
    Readable.from([Buffer.from(p)]),
    () => ({ size: p.length, crc32: 'a'.repeat(8), storedSize: p.length }),
  );

describe('filesystem store', () => {
  test('odd path segments stay inside the root and list back verbatim', async () => {
    const names = ['/a/../../etc/passwd', '/a//b', '/./x/@/y', '/sp ace/"q"\\b/ü', '/a/b', '/a/b/c'];
    for (const [i, n] of names.entries()) await put('ERP@PRD', n, `170000000000${i}-0000000${i}`);
    expect((await h.store.list('ERP@PRD')).map((v) => v.path).sort()).toEqual([...names].sort());
    expect(await readdir(path.dirname(h.root))).toEqual(['store']);
    expect((await h.store.versions('ERP@PRD', '/a/b')).map((v) => v.ebid)).toEqual(['1700000000004-00000004']);
  });

  test('users are separate namespaces', async () => {
    await put('ERP@PRD', '/p', '1700000000000-00000000');
    expect(await h.store.list('PRD')).toEqual([]);
    expect(await h.store.versions('ERP@QAS', '/p')).toEqual([]);
  });

  test('an EBID that tries to leave its folder is simply not found', async () => {
    await put('ERP@PRD', '/p', '1700000000000-00000000');
    expect(await h.store.stat('ERP@PRD', '/p', '../../../p/@/1700000000000-00000000')).toBeUndefined();
    expect(await h.store.remove('ERP@PRD', '/p', '.1700000000000-00000000.json')).toBe('notfound');
  });

  test('a damaged manifest is an error naming the object', async () => {
    const { writeFile } = await import('node:fs/promises');
    await put('ERP@PRD', '/p', '1700000000000-00000000');
    await writeFile(path.join(h.root, 'ERP%40PRD', 'p', '@', '1700000000000-00000000.json'), '{"user":1}');
    await expect(h.store.stat('ERP@PRD', '/p', '1700000000000-00000000')).rejects.toThrow(
      'manifest of ERP@PRD:/p:1700000000000-00000000 is damaged',
    );
  });

  test('a manifest holds one checksum: CRC-32, or SHA-256 from an earlier version; both or neither is damaged', async () => {
    const { readFile, writeFile } = await import('node:fs/promises');
    await put('ERP@PRD', '/p', '1700000000000-00000000');
    const file = path.join(h.root, 'ERP%40PRD', 'p', '@', '1700000000000-00000000.json');
    const { crc32, ...rest } = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    expect(crc32).toBe('aaaaaaaa');
    const variants: [Record<string, unknown>, boolean][] = [
      [{ ...rest, sha256: 'b'.repeat(64) }, true],
      [{ ...rest, crc32: 'AAAAAAAA' }, false],
      [{ ...rest, crc32: 'aaaaaaa' }, false],
      [{ ...rest, sha256: 'b'.repeat(63) }, false],
      [{ ...rest, crc32, sha256: 'b'.repeat(64) }, false],
      [rest, false],
    ];
    for (const [manifest, valid] of variants) {
      await writeFile(file, JSON.stringify(manifest));
      const stat = h.store.stat('ERP@PRD', '/p', '1700000000000-00000000');
      if (valid) await expect(stat).resolves.toMatchObject({ sha256: 'b'.repeat(64) });
      else await expect(stat).rejects.toThrow('is damaged');
    }
  });
});
