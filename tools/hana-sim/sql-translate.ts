/**
 * HANA SQL → SQLite, token by token: TOP n → LIMIT n, CURRENT_UTCTIMESTAMP & co. → literals of the
 * simulated clock (so the redo log replays deterministically), TIMESTAMP '…' → '…', COLUMN/ROW TABLE →
 * TABLE, user-schema qualifiers dropped (one schema per database), unquoted names upper-cased as HANA does.
 */
import { errors } from './sql-errors.js';
import { tokenizeSql, type SqlToken } from './sql-tokens.js';
import { sqlTimestamp } from './time-format.js';

export interface TranslateContext {
  nowMs: number;
  utcOffset: string;
  user: string;
  /** Schema names that are this database's user schemas (dropped as qualifiers). */
  userSchemas: ReadonlySet<string>;
}

export interface Translated {
  sql: string;
  tokens: SqlToken[];
  /** Schemas referenced as qualifiers (SYS, SYS_DATABASES, PUBLIC, ...). */
  schemas: Set<string>;
}

function lit(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

function render(tokens: { text: string; kind: string }[]): string {
  let out = '';
  let prev: string | undefined;
  for (const t of tokens) {
    const glueBefore =
      t.text === ')' ||
      t.text === ',' ||
      t.text === '.' ||
      (t.text === '(' && prev !== undefined && /^[A-Z_][A-Z0-9_$#]*$/.test(prev));
    const glueAfterPrev = prev === '(' || prev === '.';
    if (out.length > 0 && !glueBefore && !glueAfterPrev) out += ' ';
    out += t.text;
    prev = t.text;
  }
  return out;
}

export function translate(sql: string, ctx: TranslateContext): Translated {
  const tokens = tokenizeSql(sql);
  const out: { text: string; kind: string }[] = [];
  const schemas = new Set<string>();
  let limit: string | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const next = tokens[i + 1];
    if (t.kind === 'word') {
      const v = t.value;
      if (
        v === 'TOP' &&
        limit === undefined &&
        out.length > 0 &&
        ['SELECT', 'DISTINCT', 'ALL'].includes(out[out.length - 1]!.text)
      ) {
        if (next?.kind !== 'number') throw errors.syntax(next?.raw ?? 'TOP');
        limit = next.value;
        i++;
        continue;
      }
      if (
        (v === 'COLUMN' || v === 'ROW') &&
        out[out.length - 1]?.text === 'CREATE' &&
        next?.kind === 'word' &&
        next.value === 'TABLE'
      )
        continue;
      if ((v === 'TIMESTAMP' || v === 'DATE' || v === 'TIME') && next?.kind === 'string') continue;
      if (
        v === 'CURRENT_UTCTIMESTAMP' ||
        v === 'CURRENT_TIMESTAMP' ||
        v === 'NOW' ||
        v === 'CURRENT_DATE' ||
        v === 'CURRENT_UTCDATE'
      ) {
        let j = i;
        if (v === 'NOW' && tokens[i + 1]?.value === '(' && tokens[i + 2]?.value === ')') j = i + 2;
        else if (v === 'NOW') {
          out.push({ text: v, kind: 'word' });
          continue;
        }
        const utc = v.includes('UTC');
        const ts = sqlTimestamp(ctx.nowMs, utc ? '+00:00' : ctx.utcOffset);
        out.push({ text: lit(v.endsWith('DATE') ? ts.slice(0, 10) : ts), kind: 'string' });
        i = j;
        continue;
      }
      if (v === 'CURRENT_USER' || v === 'CURRENT_SCHEMA' || v === 'SESSION_USER') {
        out.push({ text: lit(ctx.user), kind: 'string' });
        continue;
      }
      if (next?.kind === 'symbol' && next.value === '.' && (tokens[i + 2]?.kind === 'word' || tokens[i + 2]?.kind === 'ident')) {
        if (ctx.userSchemas.has(v)) {
          i++; // drop "<schema>."
          continue;
        }
        schemas.add(v);
      }
      out.push({ text: v, kind: 'word' });
    } else if (t.kind === 'ident') {
      if (next?.kind === 'symbol' && next.value === '.' && ctx.userSchemas.has(t.value)) {
        i++;
        continue;
      }
      if (next?.kind === 'symbol' && next.value === '.') schemas.add(t.value);
      out.push({ text: `"${t.value.replace(/"/g, '""')}"`, kind: 'ident' });
    } else if (t.kind === 'string') {
      out.push({ text: lit(t.value), kind: 'string' });
    } else {
      out.push({ text: t.value === '!=' ? '<>' : t.value, kind: t.kind });
    }
  }
  let text = render(out);
  if (limit !== undefined) {
    if (tokens.some((t) => t.kind === 'word' && t.value === 'LIMIT')) throw errors.syntax('LIMIT');
    text += ` LIMIT ${limit}`;
  }
  return { sql: text, tokens, schemas };
}
