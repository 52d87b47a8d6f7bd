import type { z } from 'zod';
import { PipekitError } from '../errors/pipekit-error.js';
import type { DataType, Field, Schema } from './data-type.js';

interface Introspected {
  readonly type: DataType;
  readonly nullable: boolean;
  readonly logical?: 'epochMillis';
}

type AnySchema = z.core.$ZodType;

function defOf(s: AnySchema): { type: string } & Record<string, unknown> {
  return s._zod.def as unknown as { type: string } & Record<string, unknown>;
}

function metaOf(s: AnySchema): Record<string, unknown> | undefined {
  const meta = (s as { meta?: () => Record<string, unknown> | undefined }).meta;
  return typeof meta === 'function' ? meta.call(s) : undefined;
}

function introspect(s: AnySchema, path: string): Introspected {
  const declared = metaOf(s)?.pipekitType;
  const def = defOf(s);
  if (typeof declared === 'string' && def.type !== 'nullable' && def.type !== 'optional') {
    if (declared === 'epochMillis')
      return { type: 'long', nullable: false, logical: 'epochMillis' };
    return { type: declared as DataType, nullable: false };
  }
  switch (def.type) {
    case 'string':
    case 'enum':
    case 'uuid':
      return { type: 'string', nullable: false };
    case 'literal': {
      const values = def.values as unknown[];
      const t = typeof values[0];
      return {
        type: t === 'number' ? 'double' : t === 'boolean' ? 'boolean' : 'string',
        nullable: false,
      };
    }
    case 'number':
      return { type: (s as { isInt?: boolean }).isInt ? 'long' : 'double', nullable: false };
    case 'bigint':
      return { type: 'long', nullable: false };
    case 'boolean':
      return { type: 'boolean', nullable: false };
    case 'date':
      return { type: 'timestamp', nullable: false };
    case 'nullable':
    case 'optional': {
      const inner = introspect(def.innerType as AnySchema, path);
      return { ...inner, nullable: true };
    }
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
      return introspect(def.innerType as AnySchema, path);
    case 'pipe':
      return introspect(def.out as AnySchema, path);
    case 'array': {
      const el = introspect(def.element as AnySchema, `${path}[]`);
      return {
        type: { type: 'array', elementType: el.type, containsNull: el.nullable },
        nullable: false,
      };
    }
    case 'object':
      return {
        type: { type: 'struct', fields: zodObjectFields(s as z.ZodObject, path) },
        nullable: false,
      };
    case 'record': {
      const value = introspect(def.valueType as AnySchema, `${path}{}`);
      return {
        type: {
          type: 'map',
          keyType: 'string',
          valueType: value.type,
          valueContainsNull: value.nullable,
        },
        nullable: false,
      };
    }
    default:
      throw new PipekitError(`the schema's column ${path} has no column type`, [
        {
          path: path.split('.'),
          message: `zod type '${def.type}' has no Spark column type`,
          fix: 'use z.string(), z.number(), z.int(), z.boolean(), z.date(), z.array(...), z.object(...), z.record(...), or decimal(), long(), epochMillis(), binary()',
        },
      ]);
  }
}

function zodObjectFields(obj: z.ZodObject, prefix: string): Field[] {
  return Object.entries(obj.shape).map(([name, s]) => {
    const t = introspect(s as AnySchema, prefix ? `${prefix}.${name}` : name);
    return t.logical
      ? { name, type: t.type, nullable: t.nullable, logical: t.logical }
      : { name, type: t.type, nullable: t.nullable };
  });
}

/**
 * The columns a zod object declares. `z.number()` is a double, `z.int()` a long, `z.date()` and
 * `z.coerce.date()` a timestamp; `decimal()`, `long()` and `epochMillis()` say more.
 */
export function schemaFromZod(obj: z.ZodObject): Schema {
  return { fields: zodObjectFields(obj, '') };
}
