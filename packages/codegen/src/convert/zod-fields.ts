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
import { call, type Emit, method, object, textOf, token } from '../print/emit.js';

export { propertyKey, quote } from '../print/js-text.js';

/**
 * Column types as zod, in two halves kept side by side: the schema the converter hands the
 * builders, and the code the printer writes for it. Both read the same table, so the generated
 * file's schema gives the converter's plan.
 */
type ZodPiece = { readonly emit: Emit; readonly helpers: readonly string[] };
type ZodCode = ZodPiece & { readonly code: string };

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
    const helper = helperSchemas[t];
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

/** `z.name(args)`. */
const zod = (name: string, args: readonly Emit[] = []): Emit => method(token('z'), name, args);

function baseCode(t: DataType): ZodPiece {
  if (typeof t === 'string') {
    if (t === 'string') return { emit: zod('string'), helpers: [] };
    if (t === 'double') return { emit: zod('number'), helpers: [] };
    if (t === 'long') return { emit: call('long', []), helpers: ['long'] };
    if (t === 'boolean') return { emit: zod('boolean'), helpers: [] };
    if (t === 'timestamp') return { emit: method(token('z.coerce'), 'date', []), helpers: [] };
    const dec = /^decimal\((\d+),(\d+)\)$/.exec(t);
    if (dec)
      return { emit: call('decimal', [token(dec[1]!), token(dec[2]!)]), helpers: ['decimal'] };
    if (!helperSchemas[t]) throw new Error(`no zod schema for column type '${t}'`);
    return { emit: call(t, []), helpers: [t] };
  }
  switch (t.type) {
    case 'array': {
      const el = nullableCode(baseCode(t.elementType), t.containsNull);
      return { emit: zod('array', [el.emit]), helpers: el.helpers };
    }
    case 'map': {
      const v = nullableCode(baseCode(t.valueType), t.valueContainsNull);
      return { emit: zod('record', [zod('string'), v.emit]), helpers: v.helpers };
    }
    case 'struct': {
      const fields = t.fields.map((f) => ({ key: f.name, ...fieldCode(f) }));
      return {
        emit: zod('object', [object(fields.map((f) => [f.key, f.emit] as const))]),
        helpers: fields.flatMap((f) => f.helpers),
      };
    }
  }
}

function nullableIf(s: z.ZodType, nullable: boolean): z.ZodType {
  return nullable ? s.nullable() : s;
}

function nullableCode(c: ZodPiece, nullable: boolean): ZodPiece {
  return nullable ? { emit: method(c.emit, 'nullable', []), helpers: c.helpers } : c;
}

export function fieldSchema(f: Field): z.ZodType {
  return nullableIf(f.logical === 'epochMillis' ? epochMillis() : baseSchema(f.type), f.nullable);
}

/** The zod code of one column and the `@pipekit/core` helpers it uses. */
export function fieldCode(f: Field): ZodCode {
  const base =
    f.logical === 'epochMillis'
      ? { emit: call('epochMillis', []), helpers: ['epochMillis'] }
      : baseCode(f.type);
  const piece = nullableCode(base, f.nullable);
  return { ...piece, code: textOf(piece.emit) };
}

export function zodObject(fields: readonly Field[]): z.ZodObject {
  return z.object(Object.fromEntries(fields.map((f) => [f.name, fieldSchema(f)])));
}
