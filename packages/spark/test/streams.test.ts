/**
 * Stateful streaming operators on both engines: a stream–stream join bounded in event time and a
 * dedupe within the watermark, over watched directories of JSON-lines files, read to their end
 * (availableNow). The rows written must be equal.
 */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { availableNow, type Pipeline, source } from '@pipekit/core';
import { type Row, runPipeline } from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runOnSpark } from '../src/index.js';
import { remote } from './remote.js';

const work = mkdtempSync(join(tmpdir(), 'pipekit-spark-streams-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Files of rows in a new directory, oldest first (Spark's file source orders by modification time). */
function files(name: string, batches: readonly (readonly object[])[]): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  const base = Math.floor(Date.now() / 1000) - batches.length;
  batches.forEach((rows, i) => {
    const file = join(dir, `${String(i).padStart(3, '0')}.json`);
    writeFileSync(file, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
    utimesSync(file, base + i, base + i);
  });
  return dir;
}

const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();

async function bothEngines(p: Pipeline): Promise<{ local: string[]; spark: string[] }> {
  const run = runPipeline(p);
  await run.result;
  const spark = await runOnSpark(p.plan, { remote, pollMs: 250 }).result;
  const norm = (rs: readonly Row[]) =>
    rs
      .map((r) =>
        JSON.stringify(
          Object.fromEntries(
            Object.keys(r)
              .sort()
              .map((k) => [k, r[k] instanceof Date ? (r[k] as Date).toISOString() : r[k]]),
          ),
        ),
      )
      .sort();
  return { local: norm(run.memory.get('out')), spark: norm(spark.memory.get('out') ?? []) };
}

describe('stateful streaming operators on both engines', () => {
  it('a stream–stream join within 10 seconds, watermarks on both sides', async () => {
    const Click = z.object({ user: z.string(), page: z.string(), ts: z.coerce.date() });
    const Buy = z.object({ user: z.string(), amount: z.number(), buyTs: z.coerce.date() });
    const clicks = files('clicks', [
      [
        { user: 'a', page: '/x', ts: at(1) },
        { user: 'b', page: '/y', ts: at(2) },
        { user: 'c', page: '/z', ts: at(40) },
      ],
    ]);
    const buys = files('buys', [
      [
        { user: 'a', amount: 5, buyTs: at(8) }, // 7 s after a's click: a match
        { user: 'b', amount: 9, buyTs: at(30) }, // 28 s after: too far apart
        { user: 'c', amount: 1, buyTs: at(35) }, // 5 s before c's click: a match
      ],
    ]);
    const right = source
      .file({ path: buys, format: 'jsonl', watch: true, schema: Buy })
      .watermark('buyTs', '20 seconds');
    const p = source
      .file({ path: clicks, format: 'jsonl', watch: true, schema: Click })
      .watermark('ts', '20 seconds')
      .join(right, { on: 'user', within: '10 seconds' })
      .sink.memory({ name: 'out', trigger: availableNow() });
    const { local, spark } = await bothEngines(p);
    expect(local).toHaveLength(2);
    expect(spark).toEqual(local);
  });

  it('a dedupe within the watermark', async () => {
    const Event = z.object({ id: z.string(), n: z.int(), ts: z.coerce.date() });
    const events = files('events', [
      [
        { id: 'e1', n: 1, ts: at(1) },
        { id: 'e2', n: 2, ts: at(2) },
        { id: 'e1', n: 3, ts: at(3) },
      ],
      [
        { id: 'e2', n: 4, ts: at(4) },
        { id: 'e3', n: 5, ts: at(5) },
      ],
    ]);
    const p = source
      .file({ path: events, format: 'jsonl', watch: true, maxFilesPerTrigger: 1, schema: Event })
      .watermark('ts', '1 minute')
      .dedupe('id')
      .sink.memory({ name: 'out', trigger: availableNow() });
    const { local, spark } = await bothEngines(p);
    expect(local).toHaveLength(3);
    expect(spark).toEqual(local);
  });
});
