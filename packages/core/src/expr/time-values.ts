/**
 * Date and timestamp values as Spark reads and prints them, always in UTC. Timestamps are kept as
 * epoch milliseconds (microseconds are truncated: JS `Date` has no finer unit).
 */

export const msPerDay = 86_400_000;

/** Epoch ms of a UTC wall-clock time; `Date.UTC` alone maps years 0..99 to 1900..1999. */
export function utcMillis(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, ms);
  return date.getTime();
}

const timestampPattern =
  /^\s*([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ](?:\s*(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,9}))?)?)?)?\s*(Z|UTC|[+-]\d{2}(?::?\d{2})?)?)?)?\s*$/i;

/**
 * Epoch ms of a Spark timestamp string (`yyyy[-MM[-dd[ HH:mm[:ss[.fraction]]]]][zone]`, `T` or
 * space between date and time, zone `Z`, `UTC` or `+hh:mm`), or null when it is not one. A
 * string without a zone is UTC.
 */
export function parseTimestamp(text: string): number | null {
  const m = timestampPattern.exec(text);
  if (m === null) return null;
  const [, y, mo = '1', d = '1', h = '0', mi = '0', s = '0', frac = '', zone] = m;
  const fields = [Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s)] as const;
  const [year, month, day, hour, minute, second] = fields;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (hour > 23 || minute > 59 || second > 59) return null;
  const ms = Number(frac.padEnd(3, '0').slice(0, 3));
  const local = utcMillis(year, month, day, hour, minute, second, ms);
  return local - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || /^(z|utc)$/i.test(zone)) return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')) * 60_000;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(utcMillis(year, month + 1, 0)).getUTCDate();
}

const datePattern = /^\s*([+-]?\d{4,6})(?:-(\d{1,2})(?:-(\d{1,2})(?:[T ].*)?)?)?\s*$/s;

/** Epoch ms of the UTC midnight of a Spark date string (`yyyy[-MM[-dd[ anything]]]`), or null. */
export function parseDate(text: string): number | null {
  const m = datePattern.exec(text);
  if (m === null) return null;
  const year = Number(m[1]);
  const month = Number(m[2] ?? '1');
  const day = Number(m[3] ?? '1');
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return utcMillis(year, month, day);
}

/** Floors epoch ms to its UTC day. */
export function startOfDay(ms: number): number {
  return Math.floor(ms / msPerDay) * msPerDay;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function formatYear(y: number): string {
  return y < 0 ? `-${pad(-y, 4)}` : pad(y, 4);
}

/** `yyyy-MM-dd` in UTC. */
export function formatDate(ms: number): string {
  const d = new Date(ms);
  return `${formatYear(d.getUTCFullYear())}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
}

/** `yyyy-MM-dd HH:mm:ss[.SSS]` in UTC, as Spark casts a timestamp to string (fraction only when non-zero, trailing zeros dropped). */
export function formatTimestamp(ms: number): string {
  const d = new Date(ms);
  const base = `${formatDate(ms)} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const millis = d.getUTCMilliseconds();
  return millis === 0 ? base : `${base}.${pad(millis, 3).replace(/0+$/, '')}`;
}

/**
 * Epoch ms of a runtime time value: a `Date`, epoch ms (a `logical: 'epochMillis'` column) or a
 * timestamp string. Null for anything else, including invalid dates.
 */
export function toEpochMs(value: unknown): number | null {
  if (value instanceof Date) {
    const t = value.getTime();
    return Number.isNaN(t) ? null : t;
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') return parseTimestamp(value);
  return null;
}
