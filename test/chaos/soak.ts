// The soak run: the windowed Kafka → Delta pipeline for `--minutes` (default 30) at a steady input
// rate, in this process, with heap and RSS sampled every 10 s. Writes test/chaos/soak.json: the
// samples, the memory trend after warm-up (least-squares slope) and batch durations early and late.
//   node --conditions=@pipekit/source --import tsx test/chaos/soak.ts [--minutes 30] [--rate 1000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { count, every, source, sum, tumbling } from '@pipekit/core';
import { registerConnectors as registerDelta } from '@pipekit/delta';
import { registerConnectors as registerKafka } from '@pipekit/kafka';
import { defaultConnectors, type QueryProgress, runPipeline } from '@pipekit/runtime';
import { z } from 'zod';
import { brokers, createTopic, openProducer, repo, service } from './services.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '30' },
    rate: { type: 'string', default: '1000' },
    out: { type: 'string', default: join(repo, 'test', 'chaos', 'soak.json') },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const sampleMs = 10_000;
const log = (l: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${l}`);

await service('kafka', 'start');
const dir = mkdtempSync(join(tmpdir(), 'pipekit-soak-'));
const topic = `soak-${Date.now().toString(36)}`;
await createTopic(topic, 4);

const pipeline = source
  .kafka({
    brokers,
    topic,
    startingOffsets: 'earliest',
    schema: z.object({ id: z.int(), user: z.string(), amount: z.int(), ts: z.coerce.date() }),
  })
  .watermark('ts', '30 seconds')
  .window(tumbling('1 second'))
  .groupBy('user')
  .aggregate({ n: count(), total: sum('amount') })
  .sink.delta({
    path: join(dir, 'delta'),
    outputMode: 'append',
    checkpoint: join(dir, 'checkpoint'),
    trigger: every('1 second'),
    queryName: 'soak',
  });

const connectors = defaultConnectors();
registerKafka(connectors);
registerDelta(connectors);
const batches: { at: number; durationMs: number; rows: number }[] = [];
const controller = new AbortController();
const run = runPipeline(pipeline, {
  connectors,
  signal: controller.signal,
  metrics: [
    {
      onProgress: (p: QueryProgress) =>
        batches.push({ at: Date.now(), durationMs: p.durationMs, rows: p.numInputRows }),
    },
  ],
});
run.result.catch((e: unknown) => log(`pipeline failed: ${String(e)}`));

// Event time follows the wall clock, so windows close at a steady pace as in production.
const producer = await openProducer();
const started = Date.now();
const end = started + minutes * 60_000;
let produced = 0;
const samples: {
  tSec: number;
  heapUsedMB: number;
  rssMB: number;
  externalMB: number;
  arrayBuffersMB: number;
  load1: number;
  produced: number;
}[] = [];
const mb = (bytes: number) => +(bytes / 2 ** 20).toFixed(1);
let nextSample = started;
while (Date.now() < end) {
  const due = Math.floor(((Date.now() - started) / 1000) * rate);
  if (due > produced) {
    const n = Math.min(due - produced, 5_000);
    await producer.send(
      topic,
      Array.from({ length: n }, (_, i) => {
        const id = produced + i;
        const ts = new Date(started + (id / rate) * 1000);
        return {
          key: `u${id % 50}`,
          value: JSON.stringify({ id, user: `u${id % 50}`, amount: id % 97, ts }),
        };
      }),
    );
    produced += n;
  }
  if (Date.now() >= nextSample) {
    const m = process.memoryUsage();
    samples.push({
      tSec: Math.round((Date.now() - started) / 1000),
      heapUsedMB: mb(m.heapUsed),
      rssMB: mb(m.rss),
      // Outside the JS heap: buffers held by JS objects; the rest of RSS is native (the addon).
      externalMB: mb(m.external),
      arrayBuffersMB: mb(m.arrayBuffers),
      // The machine is shared: the load says how much CPU the run had.
      load1: +loadavg()[0]!.toFixed(2),
      produced,
    });
    const s = samples.at(-1)!;
    log(
      `t=${s.tSec}s heap ${s.heapUsedMB} MB rss ${s.rssMB} MB external ${s.externalMB} MB load ${s.load1} produced ${produced} batches ${batches.length}`,
    );
    nextSample += sampleMs;
  }
  await new Promise((r) => setTimeout(r, 100));
}
controller.abort();
await run.result.catch(() => {});
await producer.close();
rmSync(dir, { recursive: true, force: true });

/** Least-squares slope of y over x. */
function slope(points: readonly [number, number][]): number {
  const n = points.length;
  const mx = points.reduce((a, p) => a + p[0], 0) / n;
  const my = points.reduce((a, p) => a + p[1], 0) / n;
  const num = points.reduce((a, p) => a + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((a, p) => a + (p[0] - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

// Warm-up: the first fifth of the run (JIT, caches, the first windows filling) is not judged.
const warm = samples.filter((s) => s.tSec >= (minutes * 60) / 5);
const heapSlope = slope(warm.map((s) => [s.tSec / 60, s.heapUsedMB]));
const rssSlope = slope(warm.map((s) => [s.tSec / 60, s.rssMB]));
const externalSlope = slope(warm.map((s) => [s.tSec / 60, s.externalMB]));
const third = (minutes * 60_000) / 3;
const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
const early = batches.filter((b) => b.at - started >= third / 2 && b.at - started < third);
const late = batches.filter((b) => b.at - started >= 2 * third);
const summary = {
  minutes,
  ratePerSecond: rate,
  produced,
  batches: batches.length,
  rowsRead: batches.reduce((a, b) => a + b.rows, 0),
  heapSlopeMBPerMinute: +heapSlope.toFixed(3),
  rssSlopeMBPerMinute: +rssSlope.toFixed(3),
  externalSlopeMBPerMinute: +externalSlope.toFixed(3),
  rssAfterWarmupMB: {
    first: warm[0]?.rssMB,
    last: warm.at(-1)?.rssMB,
    max: Math.max(...warm.map((s) => s.rssMB)),
  },
  loadAverage: {
    mean: +mean(samples.map((s) => s.load1)).toFixed(2),
    max: Math.max(...samples.map((s) => s.load1)),
  },
  malloc: process.env.MALLOC_ARENA_MAX
    ? `MALLOC_ARENA_MAX=${process.env.MALLOC_ARENA_MAX}`
    : 'default',
  heapAfterWarmupMB: {
    first: warm[0]?.heapUsedMB,
    last: warm.at(-1)?.heapUsedMB,
    max: Math.max(...warm.map((s) => s.heapUsedMB)),
  },
  batchDurationMs: {
    early: Math.round(mean(early.map((b) => b.durationMs))),
    late: Math.round(mean(late.map((b) => b.durationMs))),
  },
};
writeFileSync(
  values.out,
  `${JSON.stringify({ finishedAt: new Date().toISOString(), summary, samples }, null, 2)}\n`,
);
log(`soak done: ${JSON.stringify(summary)}`);
