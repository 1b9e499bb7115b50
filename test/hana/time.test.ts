import { DateTime } from 'luxon';
import { UserError } from '../../src/sdk/errors.js';
import {
  backupLogTimeToUtc,
  hanaTimestampLiteral,
  operationIdToUtc,
  originTimestamp,
  parseHanaTimestamp,
  parseInstant,
  toUtcIso,
  utcIso,
} from '../../src/hana/time.js';

describe('time', () => {
  test("the seed's example: 2020-01-01 13:00:00 UTC with an offset of 30 minutes gives 12:30:00 UTC", () => {
    expect(originTimestamp('2020-01-01T13:00:00Z', 30)).toBe('2020-01-01T12:30:00Z');
    expect(hanaTimestampLiteral(originTimestamp('2020-01-01T13:00:00Z', 30))).toBe('2020-01-01 12:30:00');
  });

  test('origin is computed in UTC whatever zone takenAt is given in, at second precision', () => {
    expect(originTimestamp('2020-01-01T14:00:00.999+01:00', 30)).toBe('2020-01-01T12:30:00Z');
    expect(originTimestamp(DateTime.fromISO('2020-03-01T00:10:00', { zone: 'America/New_York' }), 0)).toBe('2020-03-01T05:10:00Z');
    expect(originTimestamp('2020-03-01T00:10:00Z', 24 * 60)).toBe('2020-02-29T00:10:00Z');
  });

  test('a negative or fractional offset is a UserError', () => {
    expect(() => originTimestamp('2020-01-01T13:00:00Z', -1)).toThrow(UserError);
    expect(() => originTimestamp('2020-01-01T13:00:00Z', 1.5)).toThrow(UserError);
  });

  test('instants without a zone are refused rather than guessed', () => {
    expect(() => parseInstant('2020-01-01T13:00:00', 'takenAt')).toThrow(/takenAt/);
    expect(utcIso('2020-01-01T13:00:00-05:00', 'x')).toBe('2020-01-01T18:00:00Z');
  });

  test('HANA literals are read as UTC, dashed or dotted, with or without fractions', () => {
    expect(parseHanaTimestamp('2020-01-31 01:00:00')).toBe('2020-01-31T01:00:00Z');
    expect(parseHanaTimestamp('2020.07.01 00:00:00')).toBe('2020-07-01T00:00:00Z');
    expect(parseHanaTimestamp('2024-03-05 08:30:00.123000000')).toBe('2024-03-05T08:30:00Z');
    expect(parseHanaTimestamp('2020-02-30 00:00:00')).toBeNull();
    expect(parseHanaTimestamp('yesterday')).toBeNull();
  });

  test('backup.log local times with offsets convert to UTC', () => {
    expect(backupLogTimeToUtc('2019-04-26T09:39:02+02:00')).toBe('2019-04-26T07:39:02Z');
    expect(backupLogTimeToUtc('2026-01-17T00:45:11-03:00')).toBe('2026-01-17T03:45:11Z');
    expect(backupLogTimeToUtc('2021-02-23T12:07:53+00:00')).toBe('2021-02-23T12:07:53Z');
    expect(backupLogTimeToUtc('2021-02-23 12:07:53')).toBeNull();
  });

  test('operation ids decode as epoch milliseconds', () => {
    expect(operationIdToUtc('177cec93d51')).toBe('2021-02-23T12:07:10Z');
    expect(operationIdToUtc('00000000001')).toBeNull();
  });

  test('toUtcIso truncates, never rounds up', () => {
    expect(toUtcIso(DateTime.fromISO('2020-01-01T12:29:59.999Z'))).toBe('2020-01-01T12:29:59Z');
  });
});
