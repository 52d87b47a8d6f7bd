import { PipekitError } from '../errors/pipekit-error.js';
import { type DataType, formatDataType } from '../schema/data-type.js';
import {
  type IntegralType,
  javaDoubleToString,
  javaFloatToString,
  parseSparkDouble,
  parseSparkIntegral,
  roundHalfUp,
  toIntegral,
} from './spark-number.js';
import {
  formatDate,
  formatTimestamp,
  parseDate,
  parseTimestamp,
  startOfDay,
} from './time-values.js';

/** What is known at compile time about the value being cast. */
export interface CastSource {
  /** Its static type, or 'unknown' without a schema. */
  readonly type: DataType | 'null' | 'unknown';
  /** A `logical: 'epochMillis'` column: a number is epoch ms, not Spark's epoch seconds. */
  readonly epochMillis?: boolean;
}

export type CastFn = (value: unknown) => unknown;

const decimalPattern = /^decimal\((\d+),(\d+)\)$/;
const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/**
 * The converter for `CAST(x AS to)`, chosen once at compile time. Spark's non-ANSI rules: a
 * malformed string gives NULL, doubles truncate towards zero for integral types, timestamps cast
 * to numbers in seconds, and strings read as UTC.
 *
 * @throws PipekitError for target types a row value cannot be cast to (arrays, maps, structs).
 */
export function castConverter(to: DataType, source: CastSource): CastFn {
  if (typeof to !== 'string') {
    throw new PipekitError(`CAST to ${formatDataType(to)} is not supported`);
  }
  if (to === source.type) return identity;
  switch (to) {
    case 'string':
      return stringCast(source);
    case 'boolean':
      return nullOr(toBoolean);
    case 'byte':
    case 'short':
    case 'integer':
    case 'long':
      return nullOr(integralCast(to, isFractional(source.type)));
    case 'float':
      return nullOr((v) => {
        const d = toDouble(v);
        return d === null ? null : Math.fround(d);
      });
    case 'double':
      return nullOr(toDouble);
    case 'timestamp':
      return nullOr((v) => timestampCast(v, source));
    case 'date':
      return nullOr((v) => dateCast(v, source));
    case 'binary':
      return nullOr((v) =>
        v instanceof Uint8Array ? v : typeof v === 'string' ? utf8.encode(v) : null,
      );
    default:
      return nullOr(decimalCast(to));
  }
}

const identity: CastFn = (v) => v;

function nullOr(fn: CastFn): CastFn {
  return (v) => (v === null || v === undefined ? null : fn(v));
}

/** A runtime value as Spark prints it when cast to string, using the static type when known. */
export function stringCast(source: CastSource): CastFn {
  const t = source.type;
  let number: (n: number) => string = defaultNumberText;
  if (t === 'double') number = javaDoubleToString;
  else if (t === 'float') number = javaFloatToString;
  else if (typeof t === 'string' && decimalPattern.test(t)) {
    const scale = Number(decimalPattern.exec(t)?.[2]);
    number = (n) => n.toFixed(scale);
  }
  const time = t === 'date' ? formatDate : formatTimestamp;
  return (v) => {
    if (v === null || v === undefined) return null;
    if (typeof v === 'string') return v;
    if (typeof v === 'number') return number(v);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : time(v.getTime());
    if (v instanceof Uint8Array) return fromUtf8.decode(v);
    return String(v);
  };
}

/** Without a static type an integral number prints as an integer and others as Java doubles. */
function defaultNumberText(n: number): string {
  return Number.isInteger(n) ? String(n) : javaDoubleToString(n);
}

const trueWords = new Set(['t', 'true', 'y', 'yes', '1']);
const falseWords = new Set(['f', 'false', 'n', 'no', '0']);

/** Spark's CAST(x AS BOOLEAN): `t/true/y/yes/1`, `f/false/n/no/0` (any case), numbers by non-zero. */
export function toBoolean(v: unknown): boolean | null {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    const word = v.trim().toLowerCase();
    if (trueWords.has(word)) return true;
    if (falseWords.has(word)) return false;
  }
  return null;
}

/** Spark's CAST(x AS DOUBLE); a timestamp becomes epoch seconds with a fraction. */
export function toDouble(v: unknown): number | null {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return parseSparkDouble(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.getTime() / 1000;
  return null;
}

function isFractional(t: CastSource['type']): boolean {
  return t === 'double' || t === 'float' || (typeof t === 'string' && decimalPattern.test(t));
}

function integralCast(type: IntegralType, fromDouble: boolean): CastFn {
  return (v) => {
    if (typeof v === 'number') return toIntegral(v, type, fromDouble);
    if (typeof v === 'string') return parseSparkIntegral(v, type);
    if (typeof v === 'boolean') return v ? 1 : 0;
    if (v instanceof Date) return toIntegral(Math.floor(v.getTime() / 1000), type);
    return null;
  };
}

function decimalCast(type: string): CastFn {
  const m = decimalPattern.exec(type);
  if (m === null) throw new PipekitError(`CAST to ${type} is not supported`);
  const precision = Number(m[1]);
  const scale = Number(m[2]);
  const limit = 10 ** (precision - scale);
  return (v) => {
    const d = toDouble(v);
    if (d === null || !Number.isFinite(d)) return null;
    const rounded = roundHalfUp(d, scale);
    // A value that needs more integer digits than the precision leaves is NULL, not an error.
    return Math.abs(rounded) < limit ? rounded : null;
  };
}

function timestampCast(v: unknown, source: CastSource): Date | null {
  if (v instanceof Date) return v;
  if (typeof v === 'string') {
    const ms = parseTimestamp(v);
    return ms === null ? null : new Date(ms);
  }
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) return null;
    return new Date(source.epochMillis ? v : Math.trunc(v * 1000));
  }
  return null;
}

function dateCast(v: unknown, source: CastSource): Date | null {
  if (v instanceof Date) return new Date(startOfDay(v.getTime()));
  if (typeof v === 'string') {
    const ms = parseDate(v);
    return ms === null ? null : new Date(ms);
  }
  // Spark refuses numbers here; an epoch-millis column is a timestamp in disguise.
  if (typeof v === 'number' && source.epochMillis) return new Date(startOfDay(v));
  return null;
}
