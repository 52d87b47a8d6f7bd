import type { DataType, Field, Row, Schema } from '@pipekit/core';
import {
  Field as ArrowField,
  Schema as ArrowSchema,
  type DataType as ArrowType,
  Binary,
  Bool,
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
import { type ColumnSink, encodeColumns } from './arrow-columns.js';
import {
  decimalWords,
  EncodeError,
  fail,
  toBigInt,
  toDayMillis,
  toInteger,
  toMillis,
} from './arrow-values.js';
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

export { decimalWords };

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

/** A struct, array or map column through apache-arrow's builders. */
function builtSink(f: Field, _length: number, base: number): ColumnSink {
  const builder = makeBuilder({ type: arrowType(f.type), nullValues: [null, undefined] });
  return {
    put(v, i) {
      builder.append(prepare(v, f.type, f.nullable, `row ${base + i}, column ${f.name}`) as never);
    },
    finish() {
      const data = builder.flush();
      builder.finish();
      return data;
    },
  };
}

/** Rows as an apache-arrow `Table` in the given schema. Unknown keys in rows are ignored. */
export function rowsToArrowTable(rows: readonly Row[], schema: Schema): Table {
  return rangeToArrowTable(rows, 0, rows.length, schema);
}

function rangeToArrowTable(
  rows: readonly Row[],
  start: number,
  end: number,
  schema: Schema,
): Table {
  const aSchema = arrowSchema(schema);
  const children = encodeColumns(rows, start, end, schema.fields, builtSink);
  const data = makeData({
    type: new Struct(aSchema.fields),
    length: end - start,
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
  return encodeRowRange(rows, 0, rows.length, schema, tablePath);
}

/** {@link encodeRows} of `rows[start..end)`; error messages give row indexes in `rows`. */
export function encodeRowRange(
  rows: readonly Row[],
  start: number,
  end: number,
  schema: Schema,
  tablePath = '',
): Uint8Array {
  try {
    return tableToIPC(rangeToArrowTable(rows, start, end, schema), 'stream');
  } catch (e) {
    if (e instanceof EncodeError) {
      throw new DeltaError('SCHEMA_MISMATCH', tablePath, `${tablePath}: ${e.message}`, {
        cause: e,
      });
    }
    throw e;
  }
}
