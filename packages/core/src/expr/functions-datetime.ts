import { asNumber, asText } from './coerce.js';
import { datetimePattern } from './datetime-pattern.js';
import type { ExprTypeName } from './expr-type.js';
import { always, never, returns, type SqlFunction } from './function-def.js';
import {
  msPerDay,
  parseDate,
  parseTimestamp,
  startOfDay,
  toEpochMs,
  utcMillis,
} from './time-values.js';

/** A strict function of one time value (a Date, epoch ms, or a timestamp string). */
function timeFn(name: string, type: ExprTypeName, fn: (ms: number) => unknown): SqlFunction {
  return {
    name,
    minArgs: 1,
    maxArgs: 1,
    nulls: 'strict',
    returns: returns(type),
    nullable: always, // a string argument may not be a time
    impl: (v) => {
      const ms = toEpochMs(v);
      return ms === null ? null : fn(ms);
    },
  };
}

const utc = (ms: number): Date => new Date(ms);

/** The date of a value for date arithmetic: a date string reads as its day, anything else by epoch ms. */
function dayOf(v: unknown): number | null {
  const ms = typeof v === 'string' ? parseDate(v) : toEpochMs(v);
  return ms === null ? null : startOfDay(ms);
}

/** Parses text with an optional Spark pattern; without one, Spark's lenient timestamp form. */
function parseWith(text: string, pattern: unknown): number | null {
  if (pattern === undefined) return parseTimestamp(text);
  const p = asText(pattern);
  return p === null ? null : datetimePattern(p).parse(text);
}

const truncUnits: Readonly<Record<string, (d: Date) => number>> = {
  year: (d) => utcMillis(d.getUTCFullYear(), 1, 1),
  quarter: (d) => utcMillis(d.getUTCFullYear(), d.getUTCMonth() - (d.getUTCMonth() % 3) + 1, 1),
  month: (d) => utcMillis(d.getUTCFullYear(), d.getUTCMonth() + 1, 1),
  // Weeks start on Monday.
  week: (d) => startOfDay(d.getTime()) - ((d.getUTCDay() + 6) % 7) * msPerDay,
  day: (d) => startOfDay(d.getTime()),
  hour: (d) => Math.floor(d.getTime() / 3_600_000) * 3_600_000,
  minute: (d) => Math.floor(d.getTime() / 60_000) * 60_000,
  second: (d) => Math.floor(d.getTime() / 1000) * 1000,
  millisecond: (d) => d.getTime(),
};
const truncAliases: Readonly<Record<string, string>> = {
  yyyy: 'year',
  yy: 'year',
  mon: 'month',
  mm: 'month',
  dd: 'day',
};

export const datetimeFunctions: readonly SqlFunction[] = [
  timeFn('year', 'integer', (ms) => utc(ms).getUTCFullYear()),
  timeFn('quarter', 'integer', (ms) => Math.floor(utc(ms).getUTCMonth() / 3) + 1),
  timeFn('month', 'integer', (ms) => utc(ms).getUTCMonth() + 1),
  timeFn('dayofmonth', 'integer', (ms) => utc(ms).getUTCDate()),
  timeFn('day', 'integer', (ms) => utc(ms).getUTCDate()),
  timeFn('hour', 'integer', (ms) => utc(ms).getUTCHours()),
  timeFn('minute', 'integer', (ms) => utc(ms).getUTCMinutes()),
  timeFn('second', 'integer', (ms) => utc(ms).getUTCSeconds()),
  // Spark: 1 = Sunday ... 7 = Saturday.
  timeFn('dayofweek', 'integer', (ms) => utc(ms).getUTCDay() + 1),
  timeFn('unix_millis', 'long', (ms) => ms),
  timeFn('unix_seconds', 'long', (ms) => Math.floor(ms / 1000)),
  {
    name: 'to_date',
    minArgs: 1,
    maxArgs: 2,
    nulls: 'strict',
    returns: returns('date'),
    nullable: always,
    impl: (v, pattern) => {
      const ms =
        typeof v === 'string'
          ? pattern === undefined
            ? parseDate(v)
            : parseWith(v, pattern)
          : toEpochMs(v);
      return ms === null ? null : new Date(startOfDay(ms));
    },
  },
  {
    name: 'to_timestamp',
    minArgs: 1,
    maxArgs: 2,
    nulls: 'strict',
    returns: returns('timestamp'),
    nullable: always,
    impl: (v, pattern) => {
      if (v instanceof Date) return v;
      // As in Spark, a number is epoch seconds.
      if (typeof v === 'number') return Number.isFinite(v) ? new Date(Math.trunc(v * 1000)) : null;
      const text = asText(v);
      const ms = text === null ? null : parseWith(text, pattern);
      return ms === null ? null : new Date(ms);
    },
  },
  {
    name: 'date_trunc',
    minArgs: 2,
    maxArgs: 2,
    nulls: 'strict',
    returns: returns('timestamp'),
    nullable: always, // an unknown unit gives NULL, as in Spark
    impl: (unit, v) => {
      const u = asText(unit)?.toLowerCase() ?? '';
      // Own entries only: `date_trunc('constructor', ts)` is an unknown unit (NULL).
      const name = Object.hasOwn(truncAliases, u) ? (truncAliases[u] as string) : u;
      const trunc = Object.hasOwn(truncUnits, name) ? truncUnits[name] : undefined;
      const ms = toEpochMs(v);
      return trunc === undefined || ms === null ? null : new Date(trunc(new Date(ms)));
    },
  },
  ...(['date_add', 'date_sub'] as const).map(
    (name): SqlFunction => ({
      name,
      minArgs: 2,
      maxArgs: 2,
      nulls: 'strict',
      returns: returns('date'),
      nullable: always,
      impl: (v, days) => {
        const day = dayOf(v);
        const n = asNumber(days);
        if (day === null || n === null) return null;
        return new Date(day + (name === 'date_add' ? 1 : -1) * Math.trunc(n) * msPerDay);
      },
    }),
  ),
  {
    name: 'datediff',
    minArgs: 2,
    maxArgs: 2,
    nulls: 'strict',
    returns: returns('integer'),
    nullable: always,
    impl: (end, start) => {
      const a = dayOf(end);
      const b = dayOf(start);
      return a === null || b === null ? null : Math.round((a - b) / msPerDay);
    },
  },
  {
    name: 'unix_timestamp',
    minArgs: 0,
    maxArgs: 2,
    nulls: 'strict',
    usesClock: true,
    returns: returns('long'),
    nullable: (args) => args.length > 0,
    impl: (now, ...args) => {
      if (args.length === 0) return Math.floor((now as number) / 1000);
      const [v, pattern] = args;
      const ms = typeof v === 'string' ? parseWith(v, pattern) : toEpochMs(v);
      return ms === null ? null : Math.floor(ms / 1000);
    },
  },
  {
    name: 'date_format',
    minArgs: 2,
    maxArgs: 2,
    nulls: 'strict',
    returns: returns('string'),
    nullable: always,
    impl: (v, pattern) => {
      const ms = toEpochMs(v);
      const p = asText(pattern);
      return ms === null || p === null ? null : datetimePattern(p).format(ms);
    },
  },
  ...['current_timestamp', 'now'].map(
    (name): SqlFunction => ({
      name,
      minArgs: 0,
      maxArgs: 0,
      nulls: 'strict',
      usesClock: true,
      returns: returns('timestamp'),
      nullable: never,
      impl: (now) => new Date(now as number),
    }),
  ),
  {
    name: 'current_date',
    minArgs: 0,
    maxArgs: 0,
    nulls: 'strict',
    usesClock: true,
    returns: returns('date'),
    nullable: never,
    impl: (now) => new Date(startOfDay(now as number)),
  },
];
