/**
 * dist/hdbbackint, the single executable, runs where no node is on PATH. Builds it into a temporary directory
 * (tools/package, after `npm run build`); injecting the blob into a copy of Node takes a minute or two here.
 */
import { execa } from 'execa';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT } from './helpers/s3rver.js';
import { feedFifo, mkfifo, tempDir, writeParams } from './helpers/agent.js';

let dir: string;
let remove: () => Promise<void>;
let exe: string;
/** A PATH without node on it: an empty directory. */
let noNode: Record<string, string>;

beforeAll(async () => {
  ({ dir, remove } = await tempDir('hdbbackint-sea-'));
  exe = path.join(dir, 'hdbbackint');
  await execa(process.execPath, [path.join(REPO_ROOT, 'dist/tools/package/hdbbackint.js'), exe]);
  await mkdir(path.join(dir, 'empty-bin'));
  noNode = { PATH: path.join(dir, 'empty-bin') };
}, 600_000);
afterAll(async () => {
  await remove();
});

const run = (args: string[], input?: string) => execa(exe, args, { env: noNode, extendEnv: false, reject: false, input });

describe('single executable hdbbackint', () => {
  test('node is really absent from the PATH the executable gets', async () => {
    const r = await execa('node', ['-v'], { env: noNode, extendEnv: false, reject: false });
    expect(r.failed).toBe(true);
  });

  test('-v answers #SOFTWAREID', async () => {
    const r = await run(['-v']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('#SOFTWAREID "backint 1.50" "hana-vdb hana-backint 0.1.0"');
  });

  test('a pipe backup and its restore into a FIFO round-trip the bytes (channel workers included)', async () => {
    const root = path.join(dir, 'store');
    await mkdir(root);
    const params = await writeParams(path.join(dir, 'p.yml'), { FilesystemRoot: root });
    const payload = path.join(dir, 'payload');
    await writeFile(payload, Buffer.alloc(3 << 20, 7));
    const pipe = path.join(dir, 'databackup_0_1');
    await mkfifo(pipe);
    const fed = feedFifo(pipe, payload);
    const b = await run(['-f', 'backup', '-p', params, '-u', 'SYSTEMDB@HDB'], `#SOFTWAREID "backint 1.50" "HANA"\n#PIPE ${pipe}\n`);
    await fed;
    expect(b.stderr).toBe('');
    const saved = b.stdout.split('\n')[1]!;
    expect(saved).toMatch(new RegExp(`^#SAVED "[^"]+" ${pipe} ${3 << 20}$`));
    const ebid = /"([^"]+)"/.exec(saved)![1]!;
    const dest = path.join(dir, 'restore_pipe');
    await mkfifo(dest);
    const copy = path.join(dir, 'restored');
    const reader = execa('sh', ['-c', 'cat "$1" > "$2"', 'sh', dest, copy]);
    const r = await run(['-f', 'restore', '-p', params, '-u', 'SYSTEMDB@HDB'], `#EBID "${ebid}" ${pipe} ${dest}\n`);
    await reader;
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe(`#RESTORED "${ebid}" ${pipe}`);
    expect((await readFile(copy)).equals(await readFile(payload))).toBe(true);
  });
});
