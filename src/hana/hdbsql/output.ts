/**
 * hdbsql's result output with -a -x (no header, no footer) and without -C: one line per row, values separated by
 * ",", strings in double quotes (a quote inside doubled), numbers bare, NULL as "?". A quoted value may hold
 * "," or line breaks. Unquoted lines hdbsql prints about a statement ("0 rows affected (overall time …)") are
 * not rows and are returned apart.
 */
export type HdbsqlValue = string | null;

export interface HdbsqlOutput {
  rows: HdbsqlValue[][];
  /** Lines such as "0 rows affected (overall time 98.7 sec; server time 98.7 sec)". */
  notices: string[];
}

const NOTICE = /^\d+ rows? (affected|selected)\b/;

export function parseHdbsqlOutput(stdout: string): HdbsqlOutput {
  const rows: HdbsqlValue[][] = [];
  const notices: string[] = [];
  const text = stdout.replace(/\r\n/g, '\n');
  let i = 0;
  while (i < text.length) {
    const lineEnd = text.indexOf('\n', i);
    const rawLine = text.slice(i, lineEnd === -1 ? text.length : lineEnd);
    if (rawLine.trim() === '') {
      i = lineEnd === -1 ? text.length : lineEnd + 1;
      continue;
    }
    if (!rawLine.startsWith('"') && NOTICE.test(rawLine)) {
      notices.push(rawLine.trim());
      i = lineEnd === -1 ? text.length : lineEnd + 1;
      continue;
    }
    const row: HdbsqlValue[] = [];
    for (;;) {
      if (text[i] === '"') {
        let value = '';
        i++;
        for (;;) {
          if (i >= text.length) throw new HdbsqlOutputError('a quoted value is not closed', stdout);
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          value += c;
          i++;
        }
        row.push(value);
      } else {
        let j = i;
        while (j < text.length && text[j] !== ',' && text[j] !== '\n') j++;
        const bare = text.slice(i, j).trim();
        row.push(bare === '?' ? null : bare);
        i = j;
      }
      if (i >= text.length || text[i] === '\n') {
        i++;
        break;
      }
      if (text[i] === ',') {
        i++;
        continue;
      }
      throw new HdbsqlOutputError(`unexpected character ${JSON.stringify(text[i])} after a quoted value`, stdout);
    }
    rows.push(row);
  }
  return { rows, notices };
}

export class HdbsqlOutputError extends Error {
  readonly output: string;
  constructor(reason: string, output: string) {
    super(`Could not read hdbsql's output: ${reason}.`);
    this.name = 'HdbsqlOutputError';
    this.output = output;
  }
}
