import { z } from 'zod';
import { secretRefSchema } from '../secret.js';

/**
 * Where a Kinesis stream is: its name, the region, and (for a local or VPC endpoint) the endpoint
 * URL. Credentials are secret references; without them the AWS SDK's default chain is used
 * (environment, profile, instance role).
 */
export const kinesisConnectionShape = {
  /** The stream's name (not its ARN). */
  streamName: z.string().min(1),
  /** The AWS region. Default: `us-east-1`. */
  region: z.string().min(1).default('us-east-1'),
  /** `http://127.0.0.1:4567` for a local Kinesis-API server; AWS's own endpoint when absent. */
  endpoint: z.string().url().optional(),
  /** Secret references to an access key; the AWS SDK's default chain when absent. */
  credentials: z
    .strictObject({
      /** `secret.env('AWS_ACCESS_KEY_ID')`. */
      accessKeyId: secretRefSchema,
      /** `secret.env('AWS_SECRET_ACCESS_KEY')`. */
      secretAccessKey: secretRefSchema,
    })
    .optional(),
};
