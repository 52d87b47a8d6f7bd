import type { DataType, Schema } from '@pipekit/core';
import {
  type AsyncBuffer,
  asyncBufferFromFile,
  parquetMetadataAsync,
  parquetRead,
  parquetSchema,
} from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import type { Row } from '../row.js';

/**
 * Reads every row of a Parquet file as objects; 64-bit integers become numbers. Rows are built
 * here from arrays, with every column an own property: an object reader assigning a column
 * named `__proto__` would replace the row's prototype instead.
 */
export async function readParquet(file: string): Promise<Row[]> {
  return readRows(await asyncBufferFromFile(file));
}

/** {@link readParquet} of a file's bytes (read from an object store). */
export async function readParquetBytes(bytes: Uint8Array): Promise<Row[]> {
  const copy = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return readRows(copy as ArrayBuffer);
}

async function readRows(buffer: AsyncBuffer): Promise<Row[]> {
  const metadata = await parquetMetadataAsync(buffer);
  const names = parquetSchema(metadata).children.map((c) => c.element.name);
  const arrays = await new Promise<unknown[][]>((resolve, reject) => {
    parquetRead({
      file: buffer,
      metadata,
      rowFormat: 'array',
      onComplete: (rows) => resolve(rows as unknown[][]),
    }).catch(reject);
  });
  return arrays.map((values) => {
    const row: Row = {};
    names.forEach((name, i) => {
      const v = values[i];
      Object.defineProperty(row, name, {
        value: typeof v === 'bigint' ? Number(v) : v,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    });
    return row;
  });
}

type ParquetType =
  | 'BOOLEAN'
  | 'INT32'
  | 'INT64'
  | 'DOUBLE'
  | 'FLOAT'
  | 'STRING'
  | 'TIMESTAMP'
  | 'JSON'
  | 'BYTE_ARRAY';

function parquetType(t: DataType): ParquetType {
  if (typeof t !== 'string') return 'JSON';
  switch (t) {
    case 'string':
      return 'STRING';
    case 'boolean':
      return 'BOOLEAN';
    case 'byte':
    case 'short':
    case 'integer':
      return 'INT32';
    case 'long':
      return 'INT64';
    case 'float':
      return 'FLOAT';
    case 'timestamp':
    case 'date':
      return 'TIMESTAMP';
    case 'binary':
      return 'BYTE_ARRAY';
    default:
      return 'DOUBLE';
  }
}

function inferType(values: readonly unknown[]): ParquetType {
  const v = values.find((x) => x !== null && x !== undefined);
  if (typeof v === 'boolean') return 'BOOLEAN';
  if (typeof v === 'number')
    return values.every((x) => x === null || x === undefined || Number.isInteger(x))
      ? 'INT64'
      : 'DOUBLE';
  if (v instanceof Date) return 'TIMESTAMP';
  if (typeof v === 'object') return 'JSON';
  return 'STRING';
}

/** Rows as one Parquet file (snappy), column types from the schema or, without one, the values. */
export function formatParquet(rows: readonly Row[], schema: Schema | null): Uint8Array {
  const names = schema?.fields.map((f) => f.name) ?? [
    ...new Set(rows.flatMap((r) => Object.keys(r))),
  ];
  const columnData = names.map((name, i) => {
    const data = rows.map((r) => {
      const v = r[name];
      return v === undefined ? null : v;
    });
    const field = schema?.fields[i];
    let type: ParquetType = field ? parquetType(field.type) : inferType(data);
    if (type === 'STRING') {
      for (let j = 0; j < data.length; j++)
        if (data[j] !== null && typeof data[j] !== 'string') data[j] = String(data[j]);
    }
    if (type === 'INT64' && data.some((v) => typeof v === 'number' && !Number.isSafeInteger(v)))
      type = 'DOUBLE';
    if (type === 'INT64')
      for (let j = 0; j < data.length; j++)
        if (typeof data[j] === 'number') data[j] = BigInt(data[j] as number);
    return { name, data, type, nullable: field?.nullable ?? true };
  });
  return new Uint8Array(parquetWriteBuffer({ columnData }));
}
