/**
 * ASL timestamps, the one reading every caller shares (Choice `Timestamp*` and `IsTimestamp`, the Wait
 * state's `Timestamp` and `TimestampPath`, definition validation, JSONata field checks), so that a text is
 * a timestamp to all of them or to none.
 *
 * What AWS states: RFC 3339 date-times, with an uppercase `T` between date and time and an uppercase `Z`
 * when there is no numeric offset, e.g. `2016-03-14T01:59:00Z`, `2016-03-14T02:59:00.5+01:00`. So a
 * lowercase `t` or `z`, a space for `T`, a missing zone, a date alone or a time without seconds are not
 * timestamps. RFC 3339 also makes the fields real: month 01-12, a day the month has (no 30 February, 29
 * February only in leap years), hour 00-23, minute 00-59, offset minutes 00-59.
 *
 * Where AWS says nothing, these rules keep what our Choice operators have always done:
 * - second 60 (a leap second, which RFC 3339 itself allows) is rejected;
 * - any number of fractional digits is accepted (AWS was recorded accepting seven on a Wait); instants are
 *   told apart to the nanosecond and digits past the ninth are dropped;
 * - the year is exactly four digits, 0000-9999, read as a proleptic Gregorian year (0050 is the year 50,
 *   not 1950);
 * - an offset's hours go up to 23.
 */
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:Z|([+-])(\d{2}):(\d{2}))$/;

/** A point in time: whole seconds since the epoch, and nanoseconds within that second (0-999999999). */
interface Instant {
  readonly seconds: number;
  readonly nanos: number;
}

/**
 * The instant `text` names, in milliseconds since the epoch; undefined when it is not an ASL timestamp.
 * Digits past milliseconds are dropped (towards the earlier instant), as `Date.parse` does.
 */
export function parseTimestamp(text: string): number | undefined {
  const instant = readInstant(text);
  return instant === undefined ? undefined : instant.seconds * 1000 + Math.floor(instant.nanos / 1e6);
}

/** True when `value` is a string that is an ASL timestamp. */
export function isTimestamp(value: unknown): value is string {
  return typeof value === 'string' && readInstant(value) !== undefined;
}

/**
 * Orders the instants two timestamps name (negative, zero or positive), to the nanosecond, so
 * `…T20:00:00+01:00` equals `…T19:00:00Z` and `…T19:00:00.000000001Z` is later; undefined when either text
 * is not a timestamp.
 */
export function compareTimestamps(a: string, b: string): number | undefined {
  const left = readInstant(a);
  const right = readInstant(b);
  if (left === undefined || right === undefined) return undefined;
  return left.seconds !== right.seconds ? left.seconds - right.seconds : left.nanos - right.nanos;
}

function readInstant(text: string): Instant | undefined {
  const match = TIMESTAMP.exec(text);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, sign, offsetHours, offsetMinutes] = match;
  const y = Number(year);
  const mo = Number(month);
  const d = Number(day);
  const h = Number(hour);
  const mi = Number(minute);
  const s = Number(second);
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return undefined;
  let offsetSeconds = 0;
  if (sign !== undefined) {
    const oh = Number(offsetHours);
    const om = Number(offsetMinutes);
    if (oh > 23 || om > 59) return undefined;
    offsetSeconds = (sign === '+' ? 1 : -1) * (oh * 3600 + om * 60);
  }
  const seconds = daysSinceEpoch(y, mo, d) * 86_400 + h * 3600 + mi * 60 + s - offsetSeconds;
  const nanos = fraction === undefined ? 0 : Number(fraction.slice(0, 9).padEnd(9, '0'));
  return { seconds, nanos };
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Days from 1970-01-01 to a proleptic Gregorian date, by arithmetic rather than `Date.UTC` (which reads
 * years 0-99 as 1900-1999). Counts from a year starting in March so that the leap day ends the year.
 */
function daysSinceEpoch(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}
