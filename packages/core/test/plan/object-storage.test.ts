import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  envSecrets,
  isObjectStoreUrl,
  parseS3Url,
  s3Endpoint,
  secret,
  source,
} from '../../src/index.js';

const Row = z.object({ id: z.number() });

describe('s3 options', () => {
  it('s3:// and s3a:// are object-store URLs, split into bucket and key', () => {
    expect(isObjectStoreUrl('s3a://b/k')).toBe(true);
    expect(isObjectStoreUrl('S3://b/k')).toBe(true);
    expect(isObjectStoreUrl('/data/s3/x')).toBe(false);
    expect(parseS3Url('s3a://bucket/a/b.json')).toEqual({ bucket: 'bucket', key: 'a/b.json' });
    expect(parseS3Url('s3://bucket')).toEqual({ bucket: 'bucket', key: '' });
    expect(() => parseS3Url('s3:/nope')).toThrow('expected s3://bucket/path or s3a://bucket/path');
  });

  it('a plan holds references only; literal keys and options on local paths are refused', () => {
    const s3 = { accessKeyId: secret('AK'), secretAccessKey: secret('SK') };
    const plan = source
      .file({ path: 's3://b/in/', format: 'jsonl', schema: Row, s3 })
      .sink.memory({ name: 'm' });
    expect(JSON.stringify(plan.plan ?? plan)).toContain('"secret":"SK"');
    expect(() =>
      source.file({
        path: 's3://b/in/',
        format: 'jsonl',
        schema: Row,
        s3: { accessKeyId: 'AKIA' as never, secretAccessKey: secret('SK') },
      }),
    ).toThrow(/accessKeyId/);
    expect(() =>
      source.file({
        path: 's3://b/',
        format: 'jsonl',
        schema: Row,
        s3: { accessKeyId: secret('A') },
      }),
    ).toThrow('give accessKeyId and secretAccessKey together');
    expect(() => source.file({ path: './in', format: 'jsonl', schema: Row, s3 })).toThrow(
      's3 options apply to s3:// or s3a:// paths only',
    );
  });

  it('an endpoint: defaults, path style with an endpoint, plain HTTP only on loopback', () => {
    process.env.PIPEKIT_TEST_AK = 'ak';
    process.env.PIPEKIT_TEST_SK = 'sk-value';
    const s3 = {
      accessKeyId: secret('PIPEKIT_TEST_AK'),
      secretAccessKey: secret('PIPEKIT_TEST_SK'),
    };
    const local = s3Endpoint({ ...s3, endpoint: 'http://127.0.0.1:8333/' }, envSecrets);
    expect(local).toMatchObject({
      endpoint: 'http://127.0.0.1:8333',
      custom: true,
      pathStyle: true,
      allowHttp: true,
      credentials: { accessKeyId: 'ak', secretAccessKey: 'sk-value', sessionToken: undefined },
    });
    expect(local.where).toBe('s3 at http://127.0.0.1:8333 (us-east-1)');
    expect(() =>
      s3Endpoint({ ...s3, endpoint: 'http://minio.internal:9000' }, envSecrets, 'sink.s3'),
    ).toThrow(
      "sink.s3.endpoint: 'http://minio.internal:9000' is plain HTTP to another machine; use https:// or set allowHttp: true",
    );
    expect(
      s3Endpoint({ ...s3, endpoint: 'http://minio.internal:9000', allowHttp: true }, envSecrets)
        .allowHttp,
    ).toBe(true);
    expect(() =>
      s3Endpoint(
        {
          accessKeyId: secret('PIPEKIT_TEST_UNSET_AK'),
          secretAccessKey: secret('PIPEKIT_TEST_SK'),
        },
        envSecrets,
        'source.s3',
      ),
    ).toThrow(
      "source.s3.accessKeyId: secret('PIPEKIT_TEST_UNSET_AK') cannot be read: the environment variable PIPEKIT_TEST_UNSET_AK is not set",
    );
  });
});
