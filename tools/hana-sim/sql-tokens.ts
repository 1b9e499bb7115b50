/** A tokenizer for HANA SQL text: words, "quoted identifiers", 'strings' ('' escapes), numbers, symbols. */

export type TokenKind = 'word' | 'ident' | 'string' | 'number' | 'symbol';

export interface SqlToken {
  kind: TokenKind;
  /** Words upper-cased; identifiers and strings decoded. */
  value: string;
  /** Exactly as typed. */
  raw: string;
}

export class SqlSyntaxError extends Error {}

export function tokenizeSql(sql: string): SqlToken[] {
  const out: SqlToken[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) throw new SqlSyntaxError('unterminated comment');
      i = end + 2;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let value = '';
      for (;;) {
        if (j >= sql.length)
          throw new SqlSyntaxError(
            `unterminated ${c === "'" ? 'string literal' : 'quoted identifier'} at ${JSON.stringify(sql.slice(i, i + 20))}`,
          );
        if (sql[j] === c) {
          if (sql[j + 1] === c) {
            value += c;
            j += 2;
            continue;
          }
          break;
        }
        value += sql[j];
        j++;
      }
      out.push({ kind: c === "'" ? 'string' : 'ident', value, raw: sql.slice(i, j + 1) });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(sql[i + 1] ?? ''))) {
      const m = /^[0-9]*\.?[0-9]+(?:[eE][+-]?[0-9]+)?|^[0-9]+\.?/.exec(sql.slice(i))!;
      out.push({ kind: 'number', value: m[0], raw: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_#$]/.test(c)) {
      const m = /^[A-Za-z_#$][A-Za-z0-9_#$]*/.exec(sql.slice(i))!;
      out.push({ kind: 'word', value: m[0].toUpperCase(), raw: m[0] });
      i += m[0].length;
    } else {
      const two = sql.slice(i, i + 2);
      const sym = ['<=', '>=', '<>', '!=', '||'].includes(two) ? two : c;
      out.push({ kind: 'symbol', value: sym, raw: sym });
      i += sym.length;
    }
  }
  return out;
}

/** Splits a script into statements at `sep` outside strings, identifiers and comments. */
export function splitStatements(script: string, sep = ';'): string[] {
  const parts: string[] = [];
  let cur = '';
  let i = 0;
  while (i < script.length) {
    const c = script[i]!;
    if (c === "'" || c === '"') {
      let j = i + 1;
      while (j < script.length && !(script[j] === c && script[j + 1] !== c)) j += script[j] === c ? 2 : 1;
      cur += script.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' && script[i + 1] === '-') {
      const end = script.indexOf('\n', i);
      const stop = end < 0 ? script.length : end;
      cur += script.slice(i, stop);
      i = stop;
    } else if (script.startsWith(sep, i)) {
      parts.push(cur);
      cur = '';
      i += sep.length;
    } else {
      cur += c;
      i++;
    }
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0 && tokenizeSql(p).length > 0);
}
