import type { DataType, Field, Schema } from '@pipekit/core';

type SparkType = string | Record<string, unknown>;

function sparkType(t: DataType): SparkType {
  if (typeof t === 'string') return t;
  switch (t.type) {
    case 'array':
      return { type: 'array', elementType: sparkType(t.elementType), containsNull: t.containsNull };
    case 'map':
      return {
        type: 'map',
        keyType: sparkType(t.keyType),
        valueType: sparkType(t.valueType),
        valueContainsNull: t.valueContainsNull,
      };
    case 'struct':
      return structOf(t.fields);
  }
}

function structOf(fields: readonly Field[]): Record<string, unknown> {
  return {
    type: 'struct',
    fields: fields.map((f) => ({
      name: f.name,
      type: sparkType(f.type),
      nullable: f.nullable,
      metadata: {},
    })),
  };
}

/**
 * A plan schema in Spark's JSON schema form, which a Spark data source takes as its schema. A plan
 * column type is already named as Spark names it; an epoch-milliseconds column is a `long`.
 */
export function sparkSchemaJson(schema: Schema): string {
  return JSON.stringify(structOf(schema.fields));
}
