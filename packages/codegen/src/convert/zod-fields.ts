import {
  binary,
  byte,
  type DataType,
  date,
  decimal,
  epochMillis,
  type Field,
  float,
  integer,
  long,
  short,
} from '@pipekit/core';
import { z } from 'zod';
import { ownValue } from './own.js';

/**
 * Column types as zod, in two halves kept side by side: the schema the converter hands the
 * builders, and the code the printer writes for it. Both read the same table, so the generated
 * file's schema gives the converter's plan.
 */
type ZodCode = { readonly code: string; readonly helpers: readonly string[] };

/** Spark types zod has no own type for: core's helpers, which tag the zod schema for `schemaFromZod`. */
const helperSchemas: Readonly<Record<string, () => z.ZodType>> = {
  integer,
  short,
  byte,
  float,
  date,
  binary,
};

function baseSchema(t: DataType): z.ZodType {
  if (typeof t === 'string') {
    if (t === 'string') return z.string();
    if (t === 'double') return z.number();
    if (t === 'long') return long();
    if (t === 'boolean') return z.boolean();
    if (t === 'timestamp') return z.coerce.date();
    const dec = /^decimal\((\d+),(\d+)\)$/.exec(t);
    if (dec) return decimal(Number(dec[1]), Number(dec[2]));
    const helper = ownValue(helperSchemas, t);
    if (!helper) throw new Error(`no zod schema for column type '${t}'`);
    return helper();
  }
  switch (t.type) {
    case 'array':
      return z.array(nullableIf(baseSchema(t.elementType), t.containsNull));
    case 'map':
      return z.record(z.string(), nullableIf(baseSchema(t.valueType), t.valueContainsNull));
    case 'struct':
      return zodObject(t.fields);
  }
}

function baseCode(t: DataType): ZodCode {
  if (typeof t === 'string') {
    if (t === 'string') return { code: 'z.string()', helpers: [] };
    if (t === 'double') return { code: 'z.number()', helpers: [] };
    if (t === 'long') return { code: 'long()', helpers: ['long'] };
    if (t === 'boolean') return { code: 'z.boolean()', helpers: [] };
    if (t === 'timestamp') return { code: 'z.coerce.date()', helpers: [] };
    const dec = /^decimal\((\d+),(\d+)\)$/.exec(t);
    if (dec) return { code: `decimal(${dec[1]}, ${dec[2]})`, helpers: ['decimal'] };
    if (!ownValue(helperSchemas, t)) throw new Error(`no zod schema for column type '${t}'`);
    return { code: `${t}()`, helpers: [t] };
  }
  switch (t.type) {
    case 'array': {
      const el = nullableCode(baseCode(t.elementType), t.containsNull);
      return { code: `z.array(${el.code})`, helpers: el.helpers };
    }
    case 'map': {
      const v = nullableCode(baseCode(t.valueType), t.valueContainsNull);
      return { code: `z.record(z.string(), ${v.code})`, helpers: v.helpers };
    }
    case 'struct': {
      const fields = t.fields.map((f) => ({ key: f.name, ...fieldCode(f) }));
      const body = fields.map((f) => `${propertyKey(f.key)}: ${f.code}`).join(', ');
      return { code: `z.object({ ${body} })`, helpers: fields.flatMap((f) => f.helpers) };
    }
  }
}

function nullableIf(s: z.ZodType, nullable: boolean): z.ZodType {
  return nullable ? s.nullable() : s;
}

function nullableCode(c: ZodCode, nullable: boolean): ZodCode {
  return nullable ? { code: `${c.code}.nullable()`, helpers: c.helpers } : c;
}

export function fieldSchema(f: Field): z.ZodType {
  return nullableIf(f.logical === 'epochMillis' ? epochMillis() : baseSchema(f.type), f.nullable);
}

/** The zod code of one column and the `@pipekit/core` helpers it uses. */
export function fieldCode(f: Field): ZodCode {
  const base =
    f.logical === 'epochMillis'
      ? { code: 'epochMillis()', helpers: ['epochMillis'] }
      : baseCode(f.type);
  return nullableCode(base, f.nullable);
}

export function zodObject(fields: readonly Field[]): z.ZodObject {
  return z.object(Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])));
}

/** An object key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

/** A single-quoted JavaScript string. */
export function quote(s: string): string {
  const body = JSON.stringify(s)
    .slice(1, -1)
    .replaceAll("\\'", "'")
    .replaceAll('\\"', '"')
    .replaceAll("'", "\\'");
  return `'${body}'`;
}
