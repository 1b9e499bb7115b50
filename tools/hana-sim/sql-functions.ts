/** HANA built-ins the plugin and tests use, registered as SQLite functions (timestamps as HANA text). */
import type Database from 'better-sqlite3';
import { parseUtcLiteral, sqlTimestamp } from './time-format.js';

function ms(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const parsed = parseUtcLiteral(String(v));
  if (parsed === undefined) throw new Error(`invalid timestamp value ${JSON.stringify(v)}`);
  return parsed;
}

export function registerFunctions(db: Database.Database): void {
  const det = { deterministic: true };
  db.function('ADD_SECONDS', det, (t: unknown, n: unknown) => {
    const m = ms(t);
    return m === null ? null : sqlTimestamp(m + Number(n) * 1000);
  });
  db.function('ADD_DAYS', det, (t: unknown, n: unknown) => {
    const m = ms(t);
    return m === null ? null : sqlTimestamp(m + Number(n) * 86_400_000);
  });
  db.function('SECONDS_BETWEEN', det, (a: unknown, b: unknown) => {
    const x = ms(a);
    const y = ms(b);
    return x === null || y === null ? null : Math.trunc((y - x) / 1000);
  });
  db.function('DAYS_BETWEEN', det, (a: unknown, b: unknown) => {
    const x = ms(a);
    const y = ms(b);
    return x === null || y === null ? null : Math.trunc((y - x) / 86_400_000);
  });
  db.function('TO_TIMESTAMP', { deterministic: true, varargs: true }, (t: unknown) => {
    const m = ms(t);
    return m === null ? null : sqlTimestamp(m);
  });
  for (const name of ['TO_VARCHAR', 'TO_NVARCHAR']) {
    db.function(name, { deterministic: true, varargs: true }, (v: unknown) => (v === null || v === undefined ? null : String(v)));
  }
  for (const name of ['TO_BIGINT', 'TO_INTEGER', 'TO_INT']) {
    db.function(name, det, (v: unknown) => (v === null || v === undefined ? null : Math.trunc(Number(v))));
  }
}
