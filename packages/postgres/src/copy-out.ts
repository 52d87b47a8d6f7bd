/**
 * Parses `COPY ... TO STDOUT` text format (tab-separated fields, one row a line, `\N` for NULL,
 * backslash escapes) straight from the bytes into row objects typed as the declared schema.
 *
 * The values are exactly what the row protocol path gives (`parserFor` + the column's converter,
 * see columns.ts): the common types (integers, floats, numeric as a number, booleans, text,
 * dates and timestamps) are read from the bytes without making a string first, and fall back to
 * that path for anything unusual (escapes, exponents, BC dates, `infinity`, long digit strings);
 * every other type takes that path always.
 */
import type { Row } from '@pipekit/core';
import { type ColumnPlan, type Convert, isToNumber } from './columns.js';
import { oid, type Parser, parserFor, toTime } from './types.js';

/** Buffer's unchecked slicers (present on every Node Buffer, not in its type declarations). */
interface Slicing {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

/** Reads one non-NULL field `buf[start..end)` without backslashes; `wide`: it has non-ASCII bytes. */
type FieldReader = (buf: Buffer, start: number, end: number, wide: boolean) => unknown;

const tab = 9;
const newline = 10;
const backslash = 92;
const minus = 45;
const dot = 46;
const zero = 48;

const ascii = (b: Buffer, s: number, e: number): string =>
  (b as unknown as Slicing).latin1Slice(s, e);
const text = (b: Buffer, s: number, e: number, wide: boolean): string =>
  wide ? (b as unknown as Slicing).utf8Slice(s, e) : (b as unknown as Slicing).latin1Slice(s, e);

/** Powers of ten exactly representable as doubles. */
const pow10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * `[-]digits[.digits]` of at most 15 digits as the correctly rounded double, as `Number(text)`
 * gives it (an integer below 2^53 divided by an exact power of ten rounds once); NaN for any other
 * text, which the caller then hands to `Number`/`parseFloat`.
 */
function decimalOf(b: Buffer, s: number, e: number): number {
  let i = s;
  const neg = b[i] === minus;
  if (neg) i++;
  if (i === e || e - i > 16) return Number.NaN;
  let m = 0;
  let scale = -1;
  for (; i < e; i++) {
    const c = b[i]!;
    if (c === dot && scale < 0) {
      scale = e - i - 1;
      continue;
    }
    const d = c - zero;
    if (d < 0 || d > 9) return Number.NaN;
    m = m * 10 + d;
  }
  if (scale === 0 || (scale < 0 && e - s - (neg ? 1 : 0) > 15)) return Number.NaN;
  const v = scale > 0 ? m / pow10[scale]! : m;
  return neg ? -v : v;
}

const readInt: FieldReader = (b, s, e) => {
  let i = s;
  const neg = b[i] === minus;
  if (neg) i++;
  let v = 0;
  for (; i < e; i++) v = v * 10 + b[i]! - zero;
  return neg ? -v : v;
};

const readInt8: FieldReader = (b, s, e) => {
  if (e - s > 15) return Number(ascii(b, s, e));
  return readInt(b, s, e, false);
};

const readFloat: FieldReader = (b, s, e) => {
  const v = decimalOf(b, s, e);
  return !Number.isNaN(v) ? v : Number.parseFloat(ascii(b, s, e));
};

const readNumericNumber: FieldReader = (b, s, e) => {
  const v = decimalOf(b, s, e);
  return !Number.isNaN(v) ? v : Number(ascii(b, s, e));
};

const readAscii: FieldReader = (b, s, e) => ascii(b, s, e);

/**
 * Text columns often repeat a few short values (codes, states): a small cache per column keyed by
 * a hash of the bytes gives the same string again instead of a new one (less work, less garbage).
 * Only short ASCII values are cached; a hit is checked byte by byte.
 */
function cachedText(): FieldReader {
  const cache = new Array<string>(256).fill('');
  return (b, s, e, wide) => {
    const n = e - s;
    if (wide || n > 12) return text(b, s, e, wide);
    let h = n;
    for (let i = s; i < e; i++) h = (h * 31 + b[i]!) | 0;
    const slot = h & 255;
    const hit = cache[slot]!;
    if (hit.length === n) {
      let i = 0;
      while (i < n && hit.charCodeAt(i) === b[s + i]) i++;
      if (i === n) return hit;
    }
    const v = ascii(b, s, e);
    cache[slot] = v;
    return v;
  };
}

const readBool: FieldReader = (b, s, e) =>
  e - s === 1 ? b[s] === 116 : b.toString('latin1', s, e) === 'true';

const two = (b: Buffer, i: number): number => (b[i]! - zero) * 10 + b[i + 1]! - zero;

/**
 * `YYYY-MM-DD[ HH:MM:SS[.ffffff][+HH[:MM[:SS]]]]` (years 100-9999) as epoch ms, the way
 * types.ts's `toTime` reads it; NaN for anything else.
 */
function timeOf(b: Buffer, s: number, e: number): number {
  const n = e - s;
  if (n < 10 || b[s + 4] !== minus || b[s + 7] !== minus) return Number.NaN;
  let y = two(b, s) * 100 + two(b, s + 2);
  const m = two(b, s + 5);
  const d = two(b, s + 8);
  if (y < 100 || m < 1 || m > 12) return Number.NaN;
  // Days from the civil date (H. Hinnant's algorithm), as Date.UTC counts them.
  if (m <= 2) y--;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  let ms = (era * 146097 + doe - 719468) * 86_400_000;
  if (n === 10) return ms;
  if (n < 19 || b[s + 10] !== 32 || b[s + 13] !== 58 || b[s + 16] !== 58) return Number.NaN;
  ms += two(b, s + 11) * 3_600_000 + two(b, s + 14) * 60_000 + two(b, s + 17) * 1000;
  let i = s + 19;
  if (i < e && b[i] === dot) {
    let frac = 0;
    let scale = 1;
    i++;
    while (i < e && b[i]! >= zero && b[i]! <= 57) {
      if (scale < 1000) {
        frac = frac * 10 + b[i]! - zero;
        scale *= 10;
      }
      i++;
    }
    ms += (frac * 1000) / scale;
  }
  if (i < e) {
    const sign = b[i] === minus ? -1 : b[i] === 43 ? 1 : 0;
    const rest = e - i;
    if (sign === 0 || (rest !== 3 && rest !== 6 && rest !== 9)) return Number.NaN;
    const hh = two(b, i + 1);
    const mm = rest >= 6 ? two(b, i + 4) : 0;
    const ss = rest >= 9 ? two(b, i + 7) : 0;
    ms -= sign * (hh * 3_600_000 + mm * 60_000 + ss * 1000);
  }
  return ms;
}

const readTime: FieldReader = (b, s, e) => {
  const ms = timeOf(b, s, e);
  return !Number.isNaN(ms) ? new Date(ms) : toTime(ascii(b, s, e));
};

const readTimeMillis: FieldReader = (b, s, e) => {
  const ms = timeOf(b, s, e);
  return !Number.isNaN(ms) ? ms : toTime(ascii(b, s, e)).getTime();
};

/** `\b \f \n \r \t \v`: the bytes they stand for. */
const escapes = new Map([
  [98, 8],
  [102, 12],
  [110, 10],
  [114, 13],
  [116, 9],
  [118, 11],
]);

/** COPY text escapes undone, at the byte level (octal and hex escapes are bytes). */
function unescapeCopy(b: Buffer, s: number, e: number): Buffer {
  const out = Buffer.allocUnsafe(e - s);
  let o = 0;
  for (let i = s; i < e; i++) {
    let c = b[i]!;
    if (c === backslash && i + 1 < e) {
      c = b[++i]!;
      if (c >= zero && c <= 55) {
        let v = c - zero;
        for (let k = 0; k < 2 && i + 1 < e && b[i + 1]! >= zero && b[i + 1]! <= 55; k++)
          v = v * 8 + b[++i]! - zero;
        c = v & 0xff;
      } else if (c === 120 && i + 1 < e && hexDigit(b[i + 1]!) >= 0) {
        let v = hexDigit(b[++i]!);
        if (i + 1 < e && hexDigit(b[i + 1]!) >= 0) v = v * 16 + hexDigit(b[++i]!);
        c = v;
      } else c = escapes.get(c) ?? c;
    }
    out[o++] = c;
  }
  return out.subarray(0, o);
}

function hexDigit(c: number): number {
  if (c >= zero && c <= 57) return c - zero;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/** The row-protocol path: the field's text, the type's parser, the column's converter. */
function genericReader(parse: Parser, convert: Convert | undefined): FieldReader {
  return (b, s, e, wide) => {
    const v = parse(text(b, s, e, wide));
    return convert === undefined || v === null ? v : convert(v);
  };
}

const stringOids = new Set<number>([oid.text, oid.varchar, oid.bpchar, oid.uuid, 19, 18]);
const timeOids = new Set<number>([oid.date, oid.timestamp, oid.timestamptz]);

/** The fast reader for a column, or its generic one. */
function readerFor(c: ColumnPlan): FieldReader {
  const t = c.typeOid;
  if (c.convert === undefined) {
    if (t === oid.int2 || t === oid.int4 || t === 26) return readInt;
    if (t === oid.int8) return readInt8;
    if (t === oid.float4 || t === oid.float8) return readFloat;
    if (t === oid.numeric) return readAscii;
    if (t === oid.bool) return readBool;
    if (stringOids.has(t)) return cachedText();
    if (timeOids.has(t)) return readTime;
  } else if (t === oid.numeric && isToNumber(c.convert)) return readNumericNumber;
  else if (c.epochMillis && timeOids.has(t)) return readTimeMillis;
  return genericReader(parserFor(t), c.convert);
}

/** A row object from the values of one line, in column order. */
type RowMaker = (values: readonly unknown[]) => Row;

/**
 * A row maker for these column names: an object literal with the names as constant keys (V8
 * builds such objects from one template, much faster than adding properties one by one). The
 * names go into the code as JSON string literals; `__proto__` (which a literal key would take as
 * the prototype) falls back to assignments.
 */
function rowMaker(names: readonly string[], indexes: readonly number[]): RowMaker {
  if (names.includes('__proto__') || names.length > 200)
    return (values) => {
      const row: Row = {};
      for (let j = 0; j < names.length; j++) row[names[j]!] = values[indexes[j]!];
      return row;
    };
  const body = names.map((n, j) => `${JSON.stringify(n)}: v[${indexes[j]}]`).join(', ');
  return new Function('v', `return { ${body} };`) as RowMaker;
}

const skipField: FieldReader = () => undefined;

/**
 * Turns COPY text chunks (split anywhere) of `fieldCount` columns into rows of the planned
 * columns (`ColumnPlan.index` is the position in the COPY's columns; others are dropped).
 */
export class CopyTextParser {
  private rest: Buffer | undefined;
  private readonly readers: FieldReader[];
  private readonly generic: FieldReader[];
  private readonly make: RowMaker;
  private readonly values: unknown[];

  constructor(fieldCount: number, columns: readonly ColumnPlan[]) {
    this.readers = new Array<FieldReader>(fieldCount).fill(skipField);
    this.generic = new Array<FieldReader>(fieldCount).fill(skipField);
    for (const c of columns) {
      this.readers[c.index] = readerFor(c);
      this.generic[c.index] = genericReader(parserFor(c.typeOid), c.convert);
    }
    this.make = rowMaker(
      columns.map((c) => c.name),
      columns.map((c) => c.index),
    );
    this.values = new Array<unknown>(fieldCount).fill(null);
  }

  /**
   * Parses the complete lines of `chunk` (after what was left of the last one): the first `skip`
   * of them are only counted, the others become rows pushed to `out`. Returns how many were
   * skipped.
   */
  push(chunk: Buffer, out: Row[], skip = 0): number {
    const b = this.rest === undefined ? chunk : Buffer.concat([this.rest, chunk]);
    const last = b.lastIndexOf(newline);
    if (last < 0) {
      this.rest = b;
      return 0;
    }
    this.rest = last + 1 < b.length ? b.subarray(last + 1) : undefined;
    let pos = 0;
    let skipped = 0;
    while (skipped < skip && pos <= last) {
      pos = b.indexOf(newline, pos) + 1;
      skipped++;
    }
    while (pos <= last) pos = this.line(b, pos, out);
    return skipped;
  }

  /** Parses one whole line, `buf[start..end)` with its newline, into a row pushed to `out`. */
  row(b: Buffer, start: number, end: number, out: Row[]): void {
    if (end <= start || b[end - 1] !== newline || this.line(b, start, out) !== end)
      throw lineError(b, start, this.readers.length);
  }

  /** Parses the line at `pos` into a row pushed to `out`; returns where the next line starts. */
  private line(b: Buffer, pos: number, out: Row[]): number {
    const n = this.readers.length;
    if (n === 0) {
      if (b[pos] !== newline) throw lineError(b, pos, 0);
      out.push({});
      return pos + 1;
    }
    const readers = this.readers;
    const values = this.values;
    for (let j = 0; j < n; j++) {
      const s = pos;
      let escaped = false;
      let wide = false;
      let c = b[pos]!;
      while (c !== tab && c !== newline) {
        if (c === backslash) escaped = true;
        else if (c > 127) wide = true;
        c = b[++pos]!;
      }
      if (c !== (j === n - 1 ? newline : tab)) throw lineError(b, s, n);
      if (!escaped) values[j] = readers[j]!(b, s, pos, wide);
      else if (pos - s === 2 && b[s + 1] === 78) values[j] = null;
      else {
        const u = unescapeCopy(b, s, pos);
        values[j] = this.generic[j]!(u, 0, u.length, true);
      }
      pos++;
    }
    out.push(this.make(values));
    return pos;
  }

  /** The data ended: a partial line left over means it was cut off. */
  end(): void {
    if (this.rest !== undefined && this.rest.length > 0)
      throw new Error('postgres COPY data ended in the middle of a row');
  }
}

function lineError(b: Buffer, at: number, columns: number): Error {
  const start = b.lastIndexOf(newline, at - 1) + 1;
  const end = b.indexOf(newline, at);
  const line = b.toString('utf8', start, end < 0 ? b.length : end).slice(0, 200);
  return new Error(
    `postgres COPY row does not have the ${columns} column(s) described: ${JSON.stringify(line)}`,
  );
}
