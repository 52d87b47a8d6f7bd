import type { DataType } from '@pipekit/core';
import type pg from 'pg';

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

export type Parser = (text: string) => unknown;

const identity: Parser = (s) => s;
const toInt: Parser = (s) => Number.parseInt(s, 10);
/** int8 becomes a JS number: exact up to 2^53 (Spark's `long` as the runtime holds it). */
const toInt8: Parser = (s) => Number(s);
const toFloat: Parser = (s) => Number.parseFloat(s);
const toBool: Parser = (s) => s === 't' || s === 'true';
const c0 = 48;
const digits = (s: string, from: number, n: number): number => {
  let v = 0;
  for (let i = from; i < from + n; i++) v = v * 10 + s.charCodeAt(i) - c0;
  return v;
};

/**
 * `YYYY-MM-DD[ HH:MM:SS[.ffffff]][+HH[:MM]]` as epoch ms (UTC when no offset); NaN for anything
 * else (BC dates, `infinity`), which then goes through `Date.parse`. Hand-parsed: this runs for
 * every timestamp of every row, and `Date.parse` is several times slower.
 */
function parseTime(s: string): number {
  if (s.length < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
  let ms = Date.UTC(digits(s, 0, 4), digits(s, 5, 2) - 1, digits(s, 8, 2));
  if (s.length === 10) return ms;
  if (s.length < 19 || s.charCodeAt(13) !== 58) return Number.NaN;
  ms += digits(s, 11, 2) * 3_600_000 + digits(s, 14, 2) * 60_000 + digits(s, 17, 2) * 1000;
  let i = 19;
  if (s.charCodeAt(i) === 46) {
    let frac = 0;
    let scale = 1;
    i++;
    while (i < s.length && s.charCodeAt(i) >= c0 && s.charCodeAt(i) <= 57) {
      if (scale < 1000) {
        frac = frac * 10 + s.charCodeAt(i) - c0;
        scale *= 10;
      }
      i++;
    }
    ms += (frac * 1000) / scale;
  }
  if (i < s.length) {
    const sign = s[i] === '-' ? -1 : s[i] === '+' ? 1 : 0;
    if (sign === 0) return Number.NaN;
    const hh = digits(s, i + 1, 2);
    const mm = s.length >= i + 6 ? digits(s, i + 4, 2) : 0;
    const ss = s.length >= i + 9 ? digits(s, i + 7, 2) : 0;
    ms -= sign * (hh * 3_600_000 + mm * 60_000 + ss * 1000);
  }
  return ms;
}

export function toTime(s: string): Date {
  const ms = parseTime(s);
  return new Date(Number.isNaN(ms) ? Date.parse(s.replace(' ', 'T')) : ms);
}

/** A date is midnight UTC of that day. */
const toDate: Parser = toTime;
/** `timestamp` (no zone) is read as UTC wall time, the way the sink writes it. */
const toTimestamp: Parser = toTime;
/** The session runs in UTC, so timestamptz text ends in `+00`; other offsets are applied too. */
const toTimestamptz: Parser = toTime;
const toBytes: Parser = (s) =>
  s.startsWith('\\x')
    ? new Uint8Array(Buffer.from(s.slice(2), 'hex'))
    : new TextEncoder().encode(s);

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

/**
 * Parses an array literal (`{1,NULL,"a \\"b\\""}`, nested for more dimensions), applying
 * `element` to each non-NULL element's text.
 */
export function parseArray(text: string, element: Parser): unknown[] {
  let i = text.startsWith('[') ? text.indexOf('=') + 1 : 0; // skip explicit bounds `[0:1]=`
  const parse = (): unknown[] => {
    const out: unknown[] = [];
    i++; // '{'
    while (i < text.length) {
      const ch = text[i];
      if (ch === '}') {
        i++;
        return out;
      }
      if (ch === ',') {
        i++;
        continue;
      }
      if (ch === '{') {
        out.push(parse());
        continue;
      }
      if (ch === '"') {
        let s = '';
        i++;
        while (i < text.length && text[i] !== '"') {
          if (text[i] === '\\') i++;
          s += text[i];
          i++;
        }
        i++;
        out.push(element(s));
        continue;
      }
      let j = i;
      while (j < text.length && text[j] !== ',' && text[j] !== '}') j++;
      const raw = text.slice(i, j).trim();
      out.push(raw === 'NULL' ? null : element(raw));
      i = j;
    }
    return out;
  };
  return parse();
}

function arrayParser(element: Parser): Parser {
  return (s) => parseArray(s, element);
}

/** The parser of a type's text output (`identity` for types kept as text). */
export function parserFor(typeOid: number): Parser {
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
