import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { brokers } from './helpers.js';

// `pipe run` against the real broker, stopped: the exact lines a person sees.
const kafkaSh = fileURLToPath(new URL('../../../test/services/kafka.sh', import.meta.url));
const pipe = fileURLToPath(new URL('../../cli/bin/pipe.js', import.meta.url));
const fixture = fileURLToPath(
  new URL('../../cli/test/fixtures/kafka-down.pipeline.ts', import.meta.url),
);
const broker = (cmd: 'start' | 'stop') =>
  promisify(execFile)('bash', [kafkaSh, cmd], { timeout: 120_000 });

function pipeRun(env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [pipe, 'run', fixture], {
      env: { ...process.env, PIPEKIT_DEV: '1', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += String(d)));
    child.stderr.on('data', (d) => (stderr += String(d)));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('pipe run while the broker is stopped', () => {
  it('one line per retry, then one final error naming node, broker, cause and check; nothing after', async () => {
    const at = brokers[0]!;
    await broker('stop');
    let r: Awaited<ReturnType<typeof pipeRun>>;
    try {
      r = await pipeRun({ DOWN_BROKER: at, PIPEKIT_KAFKA_MAX_RETRY_TIME_MS: '2000' });
    } finally {
      await broker('start');
    }
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    expect(lines).toEqual([
      `orders: broker ${at} refused the connection (attempt 1 of 4, next in 0.25 s)`,
      `orders: broker ${at} refused the connection (attempt 2 of 4, next in 0.5 s)`,
      `orders: broker ${at} refused the connection (attempt 3 of 4, next in 1 s)`,
      expect.stringMatching(
        /^pipe: pipeline failed: pipeline 'kafka-down', node 'orders' \(kafka source\): fetching Kafka offsets failed after 4 attempts in [\d.]+ s: broker [\d.:]+ refused the connection$/,
      ),
      `  check that a Kafka broker is running and listening on ${at}: the brokers option of orders (${at})`,
    ]);
  }, 240_000);
});
