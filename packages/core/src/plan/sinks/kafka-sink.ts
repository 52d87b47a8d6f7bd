import { z } from 'zod';
import { kafkaSecuritySchema } from '../sources/kafka-source.js';

export const kafkaSinkSchema = z.strictObject({
  type: z.literal('kafka'),
  brokers: z.array(z.string().min(1)).min(1),
  topic: z.string().min(1),
  /** Column whose value is the record key (records with the same key go to the same partition). */
  key: z.string().min(1).optional(),
  /** Columns written as headers. */
  headers: z.array(z.string().min(1)).optional(),
  /** The value: these columns as JSON (all columns when absent). */
  valueColumns: z.array(z.string().min(1)).optional(),
  compression: z.enum(['none', 'gzip']).default('none'),
  idempotent: z.boolean().default(true),
  ...kafkaSecuritySchema.shape,
});
export type KafkaSinkSpec = z.output<typeof kafkaSinkSchema>;
