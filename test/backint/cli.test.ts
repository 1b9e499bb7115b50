/** The real program (bin/hana-backint.js → dist), invoked with files as HANA does. Needs a prior build. */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { tokenize } from '../../src/backint/grammar.js';
import { AGENT_BIN, runAgent, tempDir, writeParams } from './helpers/agent.js';

let dir: string;
let remove: () => Promise<void>;
let params: string;
let root: string;
beforeAll(async () => {
  ({ dir, remove } = await tempDir('backint-cli-'));
  root = path.join(dir, 'store');
  await mkdir(root);
  params = await writeParams(path.join(dir, 'p.yml'), { FilesystemRoot: root, BackupPipeWaitSeconds: 1 });
});
afterAll(async () => {
  await remove();
});

const agent = (args: string[], input?: string) => execa(process.execPath, [AGENT_BIN, ...args], { reject: false, input });

describe('hana-backint CLI', () => {
  test("-v answers a #SOFTWAREID line shaped like a certified agent's", async () => {
    const r = await agent(['-v']);
    expect(r.exitCode).toBe(0);
    const ours = tokenize(r.stdout.trim()).map((t) => t.value);
    const alibaba = tokenize(readFileSync(new URL('../fixtures/backint/alibaba-oss-v.txt', import.meta.url), 'utf8').trim()).map(
      (t) => t.value,
    );
    expect(ours).toHaveLength(alibaba.length);
    expect(ours[0]).toBe(alibaba[0]);
    expect(ours[1]).toMatch(/^backint \d+\.\d+$/);
  });

  test.each([
    [[], 'option -f is required'],
    [['-f', 'backup', '-u', 'HDB'], 'option -p is required'],
    [['-f', 'backup', '-p', 'x'], 'option -u is required'],
    [['-f', 'copy', '-p', 'x', '-u', 'HDB'], '-f copy is not a Backint function'],
    [['-f', 'backup', '-p', 'x', '-u', 'HDB', '-x', '1'], 'unknown option "-x"'],
    [['-f', 'backup', '-p', 'x', '-u', 'not a sid'], '-u not a sid is not SID or DB@SID'],
    [['-f', 'backup', '-p', 'x', '-u'], 'option -u needs a value'],
  ])('usage error %j → exit 2', async (args, message) => {
    const r = await agent(args);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain(`hana-backint: ${message}`);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  test('a bad parameter file names the key, exit 2', async () => {
    const bad = await writeParams(path.join(dir, 'bad.yml'), { FilesystemRoot: root, UploadChannelSize: 99 });
    const r = await runAgent(dir, { fn: 'backup', paramFile: bad, user: 'HDB', lines: ['#PIPE /x'] });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('UploadChannelSize must be an integer from 1 to 32');
    expect(r.output).toEqual([]);
  });

  test('an AWS key is accepted with one warning line in LogFile, or on stderr without one; the call succeeds', async () => {
    const log = path.join(dir, 'aws-warn.log');
    const withLog = await writeParams(path.join(dir, 'aws-log.yml'), {
      FilesystemRoot: root,
      LogFile: log,
      LogRotationFrequency: 'day',
    });
    const a = await runAgent(dir, { fn: 'inquire', paramFile: withLog, user: 'HDB', lines: ['#NULL /none'] });
    expect(a.exitCode).toBe(0);
    expect(a.stderr).toBe('');
    expect(readFileSync(log, 'utf8')).toMatch(/WARN .*LogRotationFrequency ignored: this agent rotates LogFile by size/);
    const noLog = await writeParams(path.join(dir, 'aws-nolog.yml'), { FilesystemRoot: root, UploadConcurrency: 200 });
    const b = await runAgent(dir, { fn: 'inquire', paramFile: noLog, user: 'HDB', lines: ['#NULL /none'] });
    expect(b.exitCode).toBe(0);
    expect(b.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^hana-backint: warning: UploadConcurrency 200 lowered to 2: /),
    ]);
  });

  test('a missing parameter file is a clear error', async () => {
    const r = await runAgent(dir, { fn: 'inquire', paramFile: path.join(dir, 'none.yml'), user: 'HDB', lines: ['#NULL'] });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('cannot read parameter file');
  });

  test('#TOOLOPTION PARAMETER_FILE= replaces -p for that call', async () => {
    const lines = ['#SOFTWAREID "backint 1.50" "HANA"', `#TOOLOPTION "PARAMETER_FILE=${params}"`, '#NULL'];
    const r = await runAgent(dir, { fn: 'inquire', paramFile: path.join(dir, 'none.yml'), user: 'HDB', lines });
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    expect(r.output.slice(1)).toEqual(['#NOTFOUND']);
  });

  test.each([
    ['backup', ['#PIPE "/usr/sap/HDB/x'], 'input line 1: unterminated quote'],
    ['backup', ['#SOFTWAREID "backint 1.50" "HANA"', '#PIPE /a 12k'], 'input line 2: size "12k" is not a whole number'],
    ['backup', ['#PIPE'], 'input line 1: #PIPE has 0 parameter(s); expected #PIPE <path> [<max size>]'],
    ['backup', ['#PIPE /a b c'], '#PIPE has 3 parameter(s)'],
    [
      'restore',
      ['#PIPE /a'],
      'input line 1: #PIPE is not valid for -f restore; expected #EBID "<ebid>" <path> [<destination>] ' +
        'or #NULL <path> [<destination>]',
    ],
    ['restore', ['#EBID "123"'], '#EBID has 1 parameter(s)'],
    ['delete', ['#NULL /a'], '#NULL is not valid for -f delete'],
    ['inquire', ['#NULL relative/path'], 'path relative/path is not absolute'],
  ])('malformed %s input %j → #ERROR for that line with its parameters, exit 1', async (fn, lines, message) => {
    const r = await runAgent(dir, { fn, paramFile: params, user: 'HDB', lines });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(message);
    const bad = lines.at(-1)!;
    const rest = bad.slice(bad.indexOf(' ') + 1);
    expect(r.output.slice(1)).toEqual([bad.includes(' ') ? `#ERROR ${rest}` : '#ERROR']);
  });

  test('one malformed line among good ones: the others are answered as usual', async () => {
    const f = path.join(dir, 'good file');
    await writeFile(f, 'good bytes');
    const lines = [
      '#SOFTWAREID "backint 1.50" "HANA"',
      `#FILE "${f}"`,
      '#FILE /x/a 12k',
      '#PIPE "/x/unterminated',
      `#FILE "${f}" 10`,
    ];
    const r = await runAgent(dir, { fn: 'backup', paramFile: params, user: 'MIX', lines });
    expect(r.exitCode).toBe(1);
    expect(r.output.slice(1, 3)).toEqual(['#ERROR /x/a 12k', '#ERROR "/x/unterminated']);
    expect(r.output.slice(3)).toEqual([
      expect.stringMatching(new RegExp(`^#SAVED "[^"]+" "${f}" 10$`)),
      expect.stringMatching(new RegExp(`^#SAVED "[^"]+" "${f}" 10$`)),
    ]);
    expect(r.stderr).toContain('2 of 4 object(s) failed; first: input line 3: size "12k" is not a whole number');
  });

  test.each(['SYSTEMDB@HDB', 'HDB', 'hr_db@H01', 'DB-1@X0Y', 'tenant.name@HDB'])(
    '-u %s is accepted as HANA sends it',
    async (user) => {
      const r = await runAgent(dir, { fn: 'inquire', paramFile: params, user, lines: ['#NULL'] });
      expect(r.stderr).toBe('');
      expect(r.exitCode).toBe(0);
    },
  );

  test.each(['a/b@HDB', '..', 'A@B@C', ''])('-u %j cannot name a namespace: exit 2', async (user) => {
    const r = await runAgent(dir, { fn: 'inquire', paramFile: params, user, lines: ['#NULL'] });
    expect(r.exitCode).toBe(2);
  });

  test('stdin and stdout are the defaults; -s -c -l -t are accepted', async () => {
    const r = await agent(
      ['-f', 'inquire', '-p', params, '-u', 'HDB', '-s', '1707397841205', '-c', '2', '-l', 'COMPLETE', '-t', 'file'],
      '#SOFTWAREID "backint 1.50" "HANA"\n#NULL\n',
    );
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(['#SOFTWAREID "backint 1.50" "hana-vdb hana-backint 0.1.0"', '#NOTFOUND']);
  });

  test('without #SOFTWAREID the answer assumes backint 1.04', async () => {
    const r = await agent(['-f', 'inquire', '-p', params, '-u', 'HDB'], '#NULL\n');
    expect(r.stdout.split('\n')[0]).toBe('#SOFTWAREID "backint 1.04" "hana-vdb hana-backint 0.1.0"');
  });

  test('store unreachable: every object line is #ERROR, exit 1, reason on stderr', async () => {
    const gone = await writeParams(path.join(dir, 'gone.yml'), { FilesystemRoot: path.join(dir, 'unmounted') });
    const r = await runAgent(dir, {
      fn: 'restore',
      paramFile: gone,
      user: 'ERP@PRD',
      lines: ['#SOFTWAREID "backint 1.04" "HANA"', '#NULL "/usr/sap/PRD/a b"', '#EBID "e1" /usr/sap/PRD/c /tmp/d'],
    });
    expect(r.exitCode).toBe(1);
    expect(r.output).toEqual([
      '#SOFTWAREID "backint 1.04" "hana-vdb hana-backint 0.1.0"',
      '#ERROR "/usr/sap/PRD/a b"',
      '#ERROR "e1" /usr/sap/PRD/c /tmp/d',
    ]);
    expect(r.stderr.trim()).toBe(`hana-backint: store unreachable: FilesystemRoot ${path.join(dir, 'unmounted')} does not exist`);
  });

  test('a failed line gives exit 1 and a one-line reason', async () => {
    const r = await runAgent(dir, { fn: 'backup', paramFile: params, user: 'HDB', lines: ['#PIPE /usr/sap/HDB/no/such/pipe'] });
    expect(r.exitCode).toBe(1);
    expect(r.output[1]).toBe('#ERROR /usr/sap/HDB/no/such/pipe');
    expect(r.stderr.trim()).toBe(
      'hana-backint: 1 of 1 object(s) failed; first: /usr/sap/HDB/no/such/pipe: /usr/sap/HDB/no/such/pipe did not appear ' +
        'within 1 s (BackupPipeWaitSeconds)',
    );
  });

  test('ClockFile governs creation times and log visibility', async () => {
    const clock = path.join(dir, 'clock.json');
    const simulated = Date.UTC(2020, 0, 1, 12, 30, 0);
    await writeFile(clock, JSON.stringify({ offsetMs: simulated - Date.now() }));
    const p = await writeParams(path.join(dir, 'clock.yml'), {
      FilesystemRoot: root,
      ClockFile: clock,
      LogVisibilityDelaySeconds: 3600,
    });
    const log = path.join(dir, 'log_backup_1_0_100_200');
    await writeFile(log, 'redo');
    const b = await runAgent(dir, { fn: 'backup', paramFile: p, user: 'CLK', lines: [`#FILE ${log}`] });
    expect(b.exitCode).toBe(0);
    const inquire = () =>
      runAgent(dir, { fn: 'inquire', paramFile: p, user: 'CLK', lines: ['#SOFTWAREID "backint 1.50" "HANA"', `#NULL ${log}`] });
    expect((await inquire()).output[1]).toBe(`#NOTFOUND ${log}`);
    // Visible an hour after the backup completed (a slow machine takes seconds between the two clock writes).
    await writeFile(clock, JSON.stringify({ offsetMs: simulated + 3660_000 - Date.now() }));
    const after = (await inquire()).output[1]!;
    const created = /"([^"]+)"$/.exec(after)![1]!;
    expect(after.startsWith('#BACKUP "')).toBe(true);
    // the creation time is on the simulated clock (2020), not the machine's
    expect(Math.abs(Date.parse(created) - simulated)).toBeLessThan(60_000);
  });

  test('an unreadable ClockFile stops the agent with the reason', async () => {
    const p = await writeParams(path.join(dir, 'noclock.yml'), {
      FilesystemRoot: root,
      ClockFile: path.join(dir, 'missing-clock.json'),
    });
    const r = await runAgent(dir, { fn: 'inquire', paramFile: p, user: 'HDB', lines: ['#NULL'] });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('missing-clock.json is unreadable: ENOENT');
  });
});
