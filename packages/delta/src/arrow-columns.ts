/**
 * Arrow columns straight from row objects. Rows are read once, row by row, by a loop generated
 * for the column names (constant property names: monomorphic loads on rows of one shape, as
 * pipekit's operators build them), and each value goes into a typed array; strings of a column
 * are encoded to UTF-8 in one call. apache-arrow's builders cost about 1.8 µs a value, and a
 * column-by-column walk reads every row object ten times; this is what lets `encodeRows` keep up
 * with the native writer (bench/delta.bench.ts). Nested types (struct, array, map) come in as
 * sinks built by the caller (`arrow-encode.ts`, over the builders).
 */
import type { Field, Row } from '@pipekit/core';
import {
  Binary,
  Bool,
  type Data,
  DateDay,
  Decimal,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  makeData,
  TimestampMicrosecond,
  Utf8,
} from 'apache-arrow';
import {
  decimalWords,
  fail,
  toBigInt,
  toDayMillis,
  toInteger,
  toMillis,
  unscaledDecimal,
} from './arrow-values.js';
import { decimalParts } from './delta-schema.js';

/**
 * Receives the values of one column in row order (`i`: the index in the column), then yields the
 * column. `base + i` is the row's index in the caller's rows, for messages.
 */
export interface ColumnSink {
  put(v: unknown, i: number): void;
  finish(): Data;
}

/** Where the column being built sits: its field, length and first row. */
interface Slot {
  readonly f: Field;
  readonly length: number;
  readonly base: number;
}

/** Null tracking shared by the typed sinks: null rows are listed, the bitmap built at the end. */
abstract class TypedSink implements ColumnSink {
  private readonly nullRows: number[] = [];
  protected readonly f: Field;
  protected readonly length: number;
  private readonly base: number;

  constructor(slot: Slot) {
    this.f = slot.f;
    this.length = slot.length;
    this.base = slot.base;
  }

  abstract put(v: unknown, i: number): void;
  abstract finish(): Data;

  /** `row <index>, column <name>` of the i-th value, for messages. */
  protected at(i: number): string {
    return `row ${this.base + i}, column ${this.f.name}`;
  }

  protected putNull(i: number): void {
    if (!this.f.nullable) fail(this.at(i), 'null in a non-nullable column');
    this.nullRows.push(i);
  }

  /** The null props of makeData: no bitmap at all when nothing is null. */
  protected nulls(): { nullCount: number; nullBitmap?: Uint8Array } {
    const count = this.nullRows.length;
    if (count === 0) return { nullCount: 0 };
    const bits = new Uint8Array((this.length + 7) >> 3).fill(0xff);
    for (const i of this.nullRows) bits[i >> 3]! &= ~(1 << (i & 7));
    return { nullCount: count, nullBitmap: bits };
  }
}

class SmallIntSink extends TypedSink {
  private readonly values: Int8Array | Int16Array | Int32Array;
  private readonly limit: number;

  constructor(
    slot: Slot,
    private readonly bits: 8 | 16 | 32,
  ) {
    super(slot);
    const n = slot.length;
    this.values =
      bits === 8 ? new Int8Array(n) : bits === 16 ? new Int16Array(n) : new Int32Array(n);
    this.limit = 2 ** (bits - 1);
  }

  put(v: unknown, i: number): void {
    if (typeof v === 'number' && Number.isInteger(v) && v >= -this.limit && v < this.limit)
      this.values[i] = v;
    else if (v === null || v === undefined) this.putNull(i);
    else this.values[i] = toInteger(v, this.at(i), this.bits);
  }

  finish(): Data {
    const type = this.bits === 8 ? new Int8() : this.bits === 16 ? new Int16() : new Int32();
    return makeData({ type, length: this.length, ...this.nulls(), data: this.values } as never);
  }
}

/** int64 cells written as two 32-bit words: no BigInt for numbers within 2^53. */
abstract class Int64Sink extends TypedSink {
  protected readonly words: Int32Array;
  protected readonly big: BigInt64Array;

  constructor(slot: Slot) {
    super(slot);
    this.words = new Int32Array(slot.length * 2);
    this.big = new BigInt64Array(this.words.buffer);
  }

  /** A safe integer: the low word is ToInt32 (mod 2^32), the high word exact below 2^53. */
  protected setSafe(i: number, v: number): void {
    this.words[2 * i] = v | 0;
    this.words[2 * i + 1] = Math.floor(v / 4294967296);
  }
}

class LongSink extends Int64Sink {
  put(v: unknown, i: number): void {
    if (typeof v === 'number' && Number.isSafeInteger(v)) this.setSafe(i, v);
    else if (v === null || v === undefined) this.putNull(i);
    else this.big[i] = toBigInt(v, this.at(i));
  }

  finish(): Data {
    return makeData({ type: new Int64(), length: this.length, ...this.nulls(), data: this.big });
  }
}

/** Microseconds in UTC from Dates, ISO strings or epoch ms (millisecond precision). */
class TimestampSink extends Int64Sink {
  put(v: unknown, i: number): void {
    let ms = v instanceof Date ? v.getTime() : NaN;
    if (!Number.isFinite(ms)) {
      if (v === null || v === undefined) {
        this.putNull(i);
        return;
      }
      ms = toMillis(v, this.at(i));
    }
    const us = ms * 1000;
    if (Number.isSafeInteger(us)) this.setSafe(i, us);
    else this.big[i] = BigInt(ms) * 1000n;
  }

  finish(): Data {
    const type = new TimestampMicrosecond('UTC');
    return makeData({ type, length: this.length, ...this.nulls(), data: this.big });
  }
}

class DateSink extends TypedSink {
  private readonly days: Int32Array;

  constructor(slot: Slot) {
    super(slot);
    this.days = new Int32Array(slot.length);
  }

  put(v: unknown, i: number): void {
    const ms = v instanceof Date ? v.getTime() : NaN;
    if (Number.isFinite(ms)) this.days[i] = Math.floor(ms / 86_400_000);
    else if (v === null || v === undefined) this.putNull(i);
    else this.days[i] = toDayMillis(v, this.at(i)) / 86_400_000;
  }

  finish(): Data {
    return makeData({ type: new DateDay(), length: this.length, ...this.nulls(), data: this.days });
  }
}

class FloatSink extends TypedSink {
  private readonly values: Float32Array | Float64Array;

  constructor(
    slot: Slot,
    private readonly bits: 32 | 64,
  ) {
    super(slot);
    this.values = bits === 32 ? new Float32Array(slot.length) : new Float64Array(slot.length);
  }

  put(v: unknown, i: number): void {
    if (typeof v === 'number') this.values[i] = v;
    else if (v === null || v === undefined) this.putNull(i);
    else fail(this.at(i), `expected a number, got ${typeof v}`);
  }

  finish(): Data {
    const type = this.bits === 32 ? new Float32() : new Float64();
    return makeData({ type, length: this.length, ...this.nulls(), data: this.values } as never);
  }
}

class BoolSink extends TypedSink {
  private readonly bits: Uint8Array;

  constructor(slot: Slot) {
    super(slot);
    this.bits = new Uint8Array((slot.length + 7) >> 3);
  }

  put(v: unknown, i: number): void {
    if (v === true) this.bits[i >> 3]! |= 1 << (i & 7);
    else if (v === null || v === undefined) this.putNull(i);
    else if (v !== false) fail(this.at(i), `expected a boolean, got ${typeof v}`);
  }

  finish(): Data {
    return makeData({ type: new Bool(), length: this.length, ...this.nulls(), data: this.bits });
  }
}

/** decimal128 cells as four little-endian 32-bit words, two's complement. */
class DecimalSink extends TypedSink {
  private readonly words: Int32Array;
  private readonly pow10: number;
  private readonly bound: number;

  constructor(
    slot: Slot,
    private readonly precision: number,
    private readonly scale: number,
  ) {
    super(slot);
    this.words = new Int32Array(slot.length * 4);
    this.pow10 = 10 ** scale;
    this.bound = 10 ** precision;
  }

  put(v: unknown, i: number): void {
    const u = typeof v === 'number' ? unscaledDecimal(v, this.pow10) : undefined;
    if (u !== undefined && Math.abs(u) < this.bound) {
      // |u| < 2^51: the high word of the low half is exact, the upper half is the sign.
      const hi = Math.floor(u / 4294967296);
      const sign = hi < 0 ? -1 : 0;
      this.words[4 * i] = u | 0;
      this.words[4 * i + 1] = hi;
      this.words[4 * i + 2] = sign;
      this.words[4 * i + 3] = sign;
    } else if (v === null || v === undefined) this.putNull(i);
    else this.words.set(decimalWords(v, this.precision, this.scale, this.at(i)), 4 * i);
  }

  finish(): Data {
    const type = new Decimal(this.scale, this.precision, 128);
    const data = new Uint32Array(this.words.buffer);
    return makeData({ type, length: this.length, ...this.nulls(), data });
  }
}

const encoder = new TextEncoder();

class Utf8Sink extends TypedSink {
  private readonly parts: string[];
  /** Offsets in characters, which are the byte offsets when every character is ASCII. */
  private readonly offsets: Int32Array;

  constructor(slot: Slot) {
    super(slot);
    this.parts = new Array<string>(slot.length).fill('');
    this.offsets = new Int32Array(slot.length + 1);
  }

  put(v: unknown, i: number): void {
    // Rows come in order, so offsets[i] is set; the length is read while the string is at hand.
    if (typeof v === 'string') {
      this.parts[i] = v;
      this.offsets[i + 1] = this.offsets[i]! + v.length;
    } else if (v === null || v === undefined) {
      this.putNull(i);
      this.offsets[i + 1] = this.offsets[i]!;
    } else fail(this.at(i), `expected a string, got ${typeof v}`);
  }

  finish(): Data {
    // One UTF-8 encode of the whole column. When every character is ASCII (bytes = characters)
    // the character offsets are the byte offsets; otherwise each string is encoded on its own,
    // since joining could pair a lone surrogate at the end of one with the start of the next.
    const joined = this.parts.join('');
    let data: Uint8Array = Buffer.from(joined, 'utf8');
    let valueOffsets = this.offsets;
    if (data.length !== joined.length) {
      valueOffsets = new Int32Array(this.length + 1);
      data = concatBytes(
        this.parts.map((s) => encoder.encode(s)),
        valueOffsets,
      );
    }
    return makeData({ type: new Utf8(), length: this.length, ...this.nulls(), valueOffsets, data });
  }
}

/** The chunks end to end; fills `offsets` (length chunks + 1). */
function concatBytes(chunks: readonly Uint8Array[], offsets: Int32Array): Uint8Array {
  let o = 0;
  for (let i = 0; i < chunks.length; i++) offsets[i + 1] = o += chunks[i]!.length;
  const bytes = new Uint8Array(o);
  for (let i = 0; i < chunks.length; i++) bytes.set(chunks[i]!, offsets[i]!);
  return bytes;
}

class BinarySink extends TypedSink {
  private readonly parts: Uint8Array[];

  constructor(slot: Slot) {
    super(slot);
    this.parts = new Array<Uint8Array>(slot.length).fill(new Uint8Array(0));
  }

  put(v: unknown, i: number): void {
    if (v instanceof Uint8Array) this.parts[i] = v;
    else if (v === null || v === undefined) this.putNull(i);
    else fail(this.at(i), 'expected a Uint8Array');
  }

  finish(): Data {
    const valueOffsets = new Int32Array(this.length + 1);
    const data = concatBytes(this.parts, valueOffsets);
    return makeData({
      type: new Binary(),
      length: this.length,
      ...this.nulls(),
      valueOffsets,
      data,
    });
  }
}

/** The sink of a flat-typed field, or undefined for struct, array and map fields. */
function flatSink(slot: Slot): ColumnSink | undefined {
  const t = slot.f.type;
  if (typeof t !== 'string') return undefined;
  switch (t) {
    case 'string':
      return new Utf8Sink(slot);
    case 'byte':
      return new SmallIntSink(slot, 8);
    case 'short':
      return new SmallIntSink(slot, 16);
    case 'integer':
      return new SmallIntSink(slot, 32);
    case 'long':
      return new LongSink(slot);
    case 'float':
      return new FloatSink(slot, 32);
    case 'double':
      return new FloatSink(slot, 64);
    case 'boolean':
      return new BoolSink(slot);
    case 'binary':
      return new BinarySink(slot);
    case 'date':
      return new DateSink(slot);
    case 'timestamp':
      return new TimestampSink(slot);
    default: {
      const d = decimalParts(t);
      return d
        ? new DecimalSink(slot, d.precision, d.scale)
        : fail(`column ${slot.f.name}`, `unsupported type ${t}`);
    }
  }
}

type Fill = (
  rows: readonly Row[],
  start: number,
  end: number,
  sinks: readonly ColumnSink[],
) => void;
const fills = new Map<string, Fill>();

/**
 * The row loop for these column names: `r["name"]` with the names as JSON string literals, one
 * `put` call site per column (each sees one sink class, so it inlines). Cached per name list.
 */
function fillFor(names: readonly string[]): Fill {
  const key = JSON.stringify(names);
  let fill = fills.get(key);
  if (!fill) {
    const locals = names.map((_, j) => `s${j} = s[${j}]`).join(', ');
    const puts = names.map((name, j) => `s${j}.put(r[${JSON.stringify(name)}], k);`).join(' ');
    fill = new Function(
      'rows',
      'start',
      'end',
      's',
      `const ${locals};\nfor (let i = start, k = 0; i < end; i++, k++) { const r = rows[i]; ${puts} }\n//# sourceURL=pipekit-delta-encode.js`,
    ) as Fill;
    if (fills.size >= 256) fills.clear();
    fills.set(key, fill);
  }
  return fill;
}

/**
 * The Arrow columns of `fields` for `rows[start..end)`. `nested(f, length, base)` makes the sinks
 * of struct, array and map fields. Throws `EncodeError` naming the row (its index in `rows`) and
 * column of a value that does not fit.
 */
export function encodeColumns(
  rows: readonly Row[],
  start: number,
  end: number,
  fields: readonly Field[],
  nested: (f: Field, length: number, base: number) => ColumnSink,
): Data[] {
  const length = end - start;
  const sinks = fields.map((f) => flatSink({ f, length, base: start }) ?? nested(f, length, start));
  if (fields.length > 0) fillFor(fields.map((f) => f.name))(rows, start, end, sinks);
  return sinks.map((s) => s.finish());
}
