/**
 * The filesystem store's data files written and read with O_DIRECT (FilesystemDirectIO, the default) and
 * through the page cache: every byte back whatever the size (direct I/O works in whole blocks, so sizes around
 * block and chunk edges are the risk), a direct backup leaves nothing of the object in the page cache, and
 * direct I/O runs from page-aligned memory (from memory aligned only to the 512-byte block it is 5-10x slower).
 */
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { FilesystemStore } from '../../../src/backint/store/filesystem.js';
import type { PutInfo } from '../../../src/backint/store/store.js';
import { AGENT_BIN, mkfifo, tempDir, writeParams } from '../helpers/agent.js';

const MiB = 1 << 20;
let dir: string;
let remove: () => Promise<void>;
beforeEach(async () => {
  ({ dir, remove } = await tempDir('backint-direct-'));
});
afterEach(() => remove());

let seq = 0;
const info = (p: string): PutInfo => ({
  user: 'ERP@PRD',
  path: p,
  ebid: `17000000000${String(seq++).padStart(2, '0')}-00000000`,
  createdAt: 1_700_000_000_000,
  kind: 'PIPE',
  codec: 'none',
});
const crc = (b: Buffer) => crc32(b).toString(16).padStart(8, '0');

async function storeAt(name: string, directIO: boolean): Promise<FilesystemStore> {
  const root = path.join(dir, name);
  await mkdir(root);
  return new FilesystemStore(root, { directIO });
}

/** Pages of `file` in the page cache, by util-linux fincore. */
async function residentPages(file: string): Promise<number> {
  const { stdout } = await execa('fincore', ['--bytes', '--noheadings', '--output', 'PAGES', file]);
  return Number(stdout.trim());
}

describe.each([true, false])('FilesystemDirectIO %s', (directIO) => {
  // Around the 4 KiB block, the worker's 4 MiB direct chunk and the ring's 1 MiB slots (an object smaller than one
  // slot is copied without a worker, through the page cache; one of exactly a slot is the first the worker takes on).
  const sizes = [0, 1, 4095, 4096, 4097, MiB - 1, MiB, MiB + 1, 4 * MiB, 4 * MiB + 4097, 9 * MiB + 123];

  test('a file source: every size stored and restored byte for byte, with its size and CRC-32', async () => {
    const store = await storeAt('store', directIO);
    for (const size of sizes) {
      const data = randomBytes(size);
      const source = path.join(dir, `in.${size}`);
      await writeFile(source, data);
      const m = await store.putPath(info(`/data/${size}`), source);
      expect({ size: m.size, storedSize: m.storedSize, crc32: m.crc32 }).toEqual({ size, storedSize: size, crc32: crc(data) });
      const out = path.join(dir, `out.${size}`);
      expect(await store.restoreTo(m, out, 5000)).toEqual({ size, checksum: crc(data) });
      expect((await readFile(out)).equals(data)).toBe(true);
    }
  });

  test('a pipe written in odd pieces is gathered whole', async () => {
    const store = await storeAt('store', directIO);
    const fifo = path.join(dir, 'databackup_0_1');
    await mkfifo(fifo);
    const data = randomBytes(5 * MiB + 77);
    // dd with an odd block size: pipe reads come back in pieces that do not line up with any block.
    const source = path.join(dir, 'src');
    await writeFile(source, data);
    const writer = execa('dd', [`if=${source}`, `of=${fifo}`, 'bs=12345']);
    const [m] = await Promise.all([store.putPath(info('/pipe'), fifo), writer]);
    expect({ size: m.size, crc32: m.crc32 }).toEqual({ size: data.length, crc32: crc(data) });
    const out = path.join(dir, 'restored');
    await store.restoreTo(m, out, 5000);
    expect((await readFile(out)).equals(data)).toBe(true);
  });
});

describe('page cache', () => {
  test('a direct backup and restore leave none of the data file in the page cache; buffered ones leave it there', async () => {
    const { stdout: fsType } = await execa('stat', ['-f', '-c', '%T', dir]);
    const hasFincore = (await execa('sh', ['-c', 'command -v fincore'], { reject: false })).exitCode === 0;
    if (!['ext2/ext3', 'ext4', 'xfs', 'btrfs'].includes(fsType.trim()) || !hasFincore) {
      console.warn(
        `skipped: ${dir} is on ${fsType.trim()}${hasFincore ? '' : ' and fincore is missing'}; ` +
          `O_DIRECT bypasses the cache only on a disk filesystem`,
      );
      return;
    }
    const data = randomBytes(8 * MiB + 5);
    const source = path.join(dir, 'in');
    await writeFile(source, data);
    const dataFile = async (root: string, ebid: string) => path.join(dir, root, 'ERP%40PRD', 'p', '@', `${ebid}.data`);

    const direct = await storeAt('direct', true);
    const d = await direct.putPath(info('/p'), source);
    const buffered = await storeAt('buffered', false);
    const b = await buffered.putPath(info('/p'), source);
    const directFile = await dataFile('direct', d.ebid);
    const bufferedFile = await dataFile('buffered', b.ebid);
    expect((await stat(directFile)).size).toBe(data.length);
    expect(await residentPages(directFile)).toBe(0);
    expect(await residentPages(bufferedFile)).toBeGreaterThan(0);
    await direct.restoreTo(d, path.join(dir, 'out'), 5000);
    expect(await residentPages(directFile)).toBe(0);
    expect((await readFile(path.join(dir, 'out'))).equals(data)).toBe(true);
  });
});

describe('memory alignment', () => {
  test('every 1 MiB direct write and read of the agent uses a buffer that starts on a memory page', async () => {
    const traced = (await execa('strace', ['-f', '-e', 'trace=none', 'true'], { reject: false })).exitCode === 0;
    if (!traced) {
      console.warn('skipped: strace is missing or cannot trace here; the buffer addresses are visible only to it');
      return;
    }
    const root = path.join(dir, 'store');
    await mkdir(root);
    const params = await writeParams(path.join(dir, 'p.yml'), { FilesystemRoot: root, FilesystemDirectIO: true });
    const source = path.join(dir, 'in');
    await writeFile(source, randomBytes(3 * MiB));
    const agent = async (fn: string, line: string) => {
      const input = path.join(dir, `in.${fn}`);
      await writeFile(input, `#SOFTWAREID "backint 1.50" "HANA"\n${line}\n`);
      const trace = path.join(dir, `strace.${fn}`);
      const sys = '-e trace=pwrite64,pread64 -e raw=pwrite64,pread64'.split(' ');
      const args = ['-f', ...sys, '-o', trace, process.execPath, AGENT_BIN, '-f', fn, '-p', params, '-i', input, '-u', 'ERP@PRD'];
      const r = await execa('strace', args, { reject: false });
      expect(r.stdout).toMatch(fn === 'backup' ? /#SAVED/ : /#RESTORED/);
      // e.g. `1234 pwrite64(0x14, 0x7f379c100000, 0x100000, 0x100000) = 0x100000`: the buffer is the second argument.
      return [...(await readFile(trace, 'utf8')).matchAll(/p(?:write|read)64\(0x[0-9a-f]+, 0x([0-9a-f]+), 0x100000,/g)].map(
        (m) => BigInt(`0x${m[1]}`) % 4096n,
      );
    };
    const written = await agent('backup', `#FILE "${source}"`);
    expect(written.length).toBe(3);
    expect(written.every((offset) => offset === 0n)).toBe(true);
    const read = await agent('restore', `#NULL "${source}" "${path.join(dir, 'out')}"`);
    expect(read.length).toBeGreaterThanOrEqual(3); // and the read that finds the end
    expect(read.every((offset) => offset === 0n)).toBe(true);
  });
});
