import { z } from 'zod';
import { schemaSchema } from '../../schema/data-type.js';
import { policySchema } from '../policy.js';
import { sourceSpecSchema } from '../sources/source-spec.js';
import { nodeBase } from './node-base.js';

export const sourceNodeSchema = z.strictObject({
  ...nodeBase,
  kind: z.literal('source'),
  source: sourceSpecSchema,
  /** The record type; null where only the runtime can know it. */
  schema: schemaSchema.nullable(),
  /** Overrides the pipeline's bad-record policy for this source. */
  badRecords: policySchema.optional(),
});
export type SourceNode = z.output<typeof sourceNodeSchema>;
