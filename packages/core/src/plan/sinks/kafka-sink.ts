import { z } from 'zod';
import { kafkaSecuritySchema } from '../sources/kafka-source.js';

export const kafkaSinkSchema = z.strictObject({
  type: z.literal('kafka'),
  /** Bootstrap brokers, `host:port`: `brokers: ['localhost:9092']`. */
  brokers: z.array(z.string().min(1)).min(1),
  /** The topic written to. */
  topic: z.string().min(1),
  /** Column whose value is the record key (records with the same key go to the same partition). */
  key: z.string().min(1).optional(),
  /** Columns written as headers. */
  headers: z.array(z.string().min(1)).optional(),
  /** The value: these columns as JSON (all columns when absent). */
  valueColumns: z.array(z.string().min(1)).optional(),
  /** Record batch compression: `'none'` (default) or `'gzip'`. */
  compression: z.enum(['none', 'gzip']).default('none'),
  /** An idempotent producer (no duplicates on retries). Default: `true`. */
  idempotent: z.boolean().default(true),
  ...kafkaSecuritySchema.shape,
});
export type KafkaSinkSpec = z.output<typeof kafkaSinkSchema>;
