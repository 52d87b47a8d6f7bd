import { type DataType, type Field, formatDataType, type Schema } from '@pipekit/core';
import type { ToRowResult } from '../connector.js';
import { type Row, recordText } from '../row.js';

/** Coerces one value; returns `invalid` with a reason when it cannot. */
type ValueCoercer = (v: unknown) => unknown;

const invalid = Symbol('invalid');
let lastReason = '';

function fail(reason: string): typeof invalid {
  lastReason = reason;
  return invalid;
}

function describe(v: unknown): string {
  if (v instanceof Date) return 'a Date';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}

function toNumber(v: unknown, t: string, integer: boolean): unknown {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'bigint') n = Number(v);
  else if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) n = Number(v);
  else return fail(`expected ${t}, got ${describe(v)}`);
  if (integer && !Number.isInteger(n)) return fail(`expected ${t}, got ${describe(v)}`);
  return n;
}

function toTime(v: unknown, t: string): unknown {
  if (v instanceof Date)
    return Number.isNaN(v.getTime()) ? fail(`expected ${t}, got an invalid Date`) : v;
  if (typeof v === 'number') return new Date(v);
  if (typeof v === 'bigint') return new Date(Number(v));
  if (typeof v === 'string') {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? fail(`expected ${t}, got ${describe(v)}`) : d;
  }
  return fail(`expected ${t}, got ${describe(v)}`);
}

function toEpochMillis(v: unknown): unknown {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  const d = toTime(v, 'epoch milliseconds');
  return d instanceof Date ? d.getTime() : d;
}

function coercerOf(type: DataType, logical: Field['logical']): ValueCoercer {
  if (logical === 'epochMillis') return toEpochMillis;
  if (typeof type === 'string') {
    switch (type) {
      case 'string':
        return (v) =>
          typeof v === 'string'
            ? v
            : typeof v === 'number' || typeof v === 'boolean'
              ? String(v)
              : fail(`expected string, got ${describe(v)}`);
      case 'byte':
      case 'short':
      case 'integer':
      case 'long':
        return (v) => toNumber(v, type, true);
      case 'boolean':
        return (v) =>
          typeof v === 'boolean'
            ? v
            : v === 'true'
              ? true
              : v === 'false'
                ? false
                : fail(`expected boolean, got ${describe(v)}`);
      case 'timestamp':
      case 'date':
        return (v) => toTime(v, type);
      case 'binary':
        return (v) =>
          v instanceof Uint8Array || typeof v === 'string'
            ? v
            : fail(`expected binary, got ${describe(v)}`);
      default:
        // float, double, decimal(p,s): held as JS numbers
        return (v) => toNumber(v, type, false);
    }
  }
  switch (type.type) {
    case 'array': {
      const el = coercerOf(type.elementType, undefined);
      return (v) => {
        if (!Array.isArray(v)) return fail(`expected ${formatDataType(type)}, got ${describe(v)}`);
        const out: unknown[] = [];
        for (const x of v) {
          if (x === null || x === undefined) {
            if (!type.containsNull) return fail('array holds a null');
            out.push(null);
            continue;
          }
          const c = el(x);
          if (c === invalid) return invalid;
          out.push(c);
        }
        return out;
      };
    }
    case 'struct': {
      const inner = compileFields(type.fields);
      return (v) =>
        typeof v === 'object' && v !== null && !Array.isArray(v)
          ? inner(v as Row)
          : fail(`expected a struct, got ${describe(v)}`);
    }
    case 'map':
      return (v) =>
        typeof v === 'object' && v !== null && !Array.isArray(v)
          ? v
          : fail(`expected a map, got ${describe(v)}`);
  }
}

function compileFields(fields: readonly Field[]): (record: Row) => Row | typeof invalid {
  const cs = fields.map((f) => ({
    name: f.name,
    nullable: f.nullable,
    coerce: coercerOf(f.type, f.logical),
  }));
  return (record) => {
    const out: Row = {};
    for (const c of cs) {
      const v = record[c.name];
      if (v === null || v === undefined) {
        if (!c.nullable) return fail(`column '${c.name}' is missing or null but not nullable`);
        out[c.name] = null;
        continue;
      }
      const x = c.coerce(v);
      if (x === invalid) {
        lastReason = `column '${c.name}': ${lastReason}`;
        return invalid;
      }
      out[c.name] = x;
    }
    return out;
  };
}

/**
 * The function that checks a raw record against a schema and coerces it (ISO text to Dates,
 * numeric text to numbers; unknown keys dropped). Compiled once per schema.
 */
export function rowCoercer(
  schema: Schema | null,
  nodeId: string,
): (record: unknown, position: string) => ToRowResult {
  const bad = (reason: string, record: unknown, position: string): ToRowResult => ({
    ok: false,
    bad: { reason, node: nodeId, position, record: recordText(record) },
  });
  if (!schema) {
    return (record, position) =>
      typeof record === 'object' && record !== null && !Array.isArray(record)
        ? { ok: true, row: record as Row }
        : bad(`expected an object, got ${describe(record)}`, record, position);
  }
  const fields = compileFields(schema.fields);
  return (record, position) => {
    if (typeof record !== 'object' || record === null || Array.isArray(record))
      return bad(`expected an object, got ${describe(record)}`, record, position);
    const row = fields(record as Row);
    return row === invalid ? bad(lastReason, record, position) : { ok: true, row };
  };
}
