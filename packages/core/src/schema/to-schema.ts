import type { z } from 'zod';
import { PipekitError } from '../errors/pipekit-error.js';
import type { Field, Schema } from './data-type.js';
import { parseDdl, parseSparkType } from './ddl.js';
import { schemaFromZod } from './from-zod.js';
import type { FieldInput, SchemaInput } from './row-type.js';

function fromFieldList(list: readonly FieldInput[]): Schema {
  return {
    fields: list.map((f, i): Field => {
      try {
        return { name: f.name, type: parseSparkType(f.type), nullable: f.nullable ?? true };
      } catch (e) {
        throw new PipekitError(`the field list's column '${f.name}' has an unknown type`, [
          { path: [i, 'type'], message: (e as Error).message },
        ]);
      }
    }),
  };
}

/** What a value given as a schema is, in words, for the message when it is none of the accepted kinds. */
function describe(input: unknown): string {
  if (input === null) return 'null';
  const zodType = (input as { _zod?: { def?: { type?: unknown } } })?._zod?.def?.type;
  if (typeof zodType === 'string') return `a zod ${zodType}`;
  return typeof input === 'object' ? 'an object that is not a zod schema' : typeof input;
}

function isZodObject(input: unknown): input is z.ZodObject {
  return (input as { _zod?: { def?: { type?: unknown } } })?._zod?.def?.type === 'object';
}

function convert(input: SchemaInput): Schema {
  if (typeof input === 'string') return parseDdl(input);
  if (Array.isArray(input)) return fromFieldList(input as readonly FieldInput[]);
  if (isZodObject(input)) return schemaFromZod(input);
  throw new PipekitError('the schema is not a row type', [
    {
      path: [],
      message: `expected a zod object, a DDL string or a field list; got ${describe(input)}`,
      fix: "e.g. z.object({ userId: z.string() }), 'user_id STRING', or [{ name: 'user_id', type: 'string' }]",
    },
  ]);
}

/**
 * The plan form of any accepted schema input. Errors have paths under `schema` and name `where`
 * (the builder call that was given it: `source.kafka(...)`).
 */
export function toSchema(input: SchemaInput, where?: string): Schema {
  let schema: Schema;
  try {
    schema = convert(input);
  } catch (e) {
    throw e instanceof PipekitError ? e.within(['schema'], where) : e;
  }
  const seen = new Set<string>();
  for (const [i, f] of schema.fields.entries()) {
    if (seen.has(f.name))
      throw new PipekitError(
        `the schema declares column '${f.name}' twice`,
        [{ path: ['schema', i], message: `'${f.name}' again`, fix: 'give each column one name' }],
        where,
      );
    seen.add(f.name);
  }
  return schema;
}
