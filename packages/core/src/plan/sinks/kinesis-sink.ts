import { z } from 'zod';
import { kinesisConnectionShape } from '../sources/kinesis-connection.js';

/**
 * Rows as JSON records of a Kinesis stream (`PutRecords`, 500 records a call; records a call
 * refused are sent again). At least once: Kinesis has no transactions, so a replayed batch is
 * written again; give the rows an id to deduplicate on.
 */
export const kinesisSinkSchema = z.strictObject({
  type: z.literal('kinesis'),
  ...kinesisConnectionShape,
  /** The column whose value is the partition key (records with one key go to one shard). */
  partitionKey: z.string().min(1),
});
export type KinesisSinkSpec = z.output<typeof kinesisSinkSchema>;
