import { z } from 'zod';

/**
 * Column types in Spark's JSON schema form (the form Delta Lake's log uses too), so a plan's schema
 * reads the same to a Spark user, a Delta reader and our runtime.
 */
export type PrimitiveType =
  | 'string'
  | 'byte'
  | 'short'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'boolean'
  | 'binary'
  | 'date'
  | 'timestamp'
  | `decimal(${number},${number})`;

export interface ArrayType {
  readonly type: 'array';
  readonly elementType: DataType;
  readonly containsNull: boolean;
}

export interface StructType {
  readonly type: 'struct';
  readonly fields: readonly Field[];
}

export interface MapType {
  readonly type: 'map';
  readonly keyType: DataType;
  readonly valueType: DataType;
  readonly valueContainsNull: boolean;
}

export type DataType = PrimitiveType | ArrayType | StructType | MapType;

/**
 * One column. `logical: 'epochMillis'` marks a `long` column that holds event time as epoch
 * milliseconds, so it can carry a watermark.
 */
export interface Field {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly logical?: 'epochMillis';
}

export interface Schema {
  readonly fields: readonly Field[];
}

/** The Spark type names of plan columns that are not arrays, maps, structs or decimals. */
export const primitiveTypeNames = [
  'string',
  'byte',
  'short',
  'integer',
  'long',
  'float',
  'double',
  'boolean',
  'binary',
  'date',
  'timestamp',
] as const;

const decimalPattern = /^decimal\((\d+),(\d+)\)$/;

export const primitiveTypeSchema = z.union([
  z.enum(primitiveTypeNames),
  z
    .string()
    .regex(decimalPattern, 'expected decimal(precision,scale)')
    .refine((s) => {
      const [, p, sc] = decimalPattern.exec(s) ?? [];
      return Number(p) >= 1 && Number(p) <= 38 && Number(sc) <= Number(p);
    }, 'decimal precision must be 1..38 and scale at most the precision')
    .transform((s) => s as `decimal(${number},${number})`),
]);

export const fieldSchema: z.ZodType<Field> = z.lazy(() =>
  z.strictObject({
    name: z.string().min(1),
    type: dataTypeSchema,
    nullable: z.boolean(),
    logical: z.literal('epochMillis').optional(),
  }),
);

export const dataTypeSchema: z.ZodType<DataType> = z.lazy(() =>
  z.union([
    primitiveTypeSchema,
    z.strictObject({
      type: z.literal('array'),
      elementType: dataTypeSchema,
      containsNull: z.boolean(),
    }),
    z.strictObject({ type: z.literal('struct'), fields: z.array(fieldSchema) }),
    z.strictObject({
      type: z.literal('map'),
      keyType: dataTypeSchema,
      valueType: dataTypeSchema,
      valueContainsNull: z.boolean(),
    }),
  ]),
);

export const schemaSchema: z.ZodType<Schema> = z.strictObject({ fields: z.array(fieldSchema) });

const numericPrimitives = new Set(['byte', 'short', 'integer', 'long', 'float', 'double']);

/** Whether a column type is a number (integers, floats, decimals). */
export function isNumericType(t: DataType): boolean {
  return typeof t === 'string' && (numericPrimitives.has(t) || decimalPattern.test(t));
}

/** Whether a column holds event time: a timestamp, a date, or epoch milliseconds. */
export function isTimeField(f: Field): boolean {
  return f.type === 'timestamp' || f.type === 'date' || f.logical === 'epochMillis';
}

/** The type as Spark prints it in DDL: `decimal(10,2)`, `array<string>`, `struct<a:int>`. */
export function formatDataType(t: DataType): string {
  if (typeof t === 'string') return t;
  switch (t.type) {
    case 'array':
      return `array<${formatDataType(t.elementType)}>`;
    case 'map':
      return `map<${formatDataType(t.keyType)},${formatDataType(t.valueType)}>`;
    case 'struct':
      return `struct<${t.fields.map((f) => `${f.name}:${formatDataType(f.type)}`).join(',')}>`;
  }
}
