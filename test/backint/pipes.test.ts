/** Real named pipes in both directions, with HANA's side played by separate processes. Needs a build. */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { execa } from 'execa';
import path from 'node:path';
import { drainFifo, feedFifo, mkfifo, runAgent, tempDir, writeParams } from './helpers/agent.js';
import { ebidOf } from './helpers/harness.js';

const SW = '#SOFTWAREID "backint 1.50" "HANA HDB server 2.00.071.00.1687900751"';
let dir: string;
let remove: () => Promise<void>;
let params: string;
const backint = '/usr/sap/PRD/SYS/global/hdb/backint/DB_ERP';

beforeAll(async () => {
  ({ dir, remove } = await tempDir('backint-pipes-'));
  await mkdir(path.join(dir, 'store'));
  await mkdir(path.join(dir, 'pipes'));
  params = await writeParams(path.join(dir, 'p.yml'), {
    FilesystemRoot: path.join(dir, 'store'),
    UploadChannelSize: 4,
    MaximumConcurrentFilesForRestore: 4,
    RestorePipeOpenTimeoutSeconds: 3,
    // A pipe that never appears is reported after this wait (HANA may create pipes just after starting the agent).
    BackupPipeWaitSeconds: 2,
  });
});
afterAll(async () => {
  await remove();
});

/** A FIFO for HANA's path `name`, at a local location (the agent is told the local path). */
async function fifo(name: string): Promise<string> {
  const p = path.join(dir, 'pipes', name);
  await mkfifo(p);
  return p;
}

describe('named pipes', () => {
  const sources: Record<string, Buffer> = {};
  const saved: Record<string, string> = {};

  test('backup reads three FIFOs in parallel and reports every byte', async () => {
    const names = ['COMPLETE_databackup_0_1', 'COMPLETE_databackup_2_1', 'COMPLETE data backup 3_1'];
    const fifos = await Promise.all(names.map(fifo));
    const sizes = [3 << 20, 1, 5 << 20];
    const feeders = fifos.map(async (f, i) => {
      sources[f] = randomBytes(sizes[i]!);
      await writeFile(`${f}.src`, sources[f]!);
      return feedFifo(f, `${f}.src`);
    });
    const run = runAgent(dir, {
      fn: 'backup',
      paramFile: params,
      user: 'ERP@PRD',
      lines: [SW, ...fifos.map((f) => `#PIPE "${f}"`)],
      extra: ['-s', '1707397841205', '-c', '3', '-l', 'COMPLETE'],
    });
    const [r] = await Promise.all([run, ...feeders]);
    expect(r.exitCode).toBe(0);
    expect(r.output[0]).toBe('#SOFTWAREID "backint 1.50" "hana-vdb hana-backint 0.1.0"');
    expect(r.output.slice(1).sort()).toEqual(
      fifos.map((f, i) => `#SAVED "${ebidOf(r.output.find((l) => l.includes(`"${f}"`))!)}" "${f}" ${sizes[i]}`).sort(),
    );
    for (const f of fifos) saved[f] = ebidOf(r.output.find((l) => l.includes(`"${f}"`))!);
  });

  test('restore writes into FIFOs opened by HANA, also when the reader comes late', async () => {
    const fifos = Object.keys(saved);
    const lines = [SW, ...fifos.map((f, i) => (i === 0 ? `#NULL "${f}"` : `#EBID "${saved[f]}" "${f}"`))];
    const readers = fifos.map(async (f, i) => {
      // The last reader opens only after the agent has started and found no reader yet.
      if (i === fifos.length - 1) await new Promise((res) => setTimeout(res, 500));
      await drainFifo(f, `${f}.restored`);
    });
    const [r] = await Promise.all([runAgent(dir, { fn: 'restore', paramFile: params, user: 'ERP@PRD', lines }), ...readers]);
    expect(r.exitCode).toBe(0);
    expect(r.output.slice(1).sort()).toEqual(fifos.map((f) => `#RESTORED "${saved[f]}" "${f}"`).sort());
    for (const f of fifos) expect((await readFile(`${f}.restored`)).equals(sources[f]!)).toBe(true);
  });

  test('HANA stops reading mid-restore: #ERROR naming the broken pipe, exit 1, and the agent ends', async () => {
    const f = Object.keys(saved).find((k) => sources[k]!.length === 5 << 20)!;
    const quitter = execa('sh', ['-c', 'head -c 1000 "$1" > /dev/null', 'sh', f]);
    const [r] = await Promise.all([
      runAgent(dir, { fn: 'restore', paramFile: params, user: 'ERP@PRD', lines: [SW, `#EBID "${saved[f]}" "${f}"`] }),
      quitter,
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.output[1]).toBe(`#ERROR "${f}"`);
    expect(r.stderr).toContain('EPIPE');
  });

  test('HANA opens a backup pipe late: the agent waits for its writer and saves every byte', async () => {
    const f = await fifo('COMPLETE_databackup_late_1');
    await writeFile(`${f}.src`, randomBytes(1 << 20));
    const run = runAgent(dir, { fn: 'backup', paramFile: params, user: 'ERP@PRD', lines: [SW, `#PIPE "${f}"`] });
    await new Promise((res) => setTimeout(res, 500));
    const [r] = await Promise.all([run, feedFifo(f, `${f}.src`)]);
    expect(r.exitCode).toBe(0);
    expect(r.output[1]).toMatch(new RegExp(`^#SAVED "[^"]+" "${f}" ${1 << 20}$`));
  });

  test('a FIFO nobody reads is #ERROR after RestorePipeOpenTimeoutSeconds', async () => {
    const [f] = Object.keys(saved);
    const r = await runAgent(dir, { fn: 'restore', paramFile: params, user: 'ERP@PRD', lines: [SW, `#NULL "${f}"`] });
    expect(r.exitCode).toBe(1);
    expect(r.output[1]).toBe(`#ERROR "${f}"`);
    expect(r.stderr).toContain('no reader opened');
  });

  test('log backups are restored one at a time, in input order', async () => {
    const logs = [await fifo('log_backup_2_0_100_200'), await fifo('log_backup_2_0_200_300')];
    await Promise.all(logs.map((l) => writeFile(`${l}.src`, `redo ${l}`)));
    const b = await Promise.all([
      runAgent(dir, { fn: 'backup', paramFile: params, user: 'ERP@PRD', lines: [SW, ...logs.map((l) => `#PIPE ${l}`)] }),
      ...logs.map((l) => feedFifo(l, `${l}.src`)),
    ]);
    expect(b[0].exitCode).toBe(0);
    // Only the second log has a reader: serialized, the first must fail (no reader) before the second starts.
    const [r] = await Promise.all([
      runAgent(dir, { fn: 'restore', paramFile: params, user: 'ERP@PRD', lines: [SW, ...logs.map((l) => `#NULL ${l}`)] }),
      drainFifo(logs[1]!, `${logs[1]}.restored`),
    ]);
    expect(r.output.slice(1).map((l) => l.split(' ')[0])).toEqual(['#ERROR', '#RESTORED']);
    expect(r.output[1]).toBe(`#ERROR ${logs[0]}`);
    expect(await readFile(`${logs[1]}.restored`, 'utf8')).toBe(`redo ${logs[1]}`);
  });

  test("system copy: the target reads the source tenant's namespace with -u ERP@PRD", async () => {
    const src = await fifo('log_backup_0_0_0_0');
    await writeFile(`${src}.src`, 'catalog of ERP@PRD');
    const [b] = await Promise.all([
      runAgent(dir, { fn: 'backup', paramFile: params, user: 'ERP@PRD', lines: [SW, `#PIPE ${src}`] }),
      feedFifo(src, `${src}.src`),
    ]);
    const ebid = ebidOf(b.output[1]!);
    // The target system has its own parameter file pointing at the same store, and its own FIFO.
    const targetParams = await writeParams(path.join(dir, 'target.yml'), {
      FilesystemRoot: path.join(dir, 'store'),
      RestorePipeOpenTimeoutSeconds: 3,
    });
    const dest = await fifo('target-catalog-pipe');
    const inq = await runAgent(dir, { fn: 'inquire', paramFile: targetParams, user: 'ERP@PRD', lines: [SW, `#NULL ${src}`] });
    expect(inq.output[1]).toMatch(new RegExp(`^#BACKUP "${ebid}" ${src} "`));
    const [r] = await Promise.all([
      runAgent(dir, { fn: 'restore', paramFile: targetParams, user: 'ERP@PRD', lines: [SW, `#EBID "${ebid}" ${src} ${dest}`] }),
      drainFifo(dest, `${dest}.out`),
    ]);
    expect(r.output[1]).toBe(`#RESTORED "${ebid}" ${src}`);
    expect(await readFile(`${dest}.out`, 'utf8')).toBe('catalog of ERP@PRD');
    // The target's own namespace does not contain the source's backups.
    expect(
      (await runAgent(dir, { fn: 'inquire', paramFile: targetParams, user: 'VDB1@QAS', lines: [SW, `#NULL ${src}`] })).output[1],
    ).toBe(`#NOTFOUND ${src}`);
  });

  test('one missing pipe among several: the others are saved, exit 1', async () => {
    const f = await fifo('SYSTEMDB_FULL_BACKUP_databackup_0_1');
    await writeFile(`${f}.src`, 'x');
    const [r] = await Promise.all([
      runAgent(dir, {
        fn: 'backup',
        paramFile: params,
        user: 'HDB',
        lines: [SW, `#PIPE "${f}"`, `#PIPE "${backint}/not-a-pipe-here"`],
      }),
      feedFifo(f, `${f}.src`),
    ]);
    expect(r.exitCode).toBe(1);
    expect(r.output).toContain(`#ERROR "${backint}/not-a-pipe-here"`);
    expect(r.output.some((l) => l.startsWith('#SAVED') && l.endsWith(`"${f}" 1`))).toBe(true);
  });
});
