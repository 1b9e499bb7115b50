import { parseAbsolutePath, parseUserStoreKey } from '../../../src/hana/identifiers.js';
import { HDBSQL_COMMAND, hdbsqlInvocation } from '../../../src/hana/hdbsql/invocation.js';
import { hdbsqlFailure, parseHdbsqlErrors } from '../../../src/hana/hdbsql/errors.js';
import { parseHdbsqlOutput } from '../../../src/hana/hdbsql/output.js';

describe('hdbsql invocation', () => {
  const target = { hdbsqlPath: parseAbsolutePath('/usr/sap/QAS/HDB10/exe/hdbsql'), key: parseUserStoreKey('QASKEY') };

  test('the command text is constant; path, key and statement travel as variables', () => {
    const inv = hdbsqlInvocation(target, 'ALTER SYSTEM STOP DATABASE VDB1');
    expect(inv.command).toBe(HDBSQL_COMMAND);
    expect(inv.command).toBe('"$HANA_VDB_HDBSQL" -U "$HANA_VDB_KEY" -a -x -j -E 3 "$HANA_VDB_SQL"');
    expect(inv.variables).toEqual({
      HANA_VDB_HDBSQL: '/usr/sap/QAS/HDB10/exe/hdbsql',
      HANA_VDB_KEY: 'QASKEY',
      HANA_VDB_SQL: 'ALTER SYSTEM STOP DATABASE VDB1',
    });
    expect(inv.command).not.toMatch(/-p\b|-u\b/);
  });

  test('more than one statement per call is a bug, refused', () => {
    expect(() => hdbsqlInvocation(target, 'SELECT 1 FROM DUMMY; SELECT 2 FROM DUMMY')).toThrow();
    expect(() => hdbsqlInvocation(target, 'SELECT 1\nFROM DUMMY')).toThrow();
  });
});

describe('hdbsql output', () => {
  test('quoted strings, bare numbers, NULL, embedded commas, quotes and line breaks', () => {
    const out = parseHdbsqlOutput('"SYSTEMDB","YES"\n"VDB1","NO"\n"A,B","say ""hi""",42,?\n"two\nlines",1\n');
    expect(out.rows).toEqual([
      ['SYSTEMDB', 'YES'],
      ['VDB1', 'NO'],
      ['A,B', 'say "hi"', '42', null],
      ['two\nlines', '1'],
    ]);
    expect(out.notices).toEqual([]);
  });

  test('statement notices are told apart from rows', () => {
    const out = parseHdbsqlOutput('0 rows affected (overall time 98.740038 sec; server time 98.737788 sec)\n');
    expect(out.rows).toEqual([]);
    expect(out.notices).toEqual(['0 rows affected (overall time 98.740038 sec; server time 98.737788 sec)']);
    expect(parseHdbsqlOutput('"0 rows affected"\n').rows).toEqual([['0 rows affected']]);
  });

  test('unquoted values (as with -C) still parse', () => {
    expect(parseHdbsqlOutput('VDB1,YES\r\n').rows).toEqual([['VDB1', 'YES']]);
  });

  test('an unclosed quote is an error, not a guess', () => {
    expect(() => parseHdbsqlOutput('"VDB1,YES\n')).toThrow(/not closed/);
  });
});

describe('hdbsql errors', () => {
  test('the published error lines parse into code, text and SQLSTATE', () => {
    const stderr =
      '* 10: authentication failed: Detailed info for this error can be found with correlation ID ' +
      "'96519A42F1619C48BA4F678D1EBC199C' SQLSTATE: 28000\n";
    expect(parseHdbsqlErrors(stderr)).toEqual([
      {
        code: 10,
        text:
          'authentication failed: Detailed info for this error can be found with correlation ID ' +
          "'96519A42F1619C48BA4F678D1EBC199C'",
        sqlState: '28000',
      },
    ]);
    expect(parseHdbsqlErrors('* 258: insufficient privilege\n')).toEqual([
      { code: 258, text: 'insufficient privilege', sqlState: null },
    ]);
    expect(parseHdbsqlErrors('* -10104: Invalid value for KEY (AZACSNAP)\n')[0]!.code).toBe(-10104);
  });

  test('continuation lines belong to the error before them', () => {
    const e = parseHdbsqlErrors('* 448: recovery could not be completed: volume 3,\n  reached log position 0 SQLSTATE: HY000\n');
    expect(e).toEqual([
      { code: 448, text: 'recovery could not be completed: volume 3, reached log position 0', sqlState: 'HY000' },
    ]);
  });

  test('stderr is scanned even when the exit code is 0 (the -I pitfall)', () => {
    const f = hdbsqlFailure(0, '* 10: authentication failed SQLSTATE: 28000\n');
    expect(f?.code).toBe(10);
    expect(f?.exitCode).toBe(0);
  });

  test('a non-zero exit without an error line is still a failure; a clean run is not', () => {
    expect(hdbsqlFailure(3, 'Segmentation fault\n')?.text).toBe('Segmentation fault');
    expect(hdbsqlFailure(127, '')?.text).toMatch(/ended with exit code 127 without printing an error or a result/);
    expect(hdbsqlFailure(0, '')).toBeNull();
  });

  test('hdbsql killed by a signal says so, and that the client cannot tell whether HANA ran the statement', () => {
    expect(hdbsqlFailure(137, '')?.text).toBe(
      'hdbsql was killed by SIGKILL (exit code 137) before it printed a result; ' +
        'whether HANA ran the statement is not known from the client',
    );
    expect(hdbsqlFailure(143, '')?.text).toMatch(/^hdbsql was killed by SIGTERM \(exit code 143\)/);
  });
});
