import { z } from 'zod';
import { exprNodeSchema } from '../../expr/expr-node.js';
import type { Field, Schema } from '../../schema/data-type.js';
import { type SinkSpec, sinkSpecSchema } from '../sinks/sink-spec.js';
import { singleInput } from './node-base.js';

/**
 * What happens to a row that fails a rule: `warn` keeps it (counted, logged rate-limited), `drop`
 * removes it (counted), `deadLetter` removes it and writes it with the rule name and batch id to a
 * sink, `fail` stops the query before the batch is written.
 */
export type OnFailure =
  | { readonly type: 'warn' }
  | { readonly type: 'drop' }
  | {
      readonly type: 'deadLetter';
      /** Where failing rows go, with the rule's name and the batch id. */
      readonly sink: SinkSpec;
    }
  | { readonly type: 'fail' };

/** The failure modes of an expectation, in order of severity. */
export const onFailureModes = ['warn', 'drop', 'deadLetter', 'fail'] as const;

export const onFailureSchema: z.ZodType<OnFailure> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('warn') }),
    z.strictObject({ type: z.literal('drop') }),
    z.strictObject({ type: z.literal('deadLetter'), sink: sinkSpecSchema }),
    z.strictObject({ type: z.literal('fail') }),
  ]),
);

/**
 * What a rule checks on each row. `predicate`: the row fails when the expression is FALSE (NULL
 * passes, as a SQL CHECK constraint: use a not-null rule for nulls). `unique`: the row fails when
 * an earlier row of the same micro-batch has the same non-null values in `columns`.
 */
export const expectationCheckSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('predicate'),
    /** The condition a row must not make FALSE. */
    predicate: exprNodeSchema,
  }),
  z.strictObject({
    type: z.literal('unique'),
    /** The columns whose values must not repeat within a micro-batch. */
    columns: z.array(z.string().min(1)).min(1),
  }),
]);
export type ExpectationCheck = z.output<typeof expectationCheckSchema>;

/** One declared data-quality rule: its name (unique in its node), its check, its failure mode. */
export const expectationSchema = z.strictObject({
  name: z.string().min(1),
  check: expectationCheckSchema,
  onFailure: onFailureSchema,
});
export type ExpectationRule = z.output<typeof expectationSchema>;

/**
 * Data-quality rules on every row of a stream (Delta Live Tables' expectations, the legacy
 * frameworks' validation rules). The output has the input's columns; rows failing a `drop` or
 * `deadLetter` rule are not in it. A row failing several rules is counted against each.
 */
export const expectNodeSchema = z.strictObject({
  ...singleInput,
  kind: z.literal('expect'),
  rules: z
    .array(expectationSchema)
    .min(1)
    .refine((rules) => new Set(rules.map((r) => r.name)).size === rules.length, {
      message: 'rule names must be unique within one expect step',
    }),
});
export type ExpectNode = z.output<typeof expectNodeSchema>;

/** The columns of a row an expectation sent to a dead-letter sink. */
export const expectationFailureSchema: Schema = Object.freeze({
  fields: [
    { name: 'rule', type: 'string', nullable: false },
    { name: 'node', type: 'string', nullable: false },
    { name: 'batchId', type: 'long', nullable: false },
    { name: 'record', type: 'string', nullable: false },
  ] satisfies Field[],
});
