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
        throw new PipekitError(`schema field '${f.name}': ${(e as Error).message}`, [
          { path: [i, 'type'], message: (e as Error).message },
        ]);
      }
    }),
  };
}

/** The plan form of any accepted schema input. */
export function toSchema(input: SchemaInput): Schema {
  const schema =
    typeof input === 'string'
      ? parseDdl(input)
      : Array.isArray(input)
        ? fromFieldList(input as readonly FieldInput[])
        : schemaFromZod(input as z.ZodObject);
  const seen = new Set<string>();
  for (const f of schema.fields) {
    if (seen.has(f.name)) throw new PipekitError(`schema declares column '${f.name}' twice`);
    seen.add(f.name);
  }
  return schema;
}
