/**
 * The Commvault and AWS emulations as HANA meets them: their own namespace rules, EBIDs, exit codes and late log
 * backups (tools/backint-emul/README.md). Runs dist/tools/backint-emul/main.js as a real process.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { repo, requireBuild, run } from '../sim/helpers.js';

const main = join(repo, 'dist/tools/backint-emul/main.js');
let dir: string;

beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'backint-emul-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Host {
  tool: 'commvault' | 'aws';
  sid: string;
  client: string;
  release?: string;
  lag?: number;
}

async function call(host: Host, fn: string, user: string, params: string, input: string[]) {
  const p = join(dir, `p-${Math.random().toString(36).slice(2)}`);
  writeFileSync(p, params);
  const identity = ['--sid', host.sid, '--client', host.client, '--store', join(dir, 'store')];
  const extra = [...(host.release ? ['--release', host.release] : []), '--log-lag', String(host.lag ?? 0)];
  const r = await run(
    process.execPath,
    [main, host.tool, ...identity, ...extra, '--', '-f', fn, '-p', p, '-u', user],
    input.join('\n'),
  );
  return { ...r, lines: r.stdout.split('\n').filter((l) => l.startsWith('#')) };
}

function file(name: string, text: string): string {
  const f = join(dir, name);
  writeFileSync(f, text);
  return f;
}

const PRD: Host = { tool: 'commvault', sid: 'PRD', client: 'hanaprd' };
const QAS: Host = { tool: 'commvault', sid: 'QAS', client: 'hanaqas' };
const CROSS = 'CvInstanceName Instance001\nCvSrcClientName hanaprd\nsrcCrossSIDName PRD\n';

describe('Commvault emulation', () => {
  let ebid = '';
  let data0 = '';
  let data1 = '';
  beforeAll(async () => {
    data0 = file('cv_databackup_0_1', 'zero');
    data1 = file('cv_databackup_1_1', 'one');
    const r = await call(PRD, 'backup', 'ERP@PRD', 'CvInstanceName Instance001\n', [
      '#SOFTWAREID "backint 1.50" "HANA"',
      `#FILE ${data0}`,
      `#FILE ${data1}`,
    ]);
    expect(r.code).toBe(0);
    const saved = r.lines.filter((l) => l.startsWith('#SAVED'));
    expect(saved).toHaveLength(2);
    ebid = /^#SAVED "([^"]+)"/.exec(saved[0]!)![1]!;
  });

  test('one job EBID covers every file of a backup call, and it is a job number', () => {
    expect(ebid).toMatch(/^\d{7}$/);
  });

  test('the target reads the source client and SID named by CvSrcClientName/srcCrossSIDName', async () => {
    const r = await call(QAS, 'inquire', 'ERP@PRD', CROSS, [
      '#SOFTWAREID "backint 1.50" "HANA"',
      `#EBID "${ebid}" ${data0}`,
      `#EBID "${ebid}" ${data1}`,
    ]);
    expect(r.lines.filter((l) => l.startsWith('#BACKUP'))).toHaveLength(2);
    expect(r.code).toBe(0);
  });

  test('without the cross-client keys the target looks in its own client: #NOTFOUND and exit 1', async () => {
    const r = await call(QAS, 'inquire', 'ERP@PRD', 'CvInstanceName Instance001\n', [`#EBID "${ebid}" ${data0}`]);
    expect(r.lines).toContain(`#NOTFOUND "${ebid}" ${data0}`);
    expect(r.code).toBe(1);
  });

  test('-u does not choose the source: the SID comes from srcCrossSIDName, not from -u', async () => {
    const r = await call(QAS, 'inquire', 'ERP@PRD', 'CvSrcClientName hanaprd\n', [`#EBID "${ebid}" ${data0}`]);
    expect(r.code).toBe(1);
  });

  test('release 11.16 honours srcCrossClient/srcCrossDbName and ignores CvSrcClientName', async () => {
    const old = { ...QAS, release: '11.16' };
    expect((await call(old, 'inquire', 'ERP@PRD', CROSS, [`#EBID "${ebid}" ${data0}`])).code).toBe(1);
    const r = await call(old, 'inquire', 'ERP@PRD', 'srcCrossClient hanaprd\nsrcCrossDbName PRD\n', [`#EBID "${ebid}" ${data0}`]);
    expect(r.code).toBe(0);
  });

  test('an EBID alone lists every file of the job', async () => {
    const r = await call(QAS, 'inquire', 'ERP@PRD', CROSS, [`#EBID "${ebid}"`]);
    expect(r.lines.filter((l) => l.startsWith(`#BACKUP "${ebid}"`))).toHaveLength(2);
  });

  test('a log backup stays invisible until the tool has caught up', async () => {
    const log = file('log_backup_2_0_100_200', 'log');
    const lagging = { ...PRD, lag: 3600 };
    const b = await call(lagging, 'backup', 'ERP@PRD', '', [`#FILE ${log}`]);
    const logEbid = /^#SAVED "([^"]+)"/.exec(b.lines.find((l) => l.startsWith('#SAVED'))!)![1]!;
    const r = await call({ ...QAS, lag: 3600 }, 'inquire', 'ERP@PRD', CROSS, [
      `#EBID "${logEbid}" ${log}`,
      `#EBID "${ebid}" ${data0}`,
    ]);
    expect(r.lines).toContain(`#NOTFOUND "${logEbid}" ${log}`);
    expect(r.lines.some((l) => l.startsWith(`#BACKUP "${ebid}"`))).toBe(true);
    expect(r.code).toBe(1);
  });
});

describe('AWS emulation', () => {
  const A: Host = { tool: 'aws', sid: 'PRD', client: 'hanaprd' };
  const B: Host = { tool: 'aws', sid: 'QAS', client: 'hanaqas' };
  const yaml = (folder: string) =>
    `S3BucketName: "hana-backups"\nS3BucketFolder: "${folder}"\nS3BucketOwnerAccountID: "111122223333"\n`;

  test('the bucket and folder of the YAML are the namespace; -u selects the database inside it', async () => {
    const f = file('aws_databackup_0_1', 'aws');
    const b = await call(A, 'backup', 'ERP@PRD', yaml('prd'), [`#FILE ${f}`]);
    const ebid = /^#SAVED "([^"]+)"/.exec(b.lines[1]!)![1]!;
    expect(ebid).toMatch(/^[0-9a-f-]{36}$/);
    expect((await call(B, 'inquire', 'ERP@PRD', yaml('prd'), [`#EBID "${ebid}" ${f}`])).code).toBe(0);
    const other = await call(B, 'inquire', 'ERP@PRD', yaml('qas'), [`#EBID "${ebid}" ${f}`]);
    expect(other.lines).toContain(`#NOTFOUND "${ebid}" ${f}`);
    expect(other.code).toBe(1);
  });

  test('an unquoted S3BucketOwnerAccountID is refused', async () => {
    const r = await call(A, 'inquire', 'ERP@PRD', 'S3BucketName: "hana-backups"\nS3BucketOwnerAccountID: 111122223333\n', [
      '#NULL',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/S3BucketOwnerAccountID must be in double quotes/);
  });
});
