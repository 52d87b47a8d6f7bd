import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { accessKey, freshBucket, putText, s3Url, secretKey } from './helpers.js';

// What a person sees from `pipe run` / `pipe explain` of a pipeline whose S3 key is a secret.
const pipe = fileURLToPath(new URL('../../packages/cli/bin/pipe.js', import.meta.url));
const fixture = fileURLToPath(new URL('./fixtures/s3-secrets.pipeline.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'pipekit-s3-secret-'));
let bucket: string;

function pipeCli(
  args: readonly string[],
  secretFile: string,
): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [pipe, ...args], {
      env: {
        ...process.env,
        PIPEKIT_DEV: '1',
        PIPEKIT_TEST_S3_ENDPOINT: s3Url,
        PIPEKIT_TEST_S3_ACCESS_KEY: accessKey,
        PIPEKIT_TEST_S3_SECRET_FILE: secretFile,
        PIPEKIT_TEST_S3_BUCKET: bucket,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += String(d)));
    child.stderr.on('data', (d) => (err += String(d)));
    const timer = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

beforeAll(async () => {
  bucket = await freshBucket('secrets');
  await putText(bucket, 'in/a.jsonl', '{"id":1,"name":"a"}\n');
});

describe('S3 credentials are secrets', () => {
  it('a run with debug logs and JSON progress, its plan and its drawing never hold the key', async () => {
    const file = join(dir, 'right');
    writeFileSync(file, `${secretKey}\n`);
    const run = await pipeCli(['run', fixture, '--json', '--log-level', 'debug'], file);
    expect(run.err).not.toMatch(/error/i);
    expect(run.code).toBe(0);
    expect(run.out).toContain('"numInputRows":1');
    for (const format of ['json', 'mermaid']) {
      const explained = await pipeCli(['explain', fixture, '--format', format], file);
      expect(explained.code).toBe(0);
      // The plan JSON holds where the keys are, never what they are.
      if (format === 'json') expect(explained.out).toContain('PIPEKIT_TEST_S3_ACCESS_KEY');
      expect(explained.out + explained.err).not.toContain(secretKey);
    }
    expect(run.out + run.err).not.toContain(secretKey);
  }, 180_000);

  it('a wrong key: the error names the endpoint and what to check, never the key', async () => {
    const wrong = 'wrong-s3-secret-Vb7';
    const file = join(dir, 'wrong');
    writeFileSync(file, `${wrong}\n`);
    const run = await pipeCli(['run', fixture, '--log-level', 'debug'], file);
    expect(run.code).toBe(1);
    expect(run.err).toContain(
      `pipeline failed: pipeline 's3-secrets', node 'events' (file source): s3 at ${s3Url} (us-east-1): cannot list s3://${bucket}/in: HTTP 403 SignatureDoesNotMatch (check the access key and secret key references)`,
    );
    expect(run.out + run.err).not.toContain(wrong);
    const missing = await pipeCli(['run', fixture], join(dir, 'absent'));
    expect(missing.code).not.toBe(0);
    expect(missing.err).toContain(
      `source.s3.secretAccessKey: secret.file('${join(dir, 'absent')}') cannot be read: the file does not exist`,
    );
  }, 180_000);
});
