import { z } from 'zod';
import { kinesisConnectionShape } from './kinesis-connection.js';

/**
 * A Kinesis data stream, read shard by shard (Spark's Kinesis connector). The offset is each
 * shard's last sequence number, kept in the query checkpoint; after a reshard, parent shards are
 * read to their end before their children.
 */
export const kinesisSourceSchema = z.strictObject({
  type: z.literal('kinesis'),
  ...kinesisConnectionShape,
  /**
   * Where shards are first read: `TRIM_HORIZON` (the oldest record kept), `LATEST` (what arrives
   * after the query starts), or `{ atTimestamp: ISO }`. Ignored on restart (the checkpoint wins).
   */
  startingPosition: z
    .union([
      z.enum(['TRIM_HORIZON', 'LATEST']),
      z.strictObject({
        /** The first records at or after this time (ISO 8601 with an offset). */
        atTimestamp: z.string().datetime({ offset: true }),
      }),
    ])
    .default('LATEST'),
  /** Data is JSON (checked against the schema), text (`data` column) or bytes. */
  format: z.enum(['json', 'string', 'bytes']).default('json'),
  /** Record metadata added as columns (`source.kinesis({ includeColumns: [...] })`). */
  includeColumns: z
    .array(z.enum(['partitionKey', 'sequenceNumber', 'shardId', 'arrivalTime']))
    .optional(),
  /** At most this many records per shard in one micro-batch (one GetRecords call, ≤ 10,000). */
  maxRecordsPerShard: z.number().int().positive().max(10_000).default(10_000),
});
export type KinesisSourceSpec = z.output<typeof kinesisSourceSchema>;
