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

/** Spark's integral types' ranges; a value outside is a bad record, as in Spark's readers. */
const integerRanges: Readonly<Record<string, readonly [number, number]>> = {
  byte: [-128, 127],
  short: [-32768, 32767],
  integer: [-2147483648, 2147483647],
  // Long.MAX_VALUE rounds to 2^63 as a double; beyond it a long cannot hold the value at all.
  long: [-(2 ** 63), 2 ** 63],
};

function toNumber(v: unknown, t: string, integer: boolean): unknown {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'bigint') n = Number(v);
  else if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) n = Number(v);
  else return fail(`expected ${t}, got ${describe(v)}`);
  if (integer && !Number.isInteger(n)) return fail(`expected ${t}, got ${describe(v)}`);
  const range = integerRanges[t];
  if (range !== undefined && (n < range[0] || n > range[1]))
    return fail(`${describe(v)} is out of range for ${t} (${range[0]} to ${range[1]})`);
  return n;
}

/** The value of decimal digits `s[i, i + n)`, or -1 when one is not a digit. */
function digits(s: string, i: number, n: number): number {
  let v = 0;
  for (let j = i; j < i + n; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

const monthDays = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The time of `2026-01-02T03:04:05.678Z` or `2026-01-02T03:04:05Z` (what `toISOString` and most
 * JSON writers produce), read by hand: several times faster than `new Date(text)`, which stays the
 * reference: any other form or any field out of range (offsets, date only, year < 100, Feb 30,
 * 24:00, leap seconds) gives NaN here and is left to `new Date`, so the result is always the same.
 */
export function isoUtcMillis(s: string): number {
  const n = s.length;
  if (n !== 24 && n !== 20) return Number.NaN;
  if (
    s.charCodeAt(4) !== 45 || // -
    s.charCodeAt(7) !== 45 ||
    s.charCodeAt(10) !== 84 || // T
    s.charCodeAt(13) !== 58 || // :
    s.charCodeAt(16) !== 58 ||
    s.charCodeAt(n - 1) !== 90 || // Z
    (n === 24 && s.charCodeAt(19) !== 46) // .
  )
    return Number.NaN;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  const h = digits(s, 11, 2);
  const mi = digits(s, 14, 2);
  const sec = digits(s, 17, 2);
  const ms = n === 24 ? digits(s, 20, 3) : 0;
  if (y < 100 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59)
    return Number.NaN;
  if (sec < 0 || sec > 59 || ms < 0) return Number.NaN;
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  if (d > monthDays[mo - 1]! + (leap ? 1 : 0)) return Number.NaN;
  return Date.UTC(y, mo - 1, d, h, mi, sec, ms);
}

function toTime(v: unknown, t: string): unknown {
  if (v instanceof Date)
    return Number.isNaN(v.getTime()) ? fail(`expected ${t}, got an invalid Date`) : v;
  // Beyond ±8.64e15 ms a Date is invalid: a bad record, not an Invalid Date in the row.
  if (typeof v === 'number' || typeof v === 'bigint') {
    const d = new Date(Number(v));
    return Number.isNaN(d.getTime()) ? fail(`expected ${t}, got ${describe(v)} (out of range)`) : d;
  }
  if (typeof v === 'string') {
    const ms = isoUtcMillis(v);
    if (!Number.isNaN(ms)) return new Date(ms);
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

type FieldsCoercer = (record: Row) => Row | typeof invalid;

/** Prefixes the last reason with the column, for a nested coercer's failure. */
function inColumn(name: string): typeof invalid {
  lastReason = `column '${name}': ${lastReason}`;
  return invalid;
}

/**
 * Sets a column as an own property; a plain assignment to a column named `__proto__` would set
 * the row's prototype instead and drop the value.
 */
function setColumn(row: Row, name: string, value: unknown): void {
  if (name === '__proto__')
    Object.defineProperty(row, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  else row[name] = value;
}

/** The field-by-field coercer, for schemas the compiled one does not take. */
function fieldsByLoop(fields: readonly Field[]): FieldsCoercer {
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
        setColumn(out, c.name, null);
        continue;
      }
      const x = c.coerce(v);
      if (x === invalid) return inColumn(c.name);
      setColumn(out, c.name, x);
    }
    return out;
  };
}

/**
 * A test, inlined in the compiled coercer, for values that are already of the column's type (the
 * per-type coercer would return them as they are); null when there is none.
 */
function alreadyOf(f: Field, v: string): string | null {
  if (f.logical === 'epochMillis') return `typeof ${v} === 'number' && Number.isInteger(${v})`;
  switch (f.type) {
    case 'string':
      return `typeof ${v} === 'string'`;
    case 'boolean':
      return `typeof ${v} === 'boolean'`;
    case 'byte':
    case 'short':
    case 'integer':
    case 'long': {
      const [lo, hi] = integerRanges[f.type] as readonly [number, number];
      return `typeof ${v} === 'number' && Number.isInteger(${v}) && ${v} >= ${lo} && ${v} <= ${hi}`;
    }
    case 'float':
    case 'double':
      return `typeof ${v} === 'number'`;
    default:
      return typeof f.type === 'string' && f.type.startsWith('decimal')
        ? `typeof ${v} === 'number'`
        : null;
  }
}

/**
 * Checks and coerces a record to `fields`, compiled once per schema into one function: values
 * already of their column's type pass inline, ISO timestamps are read by `isoUtcMillis`, anything
 * else goes to the per-type coercer (which also words the errors); the row is built as one object
 * literal, so every row of a schema has the same shape. Same results as `fieldsByLoop`, 2–4×
 * faster on wide JSON records.
 */
function compileFields(fields: readonly Field[]): FieldsCoercer {
  if (fields.length === 0 || fields.length > 200 || fields.some((f) => f.name === '__proto__'))
    return fieldsByLoop(fields);
  const cs = fields.map((f) => coercerOf(f.type, f.logical));
  const lines: string[] = ['let t;'];
  fields.forEach((f, i) => {
    const v = `v${i}`;
    const name = JSON.stringify(f.name);
    const slow = `{ ${v} = c[${i}](${v}); if (${v} === invalid) return inColumn(${name}); }`;
    lines.push(`let ${v} = r[${name}];`);
    lines.push(
      `if (${v} === null || ${v} === undefined) ${
        f.nullable
          ? `${v} = null;`
          : `return fail(${JSON.stringify(`column '${f.name}' is missing or null but not nullable`)});`
      }`,
    );
    const fast = alreadyOf(f, v);
    const time = f.logical !== 'epochMillis' && (f.type === 'timestamp' || f.type === 'date');
    if (time)
      lines.push(
        `else if (typeof ${v} === 'string' && (t = isoUtcMillis(${v})) === t) ${v} = new Date(t);`,
      );
    if (fast !== null) lines.push(`else if (!(${fast})) ${slow}`);
    else lines.push(`else ${slow}`);
  });
  lines.push(`return { ${fields.map((f, i) => `${JSON.stringify(f.name)}: v${i}`).join(', ')} };`);
  return new Function(
    'c',
    'invalid',
    'fail',
    'inColumn',
    'isoUtcMillis',
    `return (r) => {\n${lines.join('\n')}\n};\n//# sourceURL=pipekit-coerce.js`,
  )(cs, invalid, fail, inColumn, isoUtcMillis) as FieldsCoercer;
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
