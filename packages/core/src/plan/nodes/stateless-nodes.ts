import { z } from 'zod';
import { exprNodeSchema } from '../../expr/expr-node.js';
import { schemaSchema } from '../../schema/data-type.js';
import { policySchema } from '../policy.js';
import { nodeBase, singleInput } from './node-base.js';

/** Keeps rows for which the predicate is true (not false, not null). */
export const filterNodeSchema = z.strictObject({
  ...singleInput,
  kind: z.literal('filter'),
  predicate: exprNodeSchema,
});
export type FilterNode = z.output<typeof filterNodeSchema>;

/** The output row is exactly these columns, in this order. */
export const selectNodeSchema = z.strictObject({
  ...singleInput,
  kind: z.literal('select'),
  columns: z.array(z.strictObject({ name: z.string().min(1), expr: exprNodeSchema })).min(1),
});
export type SelectNode = z.output<typeof selectNodeSchema>;

/** Adds a column, or replaces one of the same name. */
export const withColumnNodeSchema = z.strictObject({
  ...singleInput,
  kind: z.literal('withColumn'),
  column: z.string().min(1),
  expr: exprNodeSchema,
});
export type WithColumnNode = z.output<typeof withColumnNodeSchema>;

export const dropNodeSchema = z.strictObject({
  ...singleInput,
  kind: z.literal('drop'),
  columns: z.array(z.string().min(1)).min(1),
});
export type DropNode = z.output<typeof dropNodeSchema>;

/**
 * A JavaScript function over each row: local only. The function itself is not in the plan; `udf`
 * names it in the pipeline's UDF table. `schema` is the output type when declared.
 */
export const mapNodeSchema = z.strictObject({
  ...singleInput,
  kind: z.literal('map'),
  udf: z.string().min(1),
  schema: schemaSchema.nullable(),
  /** What happens when the function throws. */
  badRecords: policySchema.optional(),
});
export type MapNode = z.output<typeof mapNodeSchema>;

export const unionNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('union'),
  inputs: z.array(z.string().min(1)).min(2),
});
export type UnionNode = z.output<typeof unionNodeSchema>;

/** Performance hints of engines with partitions; kept so a plan says what its source said. */
export const hintNodeSchema = z.strictObject({
  ...singleInput,
  kind: z.literal('hint'),
  hint: z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('cache') }),
    z.strictObject({
      type: z.literal('repartition'),
      partitions: z.number().int().positive(),
      columns: z.array(z.string().min(1)).optional(),
    }),
    z.strictObject({ type: z.literal('coalesce'), partitions: z.number().int().positive() }),
  ]),
});
export type HintNode = z.output<typeof hintNodeSchema>;
