/**
 * Time for display and filters. Stored instants are UTC ISO-8601 (docs/ARCHITECTURE.md, "Time"); people may ask for
 * another IANA zone with --tz. JSON and CSV always carry the stored UTC strings.
 */
import { DateTime, IANAZone } from 'luxon';
import { UserError } from '../../src/sdk/errors.js';

export interface DisplayZone {
  /** 'UTC' or the IANA name given. */
  name: string;
  utc: boolean;
}

export const UTC: DisplayZone = { name: 'UTC', utc: true };

export function parseZone(text: string | undefined): DisplayZone {
  if (text === undefined || text === 'UTC' || text === 'Etc/UTC') return UTC;
  if (!IANAZone.isValidZone(text)) {
    throw new UserError(
      `--tz '${text}' is not an IANA time zone.`,
      'Use a zone name such as Europe/Berlin or America/New_York (default UTC).',
    );
  }
  return { name: text, utc: false };
}

/** An instant from the store (ISO-8601), or null when absent or unreadable. */
export function instant(iso: string | null): DateTime | null {
  if (iso === null) return null;
  const t = DateTime.fromISO(iso, { zone: 'utc' });
  return t.isValid ? t : null;
}

/** "2020-01-01 12:30:00" in UTC; with another zone the offset is added: "2020-01-01 07:30:00-05:00". */
export function display(iso: string | null, zone: DisplayZone): string {
  if (iso === null) return '-';
  const t = instant(iso);
  if (!t) return iso; // unreadable: shown as stored rather than hidden
  return zone.utc ? t.toFormat('yyyy-MM-dd HH:mm:ss') : t.setZone(zone.name).toFormat('yyyy-MM-dd HH:mm:ssZZ');
}

/** Whole seconds from `b` to `a` (a − b), or null when either is missing. */
export function secondsBetween(a: string | null, b: string | null): number | null {
  const ta = instant(a);
  const tb = instant(b);
  return ta && tb ? Math.round(ta.diff(tb, 'seconds').seconds) : null;
}

/** --since/--until: ISO-8601; without an offset it is read in the display zone. */
export function parseBound(text: string, option: string, zone: DisplayZone): DateTime {
  const t = DateTime.fromISO(text, { zone: zone.utc ? 'utc' : zone.name, setZone: false });
  if (!t.isValid) {
    throw new UserError(
      `${option} '${text}' is not an ISO-8601 time.`,
      `Use e.g. ${option} 2020-01-01T12:00:00Z (without an offset it is read in ${zone.name}).`,
    );
  }
  return t.toUTC();
}
