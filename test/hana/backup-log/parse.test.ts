import { readdirSync, readFileSync } from 'node:fs';
import { BackupLogAssembler, parseBackupLog } from '../../../src/hana/backup-log/operations.js';
import { parseBackupLogLine } from '../../../src/hana/backup-log/line.js';
import { backupLogTimeToUtc } from '../../../src/hana/time.js';

const dir = new URL('../../fixtures/backup-log/', import.meta.url);
const read = (name: string) => readFileSync(new URL(name, dir), 'utf8');
const utc = (local: string) => backupLogTimeToUtc(local);

describe('backup.log parser on the published samples', () => {
  const samples = readdirSync(dir).filter((f) => /^0\d-.*\.json$/.test(f));

  test('every published sample is covered', () => {
    expect(samples.length).toBe(3);
  });

  test('02 NetApp: a single finish line of a SYSTEMDB recovery to a future time', () => {
    const exp = JSON.parse(read('02-netapp-anf-dr-systemdb-pitr-future-ts.json')).expected_parse;
    const { operations, unparsedLines } = parseBackupLog(read('02-netapp-anf-dr-systemdb-pitr-future-ts.log'));
    expect(unparsedLines).toBe(0);
    expect(operations).toEqual([
      {
        operationId: exp.operation_id.hex,
        kind: 'recovery',
        startedAt: exp.recovery_started_at,
        command: null, // the command is only in recoverSys' console output, not in this excerpt
        requestedTimestamp: null,
        finishedAt: utc(exp.finished_at),
        outcome: exp.outcome,
        reachedTimestamp: exp.reached_timestamp_utc,
        reachedLogPosition: String(exp.reached_log_position),
        errorCode: null,
        message: exp.message,
      },
    ]);
  });

  test('05 SAP KBA 3707817: anonymised fields, late failure with [448]', () => {
    const exp = JSON.parse(read('05-sap-kba-3707817-tenant-recovery-448.json')).expected_parse;
    const a = new BackupLogAssembler();
    a.pushText(read('05-sap-kba-3707817-tenant-recovery-448.log'));
    expect(a.unparsed).toBe(0);
    expect(a.operations()).toEqual([
      {
        operationId: exp.operation_id.hex,
        kind: 'recovery',
        startedAt: utc(exp.recovery_started_at),
        command: exp.command,
        requestedTimestamp: null,
        finishedAt: utc(exp.finished_at),
        outcome: 'error', // the sample's note says "failure"; our record names the outcome "error"
        reachedTimestamp: null,
        reachedLogPosition: null, // "<>" (anonymised)
        errorCode: exp.error_code,
        message: exp.message,
      },
    ]);
    expect(parseInt(exp.operation_id.hex, 16)).toBe(exp.recovery_id_in_brackets);
    expect(a.progress(exp.operation_id.hex)).toEqual([
      {
        service: 'indexserver',
        hostPort: 'Hostname:30040',
        volume: 3,
        percent: 100,
        done: 1985029865472,
        total: 1985029865472,
        phase: 'data',
        dataDone: 1985029865472,
        dataTotal: 1985029865472,
      },
    ]);
  });

  test('08 hanacleaner #49: log and catalog backups to Backint', () => {
    const exp = JSON.parse(read('08-hanacleaner-issue49-logbackup-backint.json')).expected_parse as Array<Record<string, any>>;
    const { operations } = parseBackupLog(read('08-hanacleaner-issue49-logbackup-backint.log'));
    expect(operations.map((o) => o.operationId)).toEqual(exp.map((e) => e.operation_id.hex));
    const [only, catalog, log] = operations;
    expect(only).toMatchObject({ kind: 'log-backup', outcome: 'success', startedAt: null, finishedAt: utc(exp[0]!.at) });
    expect(catalog).toMatchObject({
      kind: 'catalog-backup',
      outcome: 'success',
      startedAt: utc(exp[1]!.started_at),
      finishedAt: utc(exp[1]!.finished_at),
    });
    expect(log).toMatchObject({
      kind: 'log-backup',
      outcome: exp[2]!.outcome,
      startedAt: utc(exp[2]!.started_at),
      finishedAt: utc(exp[2]!.finished_at),
    });
  });
});

describe('backup.log parser on the variations real logs show', () => {
  test.each([['90-interleaved-recovery-and-log-backups'], ['91-out-of-order-running'], ['92-bare-excerpt-449']])('%s', (name) => {
    const expected = JSON.parse(read(`${name}.expected.json`));
    expect({ operations: parseBackupLog(read(`${name}.log`)).operations }).toEqual(expected);
  });

  test('the result does not depend on the order of lines within an operation', () => {
    const lines = read('90-interleaved-recovery-and-log-backups.log').trimEnd().split('\n');
    const shuffled = [...lines].reverse().join('\n');
    expect(parseBackupLog(shuffled).operations).toEqual(expect.arrayContaining(parseBackupLog(lines.join('\n')).operations));
  });

  test('padding and single spaces tokenise the same; the message keeps its spacing', () => {
    const padded = parseBackupLogLine(
      '2024-03-05T10:15:02+01:00  P0004711      18e0de51aa8 INFO    RECOVERY command: RECOVER  DATA',
      1,
    );
    const single = parseBackupLogLine('2024-03-05T10:15:02+01:00 P0004711 18e0de51aa8 INFO RECOVERY command: RECOVER  DATA', 1);
    expect(padded).toEqual(single);
    expect(padded).toMatchObject({
      at: '2024-03-05T09:15:02Z',
      process: 'P0004711',
      operationId: '18e0de51aa8',
      severity: 'INFO',
      component: 'RECOVERY',
      message: 'command: RECOVER  DATA',
    });
  });

  test('lines without a process, or without anything before the severity, still parse', () => {
    expect(parseBackupLogLine('2024-03-05T10:15:02+01:00 18e0de51aa8 INFO RECOVERY RECOVER DATA started', 1)).toMatchObject({
      process: null,
      operationId: '18e0de51aa8',
    });
    expect(parseBackupLogLine('ERROR RECOVERY RECOVER DATA finished with error: [448] x', 1)).toMatchObject({
      at: null,
      operationId: null,
      severity: 'ERROR',
    });
    expect(parseBackupLogLine('RECOVER DATA finished successfully', 1)).toMatchObject({
      component: null,
      message: 'RECOVER DATA finished successfully',
    });
  });

  test('text that is not a backup.log line is counted, not mixed into an operation', () => {
    const { operations, unparsedLines } = parseBackupLog('hello world\n\n2021-02-23T12:07:53+00:00 garbage\n');
    expect(operations).toEqual([]);
    expect(unparsedLines).toBe(2);
  });

  test('text fed in pieces gives the same operations as at once', () => {
    const text = read('90-interleaved-recovery-and-log-backups.log');
    const lines = text.split('\n');
    const a = new BackupLogAssembler();
    a.pushText(lines.slice(0, 4).join('\n') + '\n');
    expect(a.operation('18e0de51aa8')?.outcome).toBe('running');
    a.pushText(lines.slice(4).join('\n'));
    expect(a.operations()).toEqual(parseBackupLog(text).operations);
  });
});
