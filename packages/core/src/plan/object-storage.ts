import { z } from 'zod';
import { secretRefSchema } from './secret.js';

/** `s3://bucket/key` and `s3a://bucket/key` (Hadoop's name for the same store) are object-store URLs. */
export function isObjectStoreUrl(path: string): boolean {
  return /^s3a?:\/\//i.test(path);
}

/**
 * Where an S3-compatible store is and how to sign for it, for paths `s3://bucket/...` or
 * `s3a://bucket/...`. Every field is optional: the defaults are the AWS environment (`AWS_ENDPOINT_URL`,
 * `AWS_REGION`, and the access key as `secret('AWS_ACCESS_KEY_ID')` / `secret('AWS_SECRET_ACCESS_KEY')`
 * / `secret('AWS_SESSION_TOKEN')` when those variables are set). Credentials are only ever secret
 * references.
 */
export const s3OptionsSchema = z
  .strictObject({
    /** `http://127.0.0.1:8333` for an S3-compatible server; AWS's endpoint for the region when absent. */
    endpoint: z.string().url().optional(),
    /** The region requests are signed for. Default: `AWS_REGION`, else `us-east-1`. */
    region: z.string().min(1).optional(),
    /** Address buckets as `endpoint/bucket/key` rather than `bucket.endpoint/key`. Default: `true` with an `endpoint`. */
    pathStyle: z.boolean().optional(),
    /**
     * Allow an `http://` endpoint that is not on this machine. Loopback endpoints are allowed
     * without it; elsewhere plain HTTP would send signed requests and data unencrypted.
     */
    allowHttp: z.boolean().optional(),
    /** `secret('AWS_ACCESS_KEY_ID')`, `secret.vault('secret/data/s3', { key: 'accessKey' })`. */
    accessKeyId: secretRefSchema.optional(),
    /** `secret('AWS_SECRET_ACCESS_KEY')`. */
    secretAccessKey: secretRefSchema.optional(),
    /** For temporary credentials: `secret('AWS_SESSION_TOKEN')`. */
    sessionToken: secretRefSchema.optional(),
  })
  .refine((o) => (o.accessKeyId === undefined) === (o.secretAccessKey === undefined), {
    message: 'give accessKeyId and secretAccessKey together',
  })
  .refine((o) => o.sessionToken === undefined || o.accessKeyId !== undefined, {
    path: ['sessionToken'],
    message: 'a sessionToken needs accessKeyId and secretAccessKey',
  });

export type S3Options = z.output<typeof s3OptionsSchema>;

/** The check every spec with `path` and `s3` gets: S3 options only make sense for an S3 path. */
export function s3OptionsNeedS3Path(o: { path: string; s3?: S3Options | undefined }): boolean {
  return o.s3 === undefined || isObjectStoreUrl(o.path);
}

/** The issue {@link s3OptionsNeedS3Path} reports, at the spec's `s3`. */
export const s3OptionsNeedS3PathIssue = {
  path: ['s3'],
  message: 's3 options apply to s3:// or s3a:// paths only',
};
