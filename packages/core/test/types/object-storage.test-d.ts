/**
 * Type-level tests of the `s3` options: credentials are secret references, never strings.
 * Checked by `tsc` (npm run typecheck), not executed.
 */
import { expectTypeOf } from 'vitest';
import { z } from 'zod';
import { type S3Options, type SecretRef, secret, source } from '../../src/index.js';

const Row = z.object({ id: z.number() });
const s3 = {
  endpoint: 'http://127.0.0.1:8333',
  accessKeyId: secret('AWS_ACCESS_KEY_ID'),
  secretAccessKey: secret.vault('secret/data/s3', { key: 'secretKey' }),
  sessionToken: secret.file('/run/secrets/s3-token'),
};

expectTypeOf<SecretRef>().toExtend<NonNullable<S3Options['accessKeyId']>>();
expectTypeOf<SecretRef>().toExtend<NonNullable<S3Options['secretAccessKey']>>();
expectTypeOf<string>().not.toExtend<NonNullable<S3Options['accessKeyId']>>();

source
  .file({ path: 's3a://b/in/', format: 'jsonl', schema: Row, s3 })
  .sink.delta({ path: 's3://b/t', s3 });
source
  .delta({ path: 's3://b/t', schema: Row, s3 })
  .sink.file({ path: 's3://b/o', format: 'csv', s3 });

source.file({
  path: 's3://b/in/',
  format: 'jsonl',
  schema: Row,
  // @ts-expect-error a literal key is not a secret reference
  s3: { accessKeyId: 'AKIA', secretAccessKey: secret('X') },
});
source
  .memory({ schema: Row })
  // @ts-expect-error a literal secret key is not a secret reference
  .sink.delta({ path: 's3://b/t', s3: { accessKeyId: secret('A'), secretAccessKey: 'hunter2' } });
// @ts-expect-error unknown option: typos fail to compile
source.file({ path: 's3://b/in/', format: 'jsonl', schema: Row, s3: { endPoint: 'http://x' } });
