import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliDir, runPipe, startPipe } from './pipe-process.js';

// What a person sees in the terminal, line by line, from the `pipe` process itself.
const fixture = (name: string) => join(cliDir, 'test', 'fixtures', name);
const tmp = mkdtempSync(join(tmpdir(), 'pipekit-terminal-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const lines = (text: string) => text.split('\n').filter((l) => l !== '');

/** A loopback port nothing listens on (taken from the OS, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

describe('a Kafka broker that is down', () => {
  it('one line per retry, then the final error naming node, broker, cause and what to check; nothing after it', async () => {
    const port = await freePort();
    const broker = `127.0.0.1:${port}`;
    const started = Date.now();
    const r = await runPipe(['run', fixture('kafka-down.pipeline.ts')], {
      // 2 s of waits: 0.25 + 0.5 + 1 s, so 4 attempts.
      env: { DOWN_BROKER: broker, PIPEKIT_KAFKA_MAX_RETRY_TIME_MS: '2000' },
    });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const err = lines(r.stderr);
    expect(err.slice(0, 3)).toEqual([
      `orders: broker ${broker} refused the connection (attempt 1 of 4, next in 0.25 s)`,
      `orders: broker ${broker} refused the connection (attempt 2 of 4, next in 0.5 s)`,
      `orders: broker ${broker} refused the connection (attempt 3 of 4, next in 1 s)`,
    ]);
    expect(err[3]).toMatch(
      new RegExp(
        `^pipe: pipeline failed: pipeline 'kafka-down', node 'orders' \\(kafka source\\): fetching Kafka offsets failed after 4 attempts in [\\d.]+ s: broker ${broker.replaceAll('.', '\\.')} refused the connection$`,
      ),
    );
    expect(err[4]).toBe(
      `  check that a Kafka broker is running and listening on ${broker}: the brokers option of orders (${broker})`,
    );
    // Every client was closed before the message: it is the last line, and the process exits.
    expect(err).toHaveLength(5);
    expect(r.stderr.endsWith(`(${broker})\n`)).toBe(true);
    expect(Date.now() - started).toBeLessThan(30_000);
  }, 60_000);

  it('--log-level debug shows the library internals (kafkajs) as well', async () => {
    const port = await freePort();
    const r = await runPipe(['run', fixture('kafka-down.pipeline.ts'), '--log-level', 'debug'], {
      env: { DOWN_BROKER: `127.0.0.1:${port}`, PIPEKIT_KAFKA_MAX_RETRY_TIME_MS: '300' },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^orders: debug: kafkajs: Connection error: connect ECONNREFUSED/m);
  }, 60_000);
});

describe('a rate source that cannot keep up with its trigger', () => {
  it('warns once, naming the option that limits it; the unnamed pipeline takes its file name', async () => {
    const { child, done } = startPipe(['run', fixture('behind.pipeline.ts')]);
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    // Bounded: the warning comes after four batches (about 4 s); give up after 40 s.
    const deadline = Date.now() + 40_000;
    while (!stderr.includes('falls behind') && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
    expect(lines(r.stderr)).toEqual([
      expect.stringMatching(
        /^clicks: falls behind its trigger: it takes at most 20\.0k rows a batch \(batchSize\) every 1\.0 s, [\d.]+k rows\/s, while rows arrive at (19\d|20\d)\.\dk rows\/s; [\d.]+[kM] rows wait and event time falls further behind each batch\. Raise batchSize \(or shorten the trigger interval\)$/,
      ),
      'pipe: SIGINT: finishing the batch in flight and flushing sinks (send it again to exit now)',
    ]);
    expect(r.stdout).toMatch(
      /^pipeline 'behind' stopped in [\d.]+ s: [\d,]+ rows read, \d+ micro-batches, 0 bad records\n {2}sink_1: 0 rows in 0 batches → memory 'counts'\n$/,
    );
  }, 60_000);

  it('--json: progress lines carry per-source rates, backlog, lags and the trigger interval', async () => {
    const { child, done } = startPipe(['run', fixture('behind.pipeline.ts'), '--json']);
    let stdout = '';
    child.stdout!.on('data', (d) => (stdout += String(d)));
    const deadline = Date.now() + 40_000;
    // The warning comes with the fourth batch: wait for five.
    while ((stdout.match(/"type":"progress"/g) ?? []).length < 5 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGINT');
    const r = await done;
    expect(r.code).toBe(0);
    const progress = lines(r.stdout)
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(5);
    expect(progress[2]).toMatchObject({
      pipeline: 'behind',
      triggerIntervalMs: 1000,
      inputRowsPerSecond: expect.any(Number),
      processedRowsPerSecond: expect.any(Number),
      eventTime: { lagMs: expect.any(Number), watermarkDelayMs: expect.any(Number) },
      sources: [
        expect.objectContaining({
          id: 'generate_1',
          name: 'clicks',
          numInputRows: 20_000,
          limitedBy: 'batchSize',
          backlogRows: expect.any(Number),
        }),
      ],
    });
    // With --json the logs are JSON too (for machines), the warning among them.
    const warning = lines(r.stderr)
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(warning).toEqual([
      expect.objectContaining({ level: 40, node: 'clicks', pipeline: 'behind' }),
    ]);
  }, 60_000);
});

describe('Delta paths', () => {
  it('a source path without a table: the node, the path, what to check', async () => {
    const path = join(tmp, 'no-table-here');
    const r = await runPipe(['run', fixture('delta-missing.pipeline.ts')], {
      env: { DELTA_PATH: path },
    });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([
      `pipe: pipeline failed: pipeline 'delta-missing', node 'orders' (delta source): ${path}: not a Delta table (directory does not exist)`,
      `  check the path: '${path}' holds no Delta table (no _delta_log); a sink creates one, a source needs one`,
    ]);
  });

  it('a sink path that cannot be created: says to check the directory and permissions', async () => {
    const path = '/proc/no-such/table';
    const r = await runPipe(['run', fixture('delta-unwritable.pipeline.ts')], {
      env: { DELTA_PATH: path },
    });
    expect(r.code).toBe(1);
    expect(lines(r.stderr)).toEqual([
      `pipe: pipeline failed: pipeline 'delta-unwritable', node 'sink_1' (delta sink): ${path}: cannot create directory: No such file or directory (os error 2)`,
      `  check that the directory exists and this user may read and write it, and that the disk has room (path '${path}')`,
    ]);
  });
});

describe('names', () => {
  it('an unnamed pipeline is drawn under its file name, nodes under their .as() names', async () => {
    const out = join(tmp, 'behind.svg');
    const r = await runPipe([
      'explain',
      fixture('behind.pipeline.ts'),
      '--format',
      'svg',
      '-o',
      out,
    ]);
    expect(r.code).toBe(0);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toContain('>pipeline behind</text>');
    expect(svg).toContain('>clicks</text>');
    const mermaid = await runPipe(['explain', fixture('behind.pipeline.ts')]);
    expect(mermaid.stdout).toContain('%% pipeline behind:');
  });
});
