/** Time renderings HANA uses: backup.log (ISO with offset), backint.log (local, ms), SQL timestamps. */
import { DateTime } from 'luxon';

function zone(offset: string): string {
  return `UTC${offset}`;
}

/** backup.log: 2025-06-18T00:26:08-04:00 */
export function isoLocal(ms: number, offset: string): string {
  return DateTime.fromMillis(ms, { zone: zone(offset) }).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ");
}

/** backint.log: 2024-02-08 14:10:41.266 */
export function backintTraceTime(ms: number, offset: string): string {
  return DateTime.fromMillis(ms, { zone: zone(offset) }).toFormat('yyyy-MM-dd HH:mm:ss.SSS');
}

/** SQL TIMESTAMP value as hdbsql prints it: 2024-05-14 18:15:39.085000000 */
export function sqlTimestamp(ms: number, offset = '+00:00'): string {
  return DateTime.fromMillis(ms, { zone: zone(offset) }).toFormat('yyyy-MM-dd HH:mm:ss.SSS') + '000000';
}

/**
 * A HANA timestamp literal ('YYYY-MM-DD HH:MM:SS[.fff]' or 'YYYY.MM.DD HH:MM:SS', UTC) → epoch ms;
 * undefined when it is not one.
 */
export function parseUtcLiteral(text: string): number | undefined {
  const m = /^(\d{4})[-.](\d{2})[-.](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?$/.exec(text.trim());
  if (!m) return undefined;
  const dt = DateTime.fromObject(
    {
      year: +m[1]!,
      month: +m[2]!,
      day: +m[3]!,
      hour: +(m[4] ?? 0),
      minute: +(m[5] ?? 0),
      second: +(m[6] ?? 0),
      millisecond: m[7] ? Math.floor(+m[7].padEnd(9, '0') / 1e6) : 0,
    },
    { zone: 'UTC' },
  );
  return dt.isValid ? dt.toMillis() : undefined;
}
