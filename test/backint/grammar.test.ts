import { readFileSync } from 'node:fs';
import { backintVersion, GrammarError, parseLines, quote, tokenize, versionAtLeast } from '../../src/backint/grammar.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/backint/${name}`, import.meta.url), 'utf8');

describe('tokenize', () => {
  test('decodes the specification examples as published', () => {
    const sample = JSON.parse(fixture('spec-quoting-valid-lines.txt.json')) as { expected_tokens: Record<string, string[]> };
    const lines = fixture('spec-quoting-valid-lines.txt').split('\n').filter(Boolean);
    lines.forEach((line, i) => {
      expect(tokenize(line).map((t) => t.value)).toEqual(sample.expected_tokens[`line${i + 1}`]);
    });
  });

  test('keeps the raw text of every parameter for echoing', () => {
    const [, ebid, file] = tokenize('#EBID "Hb12\\"NAB" "/var/tmp/myTool.#YSOwa"');
    expect(ebid!.raw).toBe('"Hb12\\"NAB"');
    expect(file!.raw).toBe('"/var/tmp/myTool.#YSOwa"');
  });

  test('a backslash not before a quote is literal and stays single', () => {
    expect(tokenize('#PIPE "/a\\b c\\\\d"').map((t) => t.value)).toEqual(['#PIPE', '/a\\b c\\\\d']);
    expect(tokenize('#PIPE /a\\b').map((t) => t.value)).toEqual(['#PIPE', '/a\\b']);
  });

  test('quotes may open mid-parameter and several spaces separate once', () => {
    expect(tokenize('#PIPE   /x/"a b"c   12').map((t) => t.value)).toEqual(['#PIPE', '/x/a bc', '12']);
  });

  test('an escaped quote outside quotes is a literal quote', () => {
    expect(tokenize('#PIPE /x/a\\"b').map((t) => t.value)).toEqual(['#PIPE', '/x/a"b']);
  });

  test('an unterminated quote names the line', () => {
    expect(() => tokenize('#PIPE "/x/a b', 7)).toThrow(GrammarError);
    expect(() => tokenize('#PIPE "/x/a b', 7)).toThrow(/input line 7: unterminated quote/);
  });
});

describe('parseLines', () => {
  test('lines that do not start with a keyword are comments', () => {
    const lines = parseLines('progress: 10%\n#PIPE /a\n  #PIPE /indented\n\n#pipe /lower\r\n#NULL\n');
    expect(lines.map((l) => [l.number, l.keyword])).toEqual([
      [2, '#PIPE'],
      [6, '#NULL'],
    ]);
  });

  test('reads the input file HANA wrote in the published trace', () => {
    const [sw, pipe] = parseLines(fixture('ovh-backup-input.txt'));
    expect(sw!.params.map((t) => t.value)).toEqual(['backint 1.04', 'HANA HDB server 2.00.071.00.1687900751']);
    expect(pipe!.params[0]!.value).toBe('/usr/sap/HDB/SYS/global/hdb/backint/SYSTEMDB/FULL_BACKUP_databackup_0_1');
  });
});

describe('quote and versions', () => {
  test('quote escapes embedded quotes and round-trips through tokenize', () => {
    const name = '/a "b" \\c';
    expect(tokenize(`#X ${quote(name)}`)[1]!.value).toBe(name);
  });

  test('version comparison', () => {
    expect(backintVersion('backint 1.50.2')).toEqual([1, 50, 2]);
    expect(backintVersion('Backint 1.04')).toEqual([1, 4]);
    expect(backintVersion('HANA')).toBeUndefined();
    expect(versionAtLeast([1, 50], [1, 50])).toBe(true);
    expect(versionAtLeast([1, 50, 2], [1, 50])).toBe(true);
    expect(versionAtLeast([1, 6], [1, 50])).toBe(false);
    expect(versionAtLeast([2], [1, 50])).toBe(true);
    expect(versionAtLeast(undefined, [1, 50])).toBe(false);
  });
});
