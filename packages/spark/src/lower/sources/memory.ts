import { type DataType, type MemorySourceSpec, PipekitError, type Schema } from '@pipekit/core';
import {
  type DataType as ArrowType,
  Bool,
  DateDay,
  Float32,
  Float64,
  Int8,
  Int16,
  Int32,
  Int64,
  Table,
  TimestampMicrosecond,
  tableToIPC,
  Utf8,
  vectorFromArray,
} from 'apache-arrow';
import { type RelationInit, relation } from '../messages.js';
import { sparkSchemaJson } from '../schema-json.js';

function arrowType(t: DataType, path: string): ArrowType {
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
    case 'timestamp':
      return new TimestampMicrosecond('UTC');
    case 'date':
      return new DateDay();
  }
  throw new PipekitError('a memory source cannot be sent to Spark', [
    {
      path: path.split('.'),
      message: `a column of type ${typeof t === 'string' ? t : t.type} in inline rows is not supported on Spark`,
      fix: 'read such rows from a file or a table',
    },
  ]);
}

function cell(v: unknown, t: DataType): unknown {
  if (v === null || v === undefined) return null;
  if (t === 'timestamp' || t === 'date')
    return v instanceof Date ? v.getTime() : Date.parse(String(v));
  if (t === 'long') return BigInt(Math.trunc(Number(v)));
  return v;
}

/** Inline rows as a Spark local relation: an Arrow IPC stream with the plan's schema. */
export function memoryRelation(
  spec: MemorySourceSpec,
  schema: Schema | null,
  path: string,
): RelationInit {
  if (!schema)
    throw new PipekitError('a memory source cannot be sent to Spark', [
      {
        path: path.split('.'),
        message: 'inline rows need a schema on Spark',
        fix: 'declare the schema',
      },
    ]);
  const columns = Object.fromEntries(
    schema.fields.map((f) => [
      f.name,
      vectorFromArray(
        spec.rows.map((r) => cell(r[f.name], f.type)),
        arrowType(f.type, `${path}.schema.${f.name}`),
      ),
    ]),
  );
  const table = new Table(columns);
  return relation('localRelation', {
    data: tableToIPC(table, 'stream'),
    // Arrow columns built here are nullable; Spark refuses them for a non-nullable schema field.
    schema: sparkSchemaJson({ fields: schema.fields.map((f) => ({ ...f, nullable: true })) }),
  });
}
