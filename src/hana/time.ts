/**
 * Time, all in UTC (luxon). Recorded instants are ISO-8601 with "Z" at second precision; HANA's
 * UNTIL TIMESTAMP literal is UTC 'YYYY-MM-DD HH:MM:SS'; backup.log prints host-local time with its offset.
 */
import { DateTime } from 'luxon';
import { UserError } from '../sdk/errors.js';

/** "2020-01-01T12:30:00Z" */
export type UtcIso = string & { readonly __utcIso: true };
/** "2020-01-01 12:30:00", interpreted by HANA as UTC. */
export type HanaTimestampLiteral = string & { readonly __hanaLiteral: true };

const ISO_OUT = "yyyy-MM-dd'T'HH:mm:ss'Z'";

/** Format an instant as UTC ISO at second precision. Sub-seconds are truncated: a point in time never moves later. */
export function toUtcIso(dt: DateTime): UtcIso {
  if (!dt.isValid) throw new Error(`invalid DateTime: ${dt.invalidExplanation ?? ''}`);
  return dt.toUTC().startOf('second').toFormat(ISO_OUT) as UtcIso;
}

export function nowUtc(): UtcIso {
  return toUtcIso(DateTime.utc());
}

/** Parse an ISO-8601 instant that carries "Z" or an explicit offset (a bare local time is refused: which zone?). */
export function parseInstant(value: unknown, field: string): DateTime {
  if (typeof value === 'string' && /(Z|[+-]\d{2}:?\d{2})$/.test(value)) {
    const dt = DateTime.fromISO(value, { setZone: true });
    if (dt.isValid) return dt.toUTC();
  }
  throw new UserError(
    `Invalid ${field}: ${JSON.stringify(value)} is not an ISO-8601 instant with a zone.`,
    `Give ${field} as e.g. "2020-01-01T12:30:00Z".`,
  );
}

/** Normalise any zoned ISO instant to UtcIso. */
export function utcIso(value: unknown, field: string): UtcIso {
  return toUtcIso(parseInstant(value, field));
}

/**
 * originTimestamp = takenAt − rpoOffsetMinutes, UTC, second precision.
 * Seed example: takenAt 2020-01-01T13:00:00Z with 30 → 2020-01-01T12:30:00Z.
 */
export function originTimestamp(takenAt: DateTime | string, rpoOffsetMinutes: number): UtcIso {
  if (!Number.isInteger(rpoOffsetMinutes) || rpoOffsetMinutes < 0)
    throw new UserError(
      `Invalid rpoOffsetMinutes: ${String(rpoOffsetMinutes)} is not a whole number of minutes >= 0.`,
      'Set rpoOffsetMinutes to 0 or more, e.g. 30.',
    );
  const t = typeof takenAt === 'string' ? parseInstant(takenAt, 'takenAt') : takenAt.toUTC();
  return toUtcIso(t.startOf('second').minus({ minutes: rpoOffsetMinutes }));
}

/** The UNTIL TIMESTAMP literal for a UTC instant: 'YYYY-MM-DD HH:MM:SS'. */
export function hanaTimestampLiteral(instant: DateTime | string): HanaTimestampLiteral {
  const t = typeof instant === 'string' ? parseInstant(instant, 'timestamp') : instant.toUTC();
  return t.startOf('second').toFormat('yyyy-MM-dd HH:mm:ss') as HanaTimestampLiteral;
}

/**
 * Read a HANA timestamp literal or value as UTC: 'YYYY-MM-DD HH:MM:SS' or the dotted 'YYYY.MM.DD HH:MM:SS'
 * (accepted by HANA, KBA 3006027), with optional fractional seconds (CURRENT_UTCTIMESTAMP prints them).
 * Returns null for anything else.
 */
export function parseHanaTimestamp(value: string): UtcIso | null {
  const m = /^(\d{4})[-.](\d{2})[-.](\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(value.trim());
  if (!m) return null;
  const dt = DateTime.fromObject(
    { year: +m[1]!, month: +m[2]!, day: +m[3]!, hour: +m[4]!, minute: +m[5]!, second: +m[6]! },
    { zone: 'utc' },
  );
  return dt.isValid ? toUtcIso(dt) : null;
}

/** backup.log's local time with offset ("2021-02-23T12:07:53+01:00") → UtcIso; null when it is not one. */
export function backupLogTimeToUtc(value: string): UtcIso | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)$/.test(value)) return null;
  const dt = DateTime.fromISO(value, { setZone: true });
  return dt.isValid ? toUtcIso(dt) : null;
}

/** backup.log operation ids are, in every public sample, the start in epoch milliseconds written in hex (undocumented). */
export function operationIdToUtc(hex: string): UtcIso | null {
  if (!/^[0-9a-f]{1,16}$/.test(hex)) return null;
  const ms = Number.parseInt(hex, 16);
  if (!Number.isSafeInteger(ms) || ms < Date.UTC(2000, 0, 1)) return null;
  return toUtcIso(DateTime.fromMillis(ms, { zone: 'utc' }));
}

/** Seconds from a to b (b − a). */
export function secondsBetween(a: UtcIso, b: UtcIso): number {
  return DateTime.fromISO(b).diff(DateTime.fromISO(a), 'seconds').seconds;
}
