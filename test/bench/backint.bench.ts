/**
 * hana-backint throughput, measured side by side in one run:
 * - filesystem store: backup (FIFO → store, fsynced) and restore (store → FIFO) of one stream,
 *   against `dd` doing the same copy (FIFO → file with conv=fsync; file → FIFO, reading a file in no cache), with
 *   the agent in both write modes (FilesystemDirectIO true and false, the default's rows keeping their names) in
 *   the same rounds; its backup is also shown against dd oflag=direct, its restore against dd reading a file in
 *   the page cache, and each side's median seconds;
 * - S3 (s3rver on 127.0.0.1): backup and restore with 1 and with 4 channels (the same bytes split over
 *   4 pipes), against one plain lib-storage Upload / GetObject with SDK defaults;
 * each as the best of 5 alternating runs of each side AND the median of the 5 side-by-side pairs (the machine is
 * shared: one pair proves little), on a store that keeps every round's backups, restores between backups;
 * - peak RSS of every agent process.
 * Ratios are baseline time / agent time, so > 1 means the agent was faster.
 */
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { execa, type ResultPromise } from 'execa';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { AGENT_BIN, mkfifo, tempDir, writeParams } from '../backint/helpers/agent.js';
import { startS3rver } from '../backint/helpers/s3rver.js';
import { PARAMETER_KEYS } from '../../src/backint/params.js';
import { median, type BenchResult } from './run.js';

const MiB = 1024 * 1024;

/**
 * A ratio as the best of N alternating runs of each side (best baseline / best agent) AND the median of the
 * side-by-side pairs, each with its goal, so a systematic slowdown cannot hide behind one good round; every pair
 * printed. `goal` undefined: shown for information (no throughput row).
 */
function pairedRows(
  name: string,
  pairs: readonly { base: number; agent: number }[],
  goal: { best: number; median: number } | undefined,
  movedBytes: number,
): BenchResult[] {
  const round2 = (x: number) => Math.round(x * 100) / 100;
  const ratios = pairs.map((p) => p.base / p.agent);
  const bestAgent = Math.min(...pairs.map((p) => p.agent));
  const best = round2(Math.min(...pairs.map((p) => p.base)) / bestAgent);
  const med = round2(median(ratios));
  const all = ratios.map((x) => x.toFixed(2)).join(' ');
  const rows: BenchResult[] = [
    {
      name: `${name} (best of ${pairs.length} alternating runs each)`,
      value: best,
      unit: 'x baseline',
      goal: goal ? `>= ${goal.best}` : 'info',
      ok: !goal || best >= goal.best,
    },
    {
      name: `${name} (median of ${pairs.length} side-by-side pairs; all: ${all})`,
      value: med,
      unit: 'x baseline',
      goal: goal ? `>= ${goal.median}` : 'info',
      ok: !goal || med >= goal.median,
    },
  ];
  if (!goal) return rows;
  const throughput = Math.round(movedBytes / MiB / bestAgent);
  return [...rows, { name: `${name} (agent throughput, best round)`, value: throughput, unit: 'MiB/s', goal: 'info', ok: true }];
}
const SW = '#SOFTWAREID "backint 1.50" "HANA HDB server 2.00.071.00.1687900751"';

async function writeSource(file: string, bytes: number): Promise<void> {
  // Random blocks: incompressible, like encrypted or already compressed pages.
  const fh = await open(file, 'w');
  const block = randomBytes(4 * MiB);
  for (let done = 0; done < bytes; done += block.length) await fh.write(block, 0, Math.min(block.length, bytes - done));
  await fh.close();
}

/** Peak RSS of a running process, from the kernel's high-water mark, sampled until it exits. */
function watchRss(pid: number): { stop(): Promise<number> } {
  let peak = 0;
  const sample = async () => {
    try {
      const m = /VmHWM:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
      if (m) peak = Math.max(peak, Number(m[1]) * 1024);
    } catch {
      // the process has exited
    }
  };
  const timer = setInterval(() => void sample(), 20);
  return {
    async stop() {
      clearInterval(timer);
      return peak;
    },
  };
}

let peakRss = 0;
/** Peak RSS per kind of run (label), the highest over its repetitions. */
const rssByRun = new Map<string, number>();

/** Runs the agent with HANA's side (writers into or readers from FIFOs) and returns seconds. */
async function timeAgent(
  label: string,
  dir: string,
  fn: 'backup' | 'restore',
  params: string,
  lines: string[],
  hana: () => Promise<unknown>[],
  env?: Record<string, string>,
): Promise<{ seconds: number; output: string[] }> {
  const inFile = path.join(dir, `in.${fn}`);
  const outFile = path.join(dir, `out.${fn}`);
  await import('node:fs/promises').then((f) => f.writeFile(inFile, [SW, ...lines].join('\n') + '\n'));
  const start = process.hrtime.bigint();
  const agent: ResultPromise = execa(
    process.execPath,
    [AGENT_BIN, '-f', fn, '-p', params, '-i', inFile, '-o', outFile, '-u', 'ERP@PRD'],
    { reject: false, env },
  );
  const rss = watchRss(agent.pid!);
  const [r] = await Promise.all([agent, ...hana()]);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const rssBytes = await rss.stop();
  peakRss = Math.max(peakRss, rssBytes);
  rssByRun.set(label, Math.max(rssByRun.get(label) ?? 0, rssBytes));
  const output = (await readFile(outFile, 'utf8')).trim().split('\n');
  if (r.exitCode !== 0 || output.some((l) => l.startsWith('#ERROR') || l.startsWith('#NOTFOUND')))
    throw new Error(`agent ${fn} failed (${r.exitCode}): ${String(r.stderr)} ${output.join(' | ')}`);
  return { seconds, output };
}

async function timeIt(work: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

const sh = (script: string, ...args: string[]) => execa('sh', ['-c', script, 'sh', ...args]);
const feed = (src: string, fifo: string) => sh('cat "$1" > "$2"', src, fifo);
const drain = (fifo: string) => sh('cat "$1" > /dev/null', fifo);

const fsGoal = { best: 0.9, median: 0.8 };

type Pair = { base: number; agent: number };
/** The agent's two filesystem write modes (FilesystemDirectIO), measured in the same rounds. */
const FS_MODES = [true, false] as const;

/**
 * One round of the filesystem rows, in seconds: dd, the agent with O_DIRECT and the agent through the page cache
 * back up the same bytes in a rotating order, dd oflag=direct after them, then each restores what it wrote
 * (rotating too); the rotation spreads the machine's weather over every side. backup/restore: per FS_MODES.
 */
type FsRound = { dd: number; ddDirect: number; ddRestore: number; ddRestoreCached: number; backup: number[]; restore: number[] };

/** Exported for longer series of the filesystem rows alone (`filesystem(dir, bytes, rounds)` from a script). */
export async function filesystem(dir: string, bytes: number, rounds = 5): Promise<BenchResult[]> {
  const src = path.join(dir, 'source.bin');
  await writeSource(src, bytes);
  const store = path.join(dir, 'store');
  // One store for both modes, each on its own pipe path, so each restore reads the object its own mode wrote.
  const modes = await Promise.all(
    FS_MODES.map(async (direct) => {
      const fifo = path.join(dir, `COMPLETE_databackup_0_${direct ? 1 : 2}`);
      await mkfifo(fifo);
      const params = await writeParams(path.join(dir, `fs-${direct}.yml`), { FilesystemRoot: store, FilesystemDirectIO: direct });
      return { direct, fifo, params };
    }),
  );
  const fifo = modes[0]!.fifo;
  // dd keeps every round's files too, as the store keeps every backup. Writing over a file it has just removed,
  // dd reused that file's page-cache pages and ran 2–3 times faster than into a new file beside the kept ones
  // (1.2–1.4 s against 2.8–3.6 s for 1 GiB, alternating, on our VM whose hypervisor backs new pages lazily):
  // a pace no store that keeps its backups can have.
  const ddFiles = path.join(dir, 'dd');
  await mkdir(ddFiles);
  const ddOut = (round: number) => path.join(ddFiles, `${round}.out`);
  const ddDirectOut = (round: number) => path.join(ddFiles, `${round}.direct.out`);
  // The disk of a shared machine has weather: the same dd takes 1.5 s or 5 s from one minute to the next. So
  // each side runs once per round, in rotating order, and every round gives a ratio per row. Everything written
  // is synced before a timed run starts, so no run pays for another's writeback.
  const settle = () => execa('sync');
  const ddBackupTo = async (out: string, ...flags: string[]) => {
    await settle();
    return timeIt(() => Promise.all([feed(src, fifo), execa('dd', [`if=${fifo}`, `of=${out}`, 'bs=1M', ...flags, 'conv=fsync'])]));
  };
  // The store keeps every round's backup: from the second round on it already holds several, as on a HANA host.
  await mkdir(store);
  const label = (fn: string, direct: boolean) => `fs ${fn} ${bytes / MiB} MiB, FilesystemDirectIO: ${direct}`;
  const agentBackup = (m: (typeof modes)[number]) => async () => {
    await settle();
    return (await timeAgent(label('backup', m.direct), dir, 'backup', m.params, [`#PIPE ${m.fifo}`], () => [feed(src, m.fifo)]))
      .seconds;
  };
  const agentRestore = (m: (typeof modes)[number]) => async () => {
    await settle();
    return (await timeAgent(label('restore', m.direct), dir, 'restore', m.params, [`#NULL ${m.fifo}`], () => [drain(m.fifo)]))
      .seconds;
  };
  // dd restores the file its oflag=direct backup wrote, which is in no cache, as a backup on a HANA host usually is
  // not: both sides read the disk. Its conv=fsync file, still in the page cache, is the other row (info).
  const ddRestoreFrom = (file: string) => async () => {
    await settle();
    return timeIt(() => Promise.all([execa('dd', [`if=${file}`, `of=${fifo}`, 'bs=1M']), drain(fifo)]));
  };
  /** Runs `sides` starting at `first` (wrapping), returning their times in the sides' order. */
  const rotated = async (sides: (() => Promise<number>)[], first: number) => {
    const times: number[] = [];
    for (let k = 0; k < sides.length; k++) {
      const i = (first + k) % sides.length;
      times[i] = await sides[i]!();
    }
    return times;
  };
  const results: FsRound[] = [];
  for (let round = 0; round < rounds; round++) {
    // A restore needs the agent's objects and dd's file, so each round backs up with every side first.
    const [dd, ...backup] = await rotated([() => ddBackupTo(ddOut(round)), ...modes.map(agentBackup)], round);
    const ddDirect = await ddBackupTo(ddDirectOut(round), 'iflag=fullblock', 'oflag=direct');
    const [ddRestore, ddRestoreCached, ...restore] = await rotated(
      [ddRestoreFrom(ddDirectOut(round)), ddRestoreFrom(ddOut(round)), ...modes.map(agentRestore)],
      round,
    );
    results.push({ dd: dd!, ddDirect, ddRestore: ddRestore!, ddRestoreCached: ddRestoreCached!, backup, restore });
  }
  await rm(ddFiles, { recursive: true });
  await rm(store, { recursive: true });
  await rm(src);
  return [...fsRows(results, bytes), ...fsSeconds(results)];
}

/** Each side's median seconds: the ratios' raw material, to compare the modes with each other. */
function fsSeconds(results: readonly FsRound[]): BenchResult[] {
  const side = (name: string, pick: (r: FsRound) => number): BenchResult => ({
    name: `backint fs seconds, median of ${results.length}: ${name}`,
    value: Math.round(median(results.map(pick)) * 100) / 100,
    unit: 's',
    goal: 'info',
    ok: true,
  });
  return [
    side('dd backup conv=fsync', (r) => r.dd),
    side('dd backup oflag=direct', (r) => r.ddDirect),
    side('dd restore from disk', (r) => r.ddRestore),
    side('dd restore from the page cache', (r) => r.ddRestoreCached),
    ...FS_MODES.flatMap((direct, i) => [
      side(`agent backup, FilesystemDirectIO: ${direct}`, (r) => r.backup[i]!),
      side(`agent restore, FilesystemDirectIO: ${direct}`, (r) => r.restore[i]!),
    ]),
  ];
}

const paramDefault = (key: string): unknown => PARAMETER_KEYS.find((k) => k.key === key)!.default;

/** The rows of the default mode keep their names; the other mode's rows say which mode they are. */
function fsRows(results: readonly FsRound[], bytes: number): BenchResult[] {
  const defaultDirect = paramDefault('FilesystemDirectIO');
  return FS_MODES.flatMap((direct, i) => {
    const name = (row: string) => (direct === defaultDirect ? row : `${row} (FilesystemDirectIO: ${direct})`);
    const goal = direct === defaultDirect ? fsGoal : undefined;
    // [row, baseline seconds, agent seconds, has the goal (else info), bytes moved]
    const rows: [string, (r: FsRound) => number, (r: FsRound) => number, boolean, number][] = [
      ['backint fs backup+restore vs dd', (r) => r.dd + r.ddRestore, (r) => r.backup[i]! + r.restore[i]!, true, 2 * bytes],
      ['backint fs backup vs dd', (r) => r.dd, (r) => r.backup[i]!, true, bytes],
      ['backint fs backup vs dd oflag=direct (both past the page cache)', (r) => r.ddDirect, (r) => r.backup[i]!, false, bytes],
      ['backint fs restore vs dd (both from disk)', (r) => r.ddRestore, (r) => r.restore[i]!, true, bytes],
      ['backint fs restore vs dd from the page cache', (r) => r.ddRestoreCached, (r) => r.restore[i]!, false, bytes],
    ];
    return rows.flatMap(([row, base, agent, withGoal, moved]) =>
      pairedRows(
        name(row),
        results.map((r): Pair => ({ base: base(r), agent: agent(r) })),
        withGoal ? goal : undefined,
        moved,
      ),
    );
  });
}

/** Exported for the S3 rows alone (`s3(dir, bytes)` from a script). */
export async function s3(dir: string, bytes: number): Promise<BenchResult[]> {
  const server = await startS3rver('bench');
  const client = new S3Client({
    endpoint: server.endpoint,
    forcePathStyle: true,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
  try {
    const src = path.join(dir, 's3-source.bin');
    await writeSource(src, bytes);
    const quarters = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const q = path.join(dir, `s3-source-${i}.bin`);
        await execa('dd', [`if=${src}`, `of=${q}`, 'bs=1M', `skip=${(i * bytes) / 4 / MiB}`, `count=${bytes / 4 / MiB}`]);
        return q;
      }),
    );
    const params = await writeParams(path.join(dir, 's3.yml'), {
      StoreType: 's3',
      S3BucketName: server.bucket,
      S3Endpoint: server.endpoint,
      S3ForcePathStyle: true,
      UploadChannelSize: 4,
      MaximumConcurrentFilesForRestore: 4,
    });

    const one = path.join(dir, 'ch1_databackup_0_1');
    await mkfifo(one);
    const four = await Promise.all(
      [0, 1, 2, 3].map(async (i) => {
        const f = path.join(dir, `ch4_databackup_0_${i + 1}`);
        await mkfifo(f);
        return f;
      }),
    );
    // Baselines: one plain Upload with SDK defaults, one plain GetObject. Like the filesystem pairs, each round
    // measures baseline and agent back to back (order alternating) and the median ratio is reported.
    const plainUp = () =>
      timeIt(() =>
        new Upload({ client, params: { Bucket: server.bucket, Key: 'plain/object', Body: createReadStream(src) } }).done(),
      );
    const plainDown = () =>
      timeIt(async () => {
        const r = await client.send(new GetObjectCommand({ Bucket: server.bucket, Key: 'plain/object' }));
        await pipeline(r.Body as Readable, createWriteStream('/dev/null'));
      });
    const up1 = async () =>
      (await timeAgent('s3 backup 1 channel', dir, 'backup', params, [`#PIPE ${one}`], () => [feed(src, one)], server.env)).seconds;
    const down1 = async () =>
      (await timeAgent('s3 restore 1 channel', dir, 'restore', params, [`#NULL ${one}`], () => [drain(one)], server.env)).seconds;
    const up4 = async () =>
      (
        await timeAgent(
          's3 backup 4 channels',
          dir,
          'backup',
          params,
          four.map((f) => `#PIPE ${f}`),
          () => four.map((f, i) => feed(quarters[i]!, f)),
          server.env,
        )
      ).seconds;
    const restore4 = async (label: string, env: Record<string, string>) =>
      (
        await timeAgent(
          label,
          dir,
          'restore',
          params,
          four.map((f) => `#NULL ${f}`),
          () => four.map((f) => drain(f)),
          env,
        )
      ).seconds;
    const down4 = () => restore4('s3 restore 4 channels', server.env);
    type Key = 'up1' | 'up4' | 'down1' | 'down4';
    const pairs: Record<Key, { base: number; agent: number }[]> = { up1: [], up4: [], down1: [], down4: [] };
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      const measure = async (key: Key, baseline: () => Promise<number>, agent: () => Promise<number>) => {
        const agentFirst = round % 2 === 1;
        const a1 = agentFirst ? await agent() : await baseline();
        const a2 = agentFirst ? await baseline() : await agent();
        const [agentSeconds, baseSeconds] = agentFirst ? [a1, a2] : [a2, a1];
        pairs[key].push({ base: baseSeconds, agent: agentSeconds });
      };
      // Backups first: the bucket holds every round's backups, and restores run between backups.
      await measure('up1', plainUp, up1);
      await measure('down1', plainDown, down1);
      await measure('up4', plainUp, up4);
      await measure('down4', plainDown, down4);
    }
    const row = (name: string, key: Key, goal: { best: number; median: number }) => pairedRows(name, pairs[key], goal, bytes);
    return [
      ...row('backint s3 backup 1 channel vs plain Upload', 'up1', { best: 0.5, median: 0.5 }),
      ...row('backint s3 backup 4 channels vs plain Upload', 'up4', { best: 1.0, median: 1.0 }),
      ...row('backint s3 restore 1 channel (undici) vs plain GetObject', 'down1', { best: 0.5, median: 0.5 }),
      ...row('backint s3 restore 4 channels (undici) vs plain GetObject', 'down4', { best: 1.0, median: 1.0 }),
    ];
  } finally {
    client.destroy();
    await server.stop();
  }
}

export async function benchmarks(opts: { quick: boolean }): Promise<BenchResult[]> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const fsBytes = opts.quick ? 64 * MiB : 1024 * MiB;
  const s3Bytes = opts.quick ? 32 * MiB : 512 * MiB;
  const { dir, remove } = await tempDir('backint-bench-');
  peakRss = 0;
  rssByRun.clear();
  try {
    const results = [...(await filesystem(dir, fsBytes)), ...(await s3(dir, s3Bytes))];
    const rssMiB = Math.round(peakRss / MiB);
    for (const [label, rss] of rssByRun)
      results.push({ name: `backint agent peak RSS: ${label}`, value: Math.round(rss / MiB), unit: 'MiB', goal: 'info', ok: true });
    results.push({
      name: `backint agent peak RSS (fs ${fsBytes / MiB} MiB, s3 ${s3Bytes / MiB} MiB x 4 channels)`,
      value: rssMiB,
      unit: 'MiB',
      goal: '< 256',
      ok: rssMiB < 256,
    });
    return results;
  } finally {
    await remove();
  }
}
