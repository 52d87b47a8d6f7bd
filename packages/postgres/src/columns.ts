import type { Row } from '@pipekit/core';
import {
  type DataType,
  type Field,
  formatDataType,
  isNumericType,
  PipekitError,
  type Schema,
} from '@pipekit/core';
import { arrayElement, oid } from './types.js';

/** A result column as pg reports it. */
export interface ResultField {
  readonly name: string;
  readonly dataTypeID: number;
}

export type Convert = (v: unknown) => unknown;

const jsonTypes = new Set<number>([oid.json, oid.jsonb]);
const numberTypes = new Set<number>([oid.int2, oid.int4, oid.int8, oid.float4, oid.float8, 26]);
const stringTypes = new Set<number>([oid.text, oid.varchar, oid.bpchar, oid.uuid, 19, 18]);
const timeTypes = new Set<number>([oid.date, oid.timestamp, oid.timestamptz]);

const parseJson: Convert = (v) => (typeof v === 'string' ? JSON.parse(v) : v);
const toNumber: Convert = (v) => (typeof v === 'string' ? Number(v) : v);

function family(
  t: DataType,
): 'number' | 'string' | 'boolean' | 'time' | 'binary' | 'array' | 'nested' {
  if (typeof t !== 'string') return t.type === 'array' ? 'array' : 'nested';
  if (isNumericType(t)) return 'number';
  if (t === 'date' || t === 'timestamp') return 'time';
  if (t === 'string' || t === 'boolean' || t === 'binary') return t;
  return 'nested';
}

/**
 * How one column's parsed value becomes the declared type: `numeric` text becomes a number when
 * the schema declares a number (decimal, double, ...), json text is parsed unless the schema
 * declares a string. `undefined`: no conversion. Returns an error text when the types do not fit.
 */
function converterFor(
  typeOid: number,
  declared: DataType | undefined,
): Convert | undefined | string {
  const el = arrayElement.get(typeOid);
  if (el !== undefined) {
    if (declared === undefined) {
      const inner = converterFor(el, undefined);
      return typeof inner === 'function' ? mapArray(inner) : undefined;
    }
    if (typeof declared === 'string' || declared.type !== 'array') return 'an array';
    const inner = converterFor(el, declared.elementType);
    return typeof inner === 'string' ? `an array of ${inner}` : inner && mapArray(inner);
  }
  if (jsonTypes.has(typeOid)) return declared === 'string' ? undefined : parseJson;
  if (declared === undefined) return undefined;
  const f = family(declared);
  if (typeOid === oid.numeric)
    return f === 'number' ? toNumber : f === 'string' ? undefined : 'numeric';
  if (numberTypes.has(typeOid))
    return f === 'number' ? undefined : f === 'string' ? String : 'a number';
  if (timeTypes.has(typeOid)) return f === 'time' ? undefined : 'a date/time';
  if (typeOid === oid.bool) return f === 'boolean' ? undefined : 'a boolean';
  if (typeOid === oid.bytea) return f === 'binary' ? undefined : 'bytea';
  if (stringTypes.has(typeOid)) return f === 'string' ? undefined : 'text';
  // Other types (interval, inet, time, ...) arrive as their text.
  return f === 'string' ? undefined : `type oid ${typeOid} (read as text)`;
}

function mapArray(inner: Convert): Convert {
  return (v) => (Array.isArray(v) ? v.map((e) => (e === null ? null : inner(e))) : v);
}

/** Turns result rows (arrays, in field order) into row objects of the declared schema. */
export type RowBuilder = (values: readonly unknown[]) => Row;

/** One result column as a row gets it: where it is, its type, and how its value is converted. */
export interface ColumnPlan {
  readonly name: string;
  /** Position in the result's fields. */
  readonly index: number;
  readonly typeOid: number;
  /** Applied to the parsed (non-NULL) value; `undefined`: none. */
  readonly convert: Convert | undefined;
  /** Whether `convert` turns a Date into epoch milliseconds (`logical: 'epochMillis'`). */
  readonly epochMillis: boolean;
}

const toEpochMillis: Convert = (v) => (v as Date).getTime();

/**
 * The columns a row gets from `fields` under `schema` (null: every column, numeric as text, json
 * parsed), in field order.
 * @throws PipekitError when a declared column is missing or its type does not fit the Postgres type.
 */
export function columnPlan(
  fields: readonly ResultField[],
  schema: Schema | null,
  what: string,
): ColumnPlan[] {
  const declared = new Map<string, Field>(schema?.fields.map((f) => [f.name, f]) ?? []);
  const plan: ColumnPlan[] = [];
  const problems: string[] = [];
  fields.forEach((f, i) => {
    const d = declared.get(f.name);
    if (schema !== null && d === undefined) return; // not declared: dropped, as the runtime does
    const epochMillis = d?.logical === 'epochMillis' && timeTypes.has(f.dataTypeID);
    const c = epochMillis ? toEpochMillis : converterFor(f.dataTypeID, d?.type);
    if (typeof c === 'string') {
      problems.push(
        `column '${f.name}' is ${c} in Postgres but the schema declares ${formatDataType(d!.type)}`,
      );
      return;
    }
    plan.push({ name: f.name, index: i, typeOid: f.dataTypeID, convert: c, epochMillis });
  });
  const present = new Set(fields.map((f) => f.name));
  for (const f of declared.values())
    if (!present.has(f.name))
      problems.push(`column '${f.name}' is declared in the schema but ${what} has no such column`);
  if (problems.length > 0)
    throw new PipekitError(
      `the postgres source does not fit its schema`,
      problems.map((message) => ({ path: ['schema'], message })),
    );
  return plan;
}

/** Whether a column's conversion is `numeric` text to a number (as `Number(text)`). */
export function isToNumber(c: Convert | undefined): boolean {
  return c === toNumber;
}

/**
 * A row builder for `fields` under `schema` (see `columnPlan`).
 * @throws PipekitError when a declared column is missing or its type does not fit the Postgres type.
 */
export function rowBuilder(
  fields: readonly ResultField[],
  schema: Schema | null,
  what: string,
): RowBuilder {
  const plan = columnPlan(fields, schema, what);
  const names = plan.map((c) => c.name);
  const indexes = plan.map((c) => c.index);
  const converters = plan.map((c) => c.convert);
  const n = names.length;
  return (values) => {
    const row: Row = {};
    for (let j = 0; j < n; j++) {
      const v = values[indexes[j]!];
      const c = converters[j];
      row[names[j]!] = c === undefined || v === null ? v : c(v);
    }
    return row;
  };
}
