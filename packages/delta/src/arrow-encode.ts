import type { DataType, Field, Row, Schema } from '@pipekit/core';
import {
  Field as ArrowField,
  Schema as ArrowSchema,
  type DataType as ArrowType,
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
  List,
  Map_,
  makeBuilder,
  makeData,
  RecordBatch,
  Struct,
  Table,
  TimestampMicrosecond,
  tableToIPC,
  Utf8,
} from 'apache-arrow';
import { DeltaError } from './delta-errors.js';
import { decimalParts } from './delta-schema.js';

/**
 * The Arrow type pipekit writes for a Delta type. Strings are plain `Utf8` (never dictionary
 * encoded), timestamps microseconds in UTC, dates `Date32`, decimals `Decimal128` — the forms
 * delta-rs stores without casting.
 */
export function arrowType(t: DataType): ArrowType {
  if (typeof t !== 'string') {
    switch (t.type) {
      case 'struct':
        return new Struct(t.fields.map(arrowField));
      case 'array':
        return new List(new ArrowField('element', arrowType(t.elementType), t.containsNull));
      case 'map': {
        // apache-arrow's Map_ typings want Struct<{key, value}>; the field list is built
        // dynamically, so the generic parameter cannot be inferred.
        const entries = new Struct([
          new ArrowField('key', arrowType(t.keyType), false),
          new ArrowField('value', arrowType(t.valueType), t.valueContainsNull),
        ]) as unknown as ConstructorParameters<typeof Map_>[0]['type'];
        return new Map_(new ArrowField('key_value', entries, false));
      }
    }
  }
  switch (t) {
    case 'string':
      return new Utf8();
    case 'byte':
      return new Int8();
    case 'short':
      return new Int16();
    case 'integer':
      return new Int32();
    case 'long':
      return new Int64();
    case 'float':
      return new Float32();
    case 'double':
      return new Float64();
    case 'boolean':
      return new Bool();
    case 'binary':
      return new Binary();
    case 'date':
      return new DateDay();
    case 'timestamp':
      return new TimestampMicrosecond('UTC');
    default: {
      const d = decimalParts(t);
      if (!d) throw new TypeError(`unsupported type ${t}`);
      return new Decimal(d.scale, d.precision, 128);
    }
  }
}

/** The Arrow field for a schema field (nullability carried over). */
export function arrowField(f: Field): ArrowField {
  return new ArrowField(f.name, arrowType(f.type), f.nullable);
}

/** The Arrow schema for a pipekit schema. */
export function arrowSchema(schema: Schema): ArrowSchema {
  return new ArrowSchema(schema.fields.map(arrowField));
}

class EncodeError extends Error {}

const fail = (where: string, message: string): never => {
  throw new EncodeError(`${where}: ${message}`);
};

function toMillis(v: unknown, where: string): number {
  const ms =
    v instanceof Date
      ? v.getTime()
      : typeof v === 'string'
        ? Date.parse(v)
        : typeof v === 'number'
          ? v
          : NaN;
  if (!Number.isFinite(ms))
    fail(where, `expected a Date, ISO string or epoch ms, got ${String(v)}`);
  return Math.round(ms);
}

function toDayMillis(v: unknown, where: string): number {
  // 'YYYY-MM-DD' parses as UTC midnight; Dates are truncated to their UTC day.
  const ms = toMillis(v, where);
  return Math.floor(ms / 86_400_000) * 86_400_000;
}

function toInteger(v: unknown, where: string, bits: 8 | 16 | 32): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    fail(where, `expected an integer, got ${String(v)}`);
  const n = v as number;
  const limit = 2 ** (bits - 1);
  if (n < -limit || n >= limit) fail(where, `${n} does not fit in ${bits} bits`);
  return n;
}

function toBigInt(v: unknown, where: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return fail(where, `expected a safe integer or bigint, got ${String(v)}`);
}

/** Scaled two's-complement 128-bit little-endian words of a decimal value. */
export function decimalWords(
  v: unknown,
  precision: number,
  scale: number,
  where: string,
): Uint32Array {
  let text: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Math.abs(v) >= 1e21) fail(where, `cannot store ${v} as decimal`);
    text = v.toFixed(scale);
  } else if (typeof v === 'bigint') {
    text = `${v}${scale > 0 ? `.${'0'.repeat(scale)}` : ''}`;
  } else if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) {
    const [int = '0', frac = ''] = v.split('.');
    if (frac.length > scale) fail(where, `${v} has more than ${scale} decimal places`);
    text = `${int}.${frac.padEnd(scale, '0')}`;
  } else {
    return fail(where, `expected a number, bigint or decimal string, got ${String(v)}`);
  }
  const negative = text.startsWith('-');
  const digits = text
    .replace(/^-/, '')
    .replace('.', '')
    .replace(/^0+(?=\d)/, '');
  if (digits.length > precision) fail(where, `${text} exceeds decimal(${precision},${scale})`);
  let unscaled = BigInt(digits) * (negative ? -1n : 1n);
  if (unscaled < 0n) unscaled += 1n << 128n;
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    words[i] = Number((unscaled >> BigInt(32 * i)) & 0xffffffffn);
  }
  return words;
}

/** Convert one JS value into what the apache-arrow builder of `t` expects. */
function prepare(v: unknown, t: DataType, nullable: boolean, where: string): unknown {
  if (v === null || v === undefined) {
    if (!nullable) fail(where, 'null in a non-nullable column');
    return null;
  }
  if (typeof t !== 'string') {
    switch (t.type) {
      case 'struct': {
        if (typeof v !== 'object') fail(where, 'expected an object');
        const o = v as Record<string, unknown>;
        const out: Record<string, unknown> = {};
        for (const f of t.fields)
          out[f.name] = prepare(o[f.name], f.type, f.nullable, `${where}.${f.name}`);
        return out;
      }
      case 'array':
        if (!Array.isArray(v)) fail(where, 'expected an array');
        return (v as unknown[]).map((e, i) =>
          prepare(e, t.elementType, t.containsNull, `${where}[${i}]`),
        );
      case 'map': {
        const entries = v instanceof Map ? [...v.entries()] : Object.entries(v as object);
        return new Map(
          entries.map(([k, x]) => [
            prepare(k, t.keyType, false, `${where} key`),
            prepare(x, t.valueType, t.valueContainsNull, `${where}[${String(k)}]`),
          ]),
        );
      }
    }
  }
  switch (t) {
    case 'string':
      return typeof v === 'string' ? v : fail(where, `expected a string, got ${typeof v}`);
    case 'byte':
      return toInteger(v, where, 8);
    case 'short':
      return toInteger(v, where, 16);
    case 'integer':
      return toInteger(v, where, 32);
    case 'long':
      return toBigInt(v, where);
    case 'float':
    case 'double':
      return typeof v === 'number' ? v : fail(where, `expected a number, got ${typeof v}`);
    case 'boolean':
      return typeof v === 'boolean' ? v : fail(where, `expected a boolean, got ${typeof v}`);
    case 'binary':
      return v instanceof Uint8Array ? v : fail(where, 'expected a Uint8Array');
    case 'date':
      return toDayMillis(v, where);
    case 'timestamp':
      return toMillis(v, where);
    default: {
      const d = decimalParts(t);
      return d
        ? decimalWords(v, d.precision, d.scale, where)
        : fail(where, `unsupported type ${t}`);
    }
  }
}

function column(rows: readonly Row[], f: Field): Data {
  const builder = makeBuilder({ type: arrowType(f.type), nullValues: [null, undefined] });
  rows.forEach((row, i) => {
    builder.append(prepare(row[f.name], f.type, f.nullable, `row ${i}, column ${f.name}`) as never);
  });
  const data = builder.flush();
  builder.finish();
  return data;
}

/** Rows as an apache-arrow `Table` in the given schema. Unknown keys in rows are ignored. */
export function rowsToArrowTable(rows: readonly Row[], schema: Schema): Table {
  const aSchema = arrowSchema(schema);
  const children = schema.fields.map((f) => column(rows, f));
  const data = makeData({
    type: new Struct(aSchema.fields),
    length: rows.length,
    nullCount: 0,
    children,
  });
  return new Table(aSchema, [new RecordBatch(aSchema, data)]);
}

/**
 * Encode rows as Arrow IPC stream bytes — the form the native writer takes, one call per
 * micro-batch. Throws `DeltaError` (`SCHEMA_MISMATCH`) naming the row and column when a value
 * does not fit its type.
 *
 * @example
 * const bytes = encodeRows([{ id: 1n, name: 'a' }], {
 *   fields: [
 *     { name: 'id', type: 'long', nullable: false },
 *     { name: 'name', type: 'string', nullable: true },
 *   ],
 * });
 */
export function encodeRows(rows: readonly Row[], schema: Schema, tablePath = ''): Uint8Array {
  try {
    return tableToIPC(rowsToArrowTable(rows, schema), 'stream');
  } catch (e) {
    if (e instanceof EncodeError) {
      throw new DeltaError('SCHEMA_MISMATCH', tablePath, `${tablePath}: ${e.message}`, {
        cause: e,
      });
    }
    throw e;
  }
}
