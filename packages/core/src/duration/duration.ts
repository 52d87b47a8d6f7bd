import { z } from 'zod';

/**
 * Spark interval strings: `'5 seconds'`, `'10 minutes'`, `'1 hour'`, `'5s'`, `'1 day 2 hours'`,
 * `'processingTime=5 seconds'`. The type-level half below rejects obvious typos at compile time;
 * the runtime half gives the exact rule and the message.
 */
type Unit =
  | 'ms'
  | 'millisecond'
  | 'milliseconds'
  | 's'
  | 'sec'
  | 'secs'
  | 'second'
  | 'seconds'
  | 'm'
  | 'min'
  | 'mins'
  | 'minute'
  | 'minutes'
  | 'h'
  | 'hour'
  | 'hours'
  | 'd'
  | 'day'
  | 'days'
  | 'week'
  | 'weeks';

type Part = `${number} ${Unit}` | `${number}${Unit}`;
/**
 * A duration string checked at compile time: `'5 seconds'`, `'5s'`, `'1 hour 30 minutes'`. The
 * first part is checked (so `'10 minuts'` is an error); later parts only at run time. Why not
 * every combination of parts: that union is ~78k types (42 × 42 × 42 part pairs and triples),
 * and makes every re-check of a file with a duration several times slower; this is ~170.
 */
export type DurationString =
  | Part
  | `${Part} ${string}`
  | `processingTime=${Part}`
  | `interval ${Part}`;

/** The longest duration accepted: 365 days, in milliseconds. */
export const maxDurationMs = 365 * 24 * 60 * 60 * 1000;

const unitMs: Record<string, number> = {
  ms: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

const partPattern = /(-?\d+(?:\.\d+)?)\s*([a-z]+)/gy;

/**
 * Where a duration may be zero. Spark accepts a zero watermark delay (`withWatermark('ts', '0
 * seconds')`: only rows older than the newest are late) and a zero interval-join bound; windows,
 * slides, session gaps and trigger intervals must be positive.
 */
export interface DurationRule {
  readonly allowZero?: boolean;
}

/** The reason `ms` milliseconds break the rule, or null: one rule for numbers and strings. */
function durationError(ms: number, shown: string, rule: DurationRule): string | null {
  if (!Number.isFinite(ms) || ms < 0 || (ms === 0 && !rule.allowZero))
    return `${shown} is not a duration: it must be ${rule.allowZero ? 'zero or positive' : 'positive'}`;
  if (ms > maxDurationMs) return `${shown} is too long: at most 365 days`;
  return null;
}

/** The reason a number of milliseconds is not a duration under `rule`, or the duration. */
export function tryDurationMs(
  ms: number,
  rule: DurationRule = {},
): { ms: number } | { error: string } {
  const error = durationError(ms, `${ms} ms`, rule);
  return error === null ? { ms } : { error };
}

/** The reason a string is not a duration, or the duration in milliseconds. */
export function tryParseDuration(
  text: string,
  rule: DurationRule = {},
): { ms: number } | { error: string } {
  let body = text.trim().toLowerCase();
  body = body.replace(/^processingtime\s*=\s*/, '').replace(/^interval\s+/, '');
  body = body.replace(/^'(.*)'$/, '$1').trim();
  if (body === '') return { error: `'${text}' is not a duration: it is empty` };
  let total = 0;
  let pos = 0;
  partPattern.lastIndex = 0;
  while (pos < body.length) {
    while (body[pos] === ' ') pos++;
    if (pos >= body.length) break;
    partPattern.lastIndex = pos;
    const m = partPattern.exec(body);
    if (!m)
      return {
        error: `'${text}' is not a duration: expected a number and a unit at '${body.slice(pos)}'`,
      };
    // Own entries only: 'constructor' is an unknown unit, not Object.prototype's function.
    const factor = Object.hasOwn(unitMs, m[2]!) ? unitMs[m[2]!] : undefined;
    if (factor === undefined)
      return {
        error: `'${text}' is not a duration: unknown unit '${m[2]}' (use ms, seconds, minutes, hours, days)`,
      };
    total += Number(m[1]) * factor;
    pos = partPattern.lastIndex;
  }
  const error = durationError(total, `'${text}'`, rule);
  return error === null ? { ms: Math.round(total) } : { error };
}

/** A duration string in milliseconds: `parseDuration('10 minutes')` is 600000; throws a RangeError saying why not. */
export function parseDuration(text: string, rule: DurationRule = {}): number {
  const r = tryParseDuration(text, rule);
  if ('error' in r) throw new RangeError(r.error);
  return r.ms;
}

/** Milliseconds in the largest unit that divides them: `600000` → `'10 minutes'`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0 seconds';
  const units: [number, string][] = [
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
    [1000, 'second'],
    [1, 'millisecond'],
  ];
  for (const [size, name] of units) {
    if (ms % size === 0) {
      const n = ms / size;
      return `${n} ${name}${n === 1 ? '' : 's'}`;
    }
  }
  return `${ms} milliseconds`;
}

/** A duration option: milliseconds, or a string a user wrote; both obey `rule`. */
function durationSchemaOf(rule: DurationRule) {
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    const r = typeof v === 'number' ? tryDurationMs(v, rule) : tryParseDuration(v, rule);
    if ('error' in r) {
      ctx.addIssue({ code: 'custom', message: r.error });
      return z.NEVER;
    }
    return r.ms;
  });
}

/**
 * A duration in a plan is milliseconds; in options a user may write a string. Both parse to ms,
 * so a plan read back from JSON gives the same value.
 */
export const durationSchema = durationSchemaOf({});

/** A duration that may be zero (a watermark delay, an interval-join bound), as Spark allows. */
export const delaySchema = durationSchemaOf({ allowZero: true });

export type DurationInput = DurationString | number;
