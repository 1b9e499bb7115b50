import { fileURLToPath } from 'node:url';
import { UserError } from '../../../src/sdk/errors.js';
import { run } from '../../../src/hana/cli/parse-backup-log.js';
import type { CliContext } from '../../../src/engine/cli/command.js';
import { readFileSync } from 'node:fs';

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/backup-log/${name}`, import.meta.url));

function ctx(json: boolean) {
  const out: string[] = [];
  const err: string[] = [];
  const c: CliContext = {
    json,
    debug: false,
    dataDir: '/tmp',
    packageRoot: '/tmp',
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    interactive: false,
  };
  return { c, out, err };
}

describe('hana-vdb parse-backup-log', () => {
  test('--json prints exactly {"operations":[…]} with the issue\'s field list', async () => {
    const { c, out } = ctx(false);
    expect(await run([fixture('90-interleaved-recovery-and-log-backups.log'), '--json'], c)).toBe(0);
    const doc = JSON.parse(out.join(''));
    expect(Object.keys(doc)).toEqual(['operations']);
    expect(Object.keys(doc.operations[0])).toEqual([
      'operationId',
      'kind',
      'startedAt',
      'command',
      'requestedTimestamp',
      'finishedAt',
      'outcome',
      'reachedTimestamp',
      'reachedLogPosition',
      'errorCode',
      'message',
    ]);
    expect(doc).toEqual(JSON.parse(readFileSync(fixture('90-interleaved-recovery-and-log-backups.expected.json'), 'utf8')));
  });

  test('the table shows the operations in UTC and the error messages', async () => {
    const { c, out } = ctx(false);
    expect(await run([fixture('05-sap-kba-3707817-tenant-recovery-448.log')], c)).toBe(0);
    const text = out.join('');
    expect(text).toMatch(/^OPERATION\s+KIND\s+STARTED \(UTC\)/);
    expect(text).toContain('19bca0e919c  recovery  2026-01-17T03:45:11Z  2026-01-17T06:04:27Z  error');
    expect(text).toContain('[448] recovery could not be completed');
  });

  test('a missing file or wrong usage is a UserError with the usage', async () => {
    await expect(run([fixture('nope.log')], ctx(true).c)).rejects.toThrow(UserError);
    await expect(run([], ctx(true).c)).rejects.toThrow(/No backup.log file given/);
    await expect(run(['--bogus', fixture('02-netapp-anf-dr-systemdb-pitr-future-ts.log')], ctx(true).c)).rejects.toThrow(
      /Unknown option --bogus/,
    );
  });
});
