import type { DataType } from '@pipekit/core';
import pg from 'pg';

/** Type OIDs of the built-in types pipekit maps (pg_type.oid; stable across servers). */
export const oid = {
  bool: 16,
  bytea: 17,
  int8: 20,
  int2: 21,
  int4: 23,
  text: 25,
  json: 114,
  float4: 700,
  float8: 701,
  bpchar: 1042,
  varchar: 1043,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  numeric: 1700,
  uuid: 2950,
  jsonb: 3802,
} as const;

type Parser = (text: string) => unknown;

const identity: Parser = (s) => s;
const toInt: Parser = (s) => Number.parseInt(s, 10);
/** int8 becomes a JS number: exact up to 2^53 (Spark's `long` as the runtime holds it). */
const toInt8: Parser = (s) => Number(s);
const toFloat: Parser = (s) => Number.parseFloat(s);
const toBool: Parser = (s) => s === 't' || s === 'true';
/** A date is midnight UTC of that day. */
const toDate: Parser = (s) => new Date(`${s}T00:00:00Z`);
/** `timestamp` (no zone) is read as UTC wall time, the way the sink writes it. */
const toTimestamp: Parser = (s) => new Date(`${s.replace(' ', 'T')}Z`);
/** The session runs in UTC, so timestamptz text ends in `+00`. */
const toTimestamptz: Parser = (s) => new Date(/[+-]\d\d$/.test(s) ? `${s.replace(' ', 'T')}:00` : s.replace(' ', 'T'));
const toBytes: Parser = (s) =>
  s.startsWith('\\x') ? new Uint8Array(Buffer.from(s.slice(2), 'hex')) : new TextEncoder().encode(s);

/**
 * Parsers by type OID for the text the server sends. `numeric` and `json`/`jsonb` stay text here;
 * the reader turns them into numbers / values per column, by the declared schema (see `readers.ts`).
 */
const scalarParsers = new Map<number, Parser>([
  [oid.bool, toBool],
  [oid.bytea, toBytes],
  [oid.int8, toInt8],
  [oid.int2, toInt],
  [oid.int4, toInt],
  [26, toInt], // oid
  [oid.float4, toFloat],
  [oid.float8, toFloat],
  [oid.date, toDate],
  [oid.timestamp, toTimestamp],
  [oid.timestamptz, toTimestamptz],
]);

/** Array type OID → element type OID, for the arrays pipekit maps. */
export const arrayElement = new Map<number, number>([
  [1000, oid.bool],
  [1001, oid.bytea],
  [1005, oid.int2],
  [1007, oid.int4],
  [1016, oid.int8],
  [1009, oid.text],
  [1014, oid.bpchar],
  [1015, oid.varchar],
  [1021, oid.float4],
  [1022, oid.float8],
  [1231, oid.numeric],
  [2951, oid.uuid],
  [1182, oid.date],
  [1115, oid.timestamp],
  [1185, oid.timestamptz],
  [199, oid.json],
  [3807, oid.jsonb],
]);

function arrayParser(element: Parser): Parser {
  return (s) => pg.types.arrayParser(s, (e: string | null) => (e === null ? null : element(e)));
}

function parserFor(typeOid: number): Parser {
  const scalar = scalarParsers.get(typeOid);
  if (scalar) return scalar;
  const el = arrayElement.get(typeOid);
  if (el !== undefined) return arrayParser(scalarParsers.get(el) ?? identity);
  return identity;
}

/** The `types` option for pg clients: text-format parsers per OID (binary results are not used). */
export const typeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((typeOid: number) => parserFor(typeOid)) as pg.CustomTypesConfig['getTypeParser'],
};

/** A column as the catalog describes it. */
export interface PgColumn {
  readonly name: string;
  /** `format_type` text: `integer`, `numeric(12,2)`, `timestamp with time zone`, `text[]`. */
  readonly type: string;
  readonly nullable: boolean;
}

/** The element type text of an array type (`integer[]` → `integer`), or null. */
export function elementTypeOf(type: string): string | null {
  return type.endsWith('[]') ? type.slice(0, -2) : null;
}

/**
 * The pipekit column type of a Postgres type (its `format_type` text). `numeric` without a
 * precision, json/jsonb, uuid and unknown types are strings; timestamps and dates are Dates.
 */
export function dataTypeOf(type: string): DataType {
  const el = elementTypeOf(type);
  if (el !== null) return { type: 'array', elementType: dataTypeOf(el), containsNull: true };
  const numeric = /^numeric\((\d+),(\d+)\)$/.exec(type);
  if (numeric) return `decimal(${Number(numeric[1])},${Number(numeric[2])})`;
  if (/^numeric\((\d+)\)$/.test(type)) return `decimal(${Number(type.slice(8, -1))},0)`;
  switch (type) {
    case 'smallint':
      return 'short';
    case 'integer':
      return 'integer';
    case 'bigint':
      return 'long';
    case 'real':
      return 'float';
    case 'double precision':
      return 'double';
    case 'boolean':
      return 'boolean';
    case 'bytea':
      return 'binary';
    case 'date':
      return 'date';
    default:
      return type.startsWith('timestamp') ? 'timestamp' : 'string';
  }
}

/** The Postgres type for a pipekit column type, for `createTable`. Structs and maps become jsonb. */
export function pgTypeOf(t: DataType): string {
  if (typeof t !== 'string') {
    if (t.type === 'array') {
      const el = pgTypeOf(t.elementType);
      return el === 'jsonb' && typeof t.elementType !== 'string' ? 'jsonb' : `${el}[]`;
    }
    return 'jsonb';
  }
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(t);
  if (decimal) return `numeric(${decimal[1]},${decimal[2]})`;
  switch (t) {
    case 'string':
      return 'text';
    case 'byte':
    case 'short':
      return 'smallint';
    case 'integer':
      return 'integer';
    case 'long':
      return 'bigint';
    case 'float':
      return 'real';
    case 'double':
      return 'double precision';
    case 'boolean':
      return 'boolean';
    case 'binary':
      return 'bytea';
    case 'date':
      return 'date';
    default:
      return 'timestamp with time zone';
  }
}
