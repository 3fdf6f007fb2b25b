import { describe, expect, it } from 'vitest';
import { compareTimestamps, isTimestamp, parseTimestamp } from '../../../shared/lib/timestamps.ts';

/** Epoch milliseconds of a UTC wall clock; unlike `Date.UTC`, years 0-99 stay themselves. */
function utc(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

const PI_DAY = utc(2016, 3, 14, 1, 59);

describe('parseTimestamp: accepted texts and the instant they name', () => {
  it.each<[string, string, number]>([
    ['Z', '2016-03-14T01:59:00Z', PI_DAY],
    ['a positive offset', '2016-03-14T02:59:00+01:00', PI_DAY],
    ['a negative offset', '2016-03-13T20:29:00-05:30', PI_DAY],
    ['offset -00:00', '2016-03-14T01:59:00-00:00', PI_DAY],
    ['the largest offset', '2016-03-15T01:58:00+23:59', PI_DAY],
    ['one fractional digit', '2016-03-14T01:59:00.5Z', PI_DAY + 500],
    ['milliseconds', '2016-03-14T01:59:00.123Z', PI_DAY + 123],
    ['digits past milliseconds, dropped', '2016-03-14T01:59:00.1239Z', PI_DAY + 123],
    ['seven zero digits (as AWS was recorded accepting)', '2016-03-14T01:59:00.0000000Z', PI_DAY],
    ['more than nine fractional digits', '2016-03-14T01:59:00.999999999999Z', PI_DAY + 999],
    ['a fraction with an offset', '2016-03-14T02:59:00.5+01:00', PI_DAY + 500],
    ['the epoch', '1970-01-01T00:00:00Z', 0],
    ['before the epoch, a fraction counts forward', '1969-12-31T23:59:59.999Z', -1],
    ['29 February in a leap year', '2024-02-29T00:00:00Z', utc(2024, 2, 29)],
    ['29 February in a year divisible by 400', '2000-02-29T00:00:00Z', utc(2000, 2, 29)],
    ['31 December at the last second', '2025-12-31T23:59:59Z', utc(2025, 12, 31, 23, 59, 59)],
    ['a year before 1000', '0999-06-01T12:00:00Z', utc(999, 6, 1, 12)],
    ['a year before 100, not read as 19xx', '0050-01-01T00:00:00Z', utc(50, 1, 1)],
    ['29 February of year 0 (a leap year)', '0000-02-29T00:00:00Z', utc(0, 2, 29)],
    ['the last four-digit year', '9999-12-31T23:59:59Z', utc(9999, 12, 31, 23, 59, 59)],
  ])('%s: %s', (_, text, epochMs) => {
    expect(parseTimestamp(text)).toBe(epochMs);
    expect(isTimestamp(text)).toBe(true);
  });
});

describe('parseTimestamp: texts that are not ASL timestamps', () => {
  it.each<[string, string]>([
    ['30 February', '2026-02-30T00:00:00Z'],
    ['29 February in a common year', '2023-02-29T00:00:00Z'],
    ['29 February in a century year not divisible by 400', '1900-02-29T00:00:00Z'],
    ['31 April', '2026-04-31T00:00:00Z'],
    ['day 0', '2026-01-00T00:00:00Z'],
    ['day 32', '2026-01-32T00:00:00Z'],
    ['month 0', '2026-00-01T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['hour 24', '2026-01-01T24:00:00Z'],
    ['minute 60', '2026-01-01T00:60:00Z'],
    ['a leap second', '2016-12-31T23:59:60Z'],
    ['offset hours 24', '2026-01-01T00:00:00+24:00'],
    ['offset minutes 60', '2026-01-01T00:00:00+01:60'],
    ['a lowercase t', '2026-01-01t00:00:00Z'],
    ['a lowercase z', '2026-01-01T00:00:00z'],
    ['a space for T', '2026-01-01 00:00:00Z'],
    ['no zone', '2026-01-01T00:00:00'],
    ['an offset without minutes', '2026-01-01T00:00:00+01'],
    ['an offset without a colon', '2026-01-01T00:00:00+0100'],
    ['a zone name', '2026-01-01T00:00:00UTC'],
    ['a zone after Z', '2026-01-01T00:00:00Z[UTC]'],
    ['a date alone', '2026-01-01'],
    ['no seconds', '2026-01-01T00:00Z'],
    ['a point without digits', '2026-01-01T00:00:00.Z'],
    ['a comma before the fraction', '2026-01-01T00:00:00,5Z'],
    ['one-digit month and day', '2026-1-1T00:00:00Z'],
    ['a two-digit year', '26-01-01T00:00:00Z'],
    ['a five-digit year', '12026-01-01T00:00:00Z'],
    ['a signed year', '+2026-01-01T00:00:00Z'],
    ['a negative year', '-0001-01-01T00:00:00Z'],
    ['the day first', '01-01-2026T00:00:00Z'],
    ['a leading space', ' 2026-01-01T00:00:00Z'],
    ['a trailing newline', '2026-01-01T00:00:00Z\n'],
    ['non-ASCII digits', '٢٠٢٦-01-01T00:00:00Z'],
    ['the empty string', ''],
    ['a date in words', 'Thu, 01 Jan 2026 00:00:00 GMT'],
  ])('%s: %j', (_, text) => {
    expect(parseTimestamp(text)).toBeUndefined();
    expect(isTimestamp(text)).toBe(false);
  });
});

describe('isTimestamp', () => {
  it.each<[string, unknown]>([
    ['a number', 1_767_225_600_000],
    ['null', null],
    ['a Date', new Date(0)],
    ['an array holding a timestamp', ['2026-01-01T00:00:00Z']],
  ])('%s is not a timestamp', (_, value) => {
    expect(isTimestamp(value)).toBe(false);
  });
});

describe('compareTimestamps', () => {
  it.each<[string, string, string, 'before' | 'same' | 'after' | 'not comparable']>([
    ['the same text', '2016-03-14T01:59:00Z', '2016-03-14T01:59:00Z', 'same'],
    ['the same instant at another offset', '2016-03-14T02:59:00+01:00', '2016-03-14T01:59:00Z', 'same'],
    ['trailing zeros in the fraction', '2016-03-14T01:59:00.000Z', '2016-03-14T01:59:00Z', 'same'],
    ['a nanosecond later', '2016-03-14T01:59:00.000000001Z', '2016-03-14T01:59:00Z', 'after'],
    [
      'a digit past nanoseconds is dropped',
      '2016-03-14T01:59:00.0000000001Z',
      '2016-03-14T01:59:00Z',
      'same',
    ],
    ['an earlier wall clock that is later', '2016-03-14T01:00:00-01:00', '2016-03-14T01:59:00Z', 'after'],
    ['a later wall clock that is earlier', '2016-03-14T02:30:00+01:00', '2016-03-14T01:59:00Z', 'before'],
    ['year 50 against 1950', '0050-01-01T00:00:00Z', '1950-01-01T00:00:00Z', 'before'],
    ['an impossible date on the left', '2026-02-30T00:00:00Z', '2026-03-02T00:00:00Z', 'not comparable'],
    ['a text without a zone on the right', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00', 'not comparable'],
  ])('%s: %s against %s is %s', (_, a, b, expected) => {
    const order = compareTimestamps(a, b);
    const seen = order === undefined ? 'not comparable' : order < 0 ? 'before' : order > 0 ? 'after' : 'same';
    expect(seen).toBe(expected);
  });
});
