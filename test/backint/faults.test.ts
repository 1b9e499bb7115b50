/** Faults: agent killed mid-backup (real process, real FIFO), disk full (injected at the store's write layer). */
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { FilesystemStore } from '../../src/backint/store/filesystem.js';
import { AGENT_BIN, drainFifo, feedFifo, mkfifo, runAgent, tempDir, writeParams } from './helpers/agent.js';
import { ebidOf, fsHarness } from './helpers/harness.js';

const SW = '#SOFTWAREID "backint 1.50" "HANA"';

async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(path.join(e.parentPath, e.name));
  return out;
}

describe('faults', () => {
  test('agent killed mid-backup: nothing visible afterwards, the next run is consistent', async () => {
    const { dir, remove } = await tempDir('backint-kill-');
    try {
      const root = path.join(dir, 'store');
      await mkdir(root);
      const params = await writeParams(path.join(dir, 'p.yml'), { FilesystemRoot: root });
      const pipe = path.join(dir, 'COMPLETE_databackup_0_1');
      await mkfifo(pipe);
      const data = randomBytes(8 << 20);
      await writeFile(`${pipe}.src`, data);
      await writeFile(`${dir}/in`, `${SW}\n#PIPE ${pipe}\n`);
      const agent = execa(
        process.execPath,
        [AGENT_BIN, '-f', 'backup', '-p', params, '-i', `${dir}/in`, '-o', `${dir}/out`, '-u', 'ERP@PRD'],
        { reject: false },
      );
      // HANA writes half of the stream and keeps the pipe open.
      // Its own process group, so that killing "HANA" also kills head/sleep, which hold the pipe's write end:
      // an orphan holding it would keep the next backup from ever seeing EOF.
      const hana = execa('sh', ['-c', 'head -c 4194304 "$1"; sleep 60', 'sh', `${pipe}.src`], {
        reject: false,
        stdout: { file: pipe },
        detached: true,
      });
      // Wait until the agent has written part of HANA's bytes to the store (a MiB: more than a direct write's
      // alignment probe).
      let tmp: string | undefined;
      for (let i = 0; i < 600 && !tmp; i++) {
        const files = await filesUnder(root);
        for (const f of files) if (f.endsWith('.data.tmp') && (await stat(f)).size >= 1 << 20) tmp = f;
        if (!tmp) await sleep(50);
      }
      expect(tmp).toBeDefined();
      agent.kill('SIGKILL');
      expect((await agent).signal).toBe('SIGKILL');
      process.kill(-hana.pid!, 'SIGKILL');
      await hana;

      const inq = await runAgent(dir, { fn: 'inquire', paramFile: params, user: 'ERP@PRD', lines: [SW, `#NULL ${pipe}`, '#NULL'] });
      expect(inq.output.slice(1)).toEqual([`#NOTFOUND ${pipe}`, '#NOTFOUND']);
      expect(inq.exitCode).toBe(0);

      // The next backup of the same pipe works and restores byte for byte.
      const [b] = await Promise.all([
        runAgent(dir, { fn: 'backup', paramFile: params, user: 'ERP@PRD', lines: [SW, `#PIPE ${pipe}`] }),
        feedFifo(pipe, `${pipe}.src`),
      ]);
      expect(b.output[1]).toMatch(new RegExp(` ${data.length}$`));
      const [r] = await Promise.all([
        runAgent(dir, { fn: 'restore', paramFile: params, user: 'ERP@PRD', lines: [SW, `#NULL ${pipe}`] }),
        drainFifo(pipe, `${pipe}.out`),
      ]);
      expect(r.output[1]).toBe(`#RESTORED "${ebidOf(b.output[1]!)}" ${pipe}`);
      expect((await readFile(`${pipe}.out`)).equals(data)).toBe(true);
      const all = await runAgent(dir, { fn: 'inquire', paramFile: params, user: 'ERP@PRD', lines: [SW, '#NULL'] });
      expect(all.output.slice(1)).toHaveLength(1);
    } finally {
      await remove();
    }
  });

  test.each([
    ["uncompressed, direct: the main thread writing the channel worker's slots", 'none', true],
    ['uncompressed, page cache: the channel worker writing as it reads', 'none', false],
    ['gzip: the stream copy', 'gzip', true],
  ])(
    'disk full (ENOSPC injected at the write layer), %s: #ERROR, no object, no temp files',
    async (_what, compression, directIO) => {
      const h = await fsHarness({ Compression: compression });
      try {
        h.store = new FilesystemStore(h.root, { failWritesAfterBytes: 1 << 20, directIO });
        const f = await h.file('big', randomBytes(3 << 20));
        const { output, outcomes } = await h.run('backup', `${SW}\n#FILE ${f}\n`);
        expect(output).toEqual([`#ERROR ${f}`]);
        expect(outcomes[0]!.reason).toContain('ENOSPC');
        expect((await h.run('inquire', `#NULL ${f}\n`)).output).toEqual([`#NOTFOUND ${f}`]);
        expect(await filesUnder(h.root)).toEqual([]);
      } finally {
        await h.remove();
      }
    },
  );
});
