import { stringCast, toDouble } from './cast.js';

const anyToString = stringCast({ type: 'unknown' });

/** A function argument as text, as Spark's implicit cast to string gives it. */
export function asText(v: unknown): string | null {
  return typeof v === 'string' ? v : (anyToString(v) as string | null);
}

/** A function argument as a number; null for text that is not a number. */
export function asNumber(v: unknown): number | null {
  return typeof v === 'number' ? v : toDouble(v);
}
