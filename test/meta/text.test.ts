/** The 80-column layout helpers and the CSV writer. */
import { toCsv } from '../../tools/hana-vdb-meta/csv.js';
import { formatSeconds, truncate, wrap, wrapLimited } from '../../tools/hana-vdb-meta/text.js';

it('wraps at word boundaries and breaks words longer than a line', () => {
  expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
  expect(wrap('x'.repeat(10), 4)).toEqual(['xxxx', 'xxxx', 'xx']);
  expect(wrap('one\ntwo', 20)).toEqual(['one', 'two']);
});

it('limits the lines and marks the cut', () => {
  const r = wrapLimited('a b c d e f g h', 3, 2);
  expect(r.cut).toBe(true);
  expect(r.lines).toEqual(['a b', 'c …']);
  expect(wrapLimited('short', 10, 2)).toEqual({ lines: ['short'], cut: false });
  expect(truncate('abcdef', 4)).toBe('abc…');
});

it('formats durations', () => {
  expect(formatSeconds(12)).toBe('12 s');
  expect(formatSeconds(3723)).toBe('3723 s (1h 02m 03s)');
  expect(formatSeconds(-90)).toBe('-90 s (-1m 30s)');
});

it('writes RFC 4180 CSV: CRLF, quoting of comma, quote, CR and LF', () => {
  expect(
    toCsv(
      ['a', 'b'],
      [
        ['x,y', 'say "hi"'],
        ['line1\nline2', null],
        [1, true],
      ],
    ),
  ).toBe('a,b\r\n"x,y","say ""hi"""\r\n"line1\nline2",\r\n1,true\r\n');
});
