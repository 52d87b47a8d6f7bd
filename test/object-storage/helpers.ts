import { randomUUID } from 'node:crypto';
import { type S3Options, secret } from '@pipekit/core';
import { registerConnectors } from '@pipekit/delta';
import { defaultConnectors, type S3Client, s3ClientFor } from '@pipekit/runtime';

/** The S3 server of test/services/s3.sh (S3_PORT, default 8333) and its test identity. */
export const s3Port = Number(process.env.S3_PORT ?? 8333);
export const s3Url = `http://127.0.0.1:${s3Port}`;
export const accessKey = 'pipekit';
export const secretKey = 'pipekit-test-secret';

// What pipelines read through secret('...'): set here, as a deployment would export them.
process.env.PIPEKIT_TEST_S3_ACCESS_KEY = accessKey;
process.env.PIPEKIT_TEST_S3_SECRET_KEY = secretKey;

/** The `s3` options of every test pipeline: the credentials are env secret references. */
export const s3: S3Options = {
  endpoint: s3Url,
  region: 'us-east-1',
  accessKeyId: secret('PIPEKIT_TEST_S3_ACCESS_KEY'),
  secretAccessKey: secret('PIPEKIT_TEST_S3_SECRET_KEY'),
};

export const client: S3Client = s3ClientFor(s3, undefined, 'test');

/** A fresh bucket for one test file (S3 bucket names: lower case, digits, dashes). */
export async function freshBucket(name: string): Promise<string> {
  const bucket = `${name}-${randomUUID().slice(0, 8)}`;
  await client.createBucket(bucket);
  return bucket;
}

export async function putText(bucket: string, key: string, text: string): Promise<void> {
  await client.put(bucket, key, new TextEncoder().encode(text));
}

/** Bounded wait: polls `check` every 100 ms for at most `ms`. */
export async function waitFor(check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${ms} ms`);
}

/** The runtime's connectors plus Delta's (what `pipe run` loads for a plan that uses `delta`). */
export function deltaConnectors() {
  const connectors = defaultConnectors();
  registerConnectors(connectors);
  return { connectors };
}
