import { z } from 'zod';
import { secretRefSchema } from '../secret.js';

/**
 * Where a Kinesis stream is: its name, the region, and (for a local or VPC endpoint) the endpoint
 * URL. Credentials are secret references; without them the AWS SDK's default chain is used
 * (environment, profile, instance role).
 */
export const kinesisConnectionShape = {
  streamName: z.string().min(1),
  region: z.string().min(1).default('us-east-1'),
  /** `http://127.0.0.1:4567` for a local Kinesis-API server; AWS's own endpoint when absent. */
  endpoint: z.string().url().optional(),
  credentials: z
    .strictObject({ accessKeyId: secretRefSchema, secretAccessKey: secretRefSchema })
    .optional(),
};
