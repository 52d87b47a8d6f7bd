import { parseSparkDouble } from './spark-number.js';
import { toEpochMs } from './time-values.js';

/**
 * Orders two runtime values as Spark compares them after its implicit casts: numbers, strings,
 * booleans (false < true), bytes, and time values (`Date`, epoch ms, or an ISO / Spark timestamp
 * string) by epoch ms. A number and a string compare as numbers. Returns -1, 0 or 1, or null
 * when either side is NULL or the two cannot be compared.
 *
 * NaN equals NaN and is larger than any other number, as in Spark.
 */
export function compareValues(a: unknown, b: unknown): -1 | 0 | 1 | null {
  if (a === null || a === undefined || b === null || b === undefined) return null;
  if (typeof a === 'number' && typeof b === 'number') return compareNumbers(a, b);
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (a instanceof Date || b instanceof Date) {
    const x = toEpochMs(a);
    const y = toEpochMs(b);
    return x === null || y === null ? null : compareNumbers(x, y);
  }
  if (typeof a === 'number' && typeof b === 'string') return numberVsText(a, b);
  if (typeof a === 'string' && typeof b === 'number') {
    const r = numberVsText(b, a);
    return r === null ? null : ((-r || 0) as -1 | 0 | 1);
  }
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  return null;
}

export function compareNumbers(a: number, b: number): -1 | 0 | 1 {
  if (a < b) return -1;
  if (a > b) return 1;
  if (a === b) return 0;
  // At least one NaN: NaN is the largest value and equal to itself.
  const aNaN = Number.isNaN(a);
  const bNaN = Number.isNaN(b);
  return aNaN && bNaN ? 0 : aNaN ? 1 : -1;
}

function numberVsText(n: number, text: string): -1 | 0 | 1 | null {
  const parsed = parseSparkDouble(text);
  return parsed === null ? null : compareNumbers(n, parsed);
}

function compareBytes(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** SQL `=`: null when either side is null or they cannot be compared. */
export function sqlEquals(a: unknown, b: unknown): boolean | null {
  const c = compareValues(a, b);
  return c === null ? null : c === 0;
}

/** Spark's `<=>`: never null; two NULLs are equal. */
export function nullSafeEquals(a: unknown, b: unknown): boolean {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) return aNull && bNull;
  return compareValues(a, b) === 0;
}

/**
 * SQL `x IN (list)`: true on a match; otherwise null when x or any item is NULL, else false.
 */
export function sqlIn(x: unknown, list: readonly unknown[]): boolean | null {
  if (x === null || x === undefined) return null;
  let sawNull = false;
  for (const item of list) {
    const c = compareValues(x, item);
    if (c === 0) return true;
    if (c === null) sawNull = true;
  }
  return sawNull ? null : false;
}
