/**
 * The same pipelines on both engines, in one run: the local runtime and Spark (the local Spark
 * Connect server of test/services/spark.sh) at local[2] and local[1]. Not a test:
 * `npm run bench -- engines [events]`. Writes bench/results/engines.json.
 *
 * - windows: the workload of windows.bench.ts (generated events, 1-minute tumbling windows per key
 *   with a 10 s watermark, count/sum/max), bounded to `events` rows, results to Delta. On Spark
 *   the generator is the same SQL-computed rows (a batch job over `range`).
 * - kafka: a topic of JSON events → filter → Delta, read to its end (`endingOffsets: latest`).
 *
 * Each engine runs each workload once to warm up, then `rounds` times; the median is reported.
 * Wall time from submitting the plan to the table being written (for Spark: planning, the job,
 * the Delta commit). Goals (issue #12): the local runtime ≥ 3× Spark on one machine; Spark scales
 * from local[1] to local[2].
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, gen, max, type Plan, source, sum, tumbling } from '@pipekit/core';
import { registerConnectors as registerDelta } from '@pipekit/delta';
import { registerConnectors as registerKafka } from '@pipekit/kafka';
import { createLogger, defaultConnectors, runPipeline } from '@pipekit/runtime';
import { runOnSpark } from '@pipekit/spark';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { z } from 'zod';

const events = Number(process.argv[2] ?? 2_000_000);
const kafkaEvents = Math.min(events, 1_000_000);
const rounds = 3;
const brokers = [process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'];
const spark = execFileSync('bash', ['test/services/spark.sh', 'url'], { encoding: 'utf8' }).trim();
const sparkPort = Number(new URL(spark.replace('sc://', 'http://')).port);
const work = mkdtempSync(join(tmpdir(), 'pipekit-bench-engines-'));
const logger = createLogger({ level: 'error' });

function windowsPlan(path: string): Plan {
  return source
    .generate({
      seed: 7,
      limit: events,
      batchSize: 20_000,
      columns: {
        userId: gen.key('user-', 10_000),
        amount: gen.uniform(0, 500, { integer: true }),
        ts: gen.eventTime({ outOfOrderShare: 0.05, maxDelay: '1 minute' }),
      },
    })
    .watermark('ts', '10 seconds')
    .window(tumbling('1 minute'))
    .groupBy('userId')
    .aggregate({ events: count(), revenue: sum('amount'), biggest: max('amount') })
    .sink.delta({ path, mode: 'overwrite' }).plan;
}

const Event = z.object({
  userId: z.string(),
  kind: z.string(),
  amount: z.number(),
  ts: z.coerce.date(),
});
function kafkaPlan(topic: string, path: string): Plan {
  return source
    .kafka({ brokers, topic, startingOffsets: 'earliest', endingOffsets: 'latest', schema: Event })
    .filter((r) => r.kind.eq('purchase').and(r.amount.gt(100)))
    .sink.delta({ path, mode: 'overwrite' }).plan;
}

async function fillTopic(topic: string): Promise<void> {
  const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const kinds = ['view', 'click', 'purchase'];
  for (let from = 0; from < kafkaEvents; from += 10_000) {
    const messages = Array.from({ length: Math.min(10_000, kafkaEvents - from) }, (_, i) => {
      const n = from + i;
      return {
        value: JSON.stringify({
          userId: `user-${n % 10_000}`,
          kind: kinds[n % 3],
          amount: (n * 7919) % 500,
          ts: new Date(Date.UTC(2026, 0, 1) + n).toISOString(),
        }),
      };
    });
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

async function timeLocal(plan: Plan): Promise<number> {
  const connectors = defaultConnectors();
  registerDelta(connectors);
  registerKafka(connectors);
  const t = performance.now();
  await runPipeline({ plan, udfs: new Map() }, { connectors, logger }).result;
  return (performance.now() - t) / 1000;
}

async function timeSpark(plan: Plan, remote: string): Promise<number> {
  const t = performance.now();
  await runOnSpark(plan, { remote, pollMs: 200 }).result;
  return (performance.now() - t) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function measure(name: string, run: () => Promise<number>, n: number) {
  await run(); // warm-up
  const seconds: number[] = [];
  for (let i = 0; i < rounds; i++) seconds.push(await run());
  const s = median(seconds);
  const perSecond = Math.round(n / s);
  console.log(
    `${name}: ${perSecond.toLocaleString('en-US')} events/s (median ${s.toFixed(2)} s of ${seconds.map((x) => x.toFixed(2)).join(', ')})`,
  );
  return { seconds, medianSeconds: s, eventsPerSecond: perSecond };
}

function sparkServer(port: number, master: string, cmd: 'start' | 'stop') {
  execFileSync('bash', ['test/services/spark.sh', cmd], {
    stdio: 'inherit',
    env: { ...process.env, SPARK_CONNECT_PORT: String(port), SPARK_MASTER: master },
  });
}

const topic = `bench-engines-${Date.now()}`;
const loadBefore = loadavg();
await fillTopic(topic);
const results: Record<string, unknown> = {};
try {
  sparkServer(sparkPort, 'local[2]', 'start');
  const table = (n: string) => join(work, n);
  const local = {
    windows: await measure('windows local', () => timeLocal(windowsPlan(table('wl'))), events),
    kafka: await measure(
      'kafka→delta local',
      () => timeLocal(kafkaPlan(topic, table('kl'))),
      kafkaEvents,
    ),
  };
  const spark2 = {
    windows: await measure(
      'windows spark local[2]',
      () => timeSpark(windowsPlan(table('ws')), spark),
      events,
    ),
    kafka: await measure(
      'kafka→delta spark local[2]',
      () => timeSpark(kafkaPlan(topic, table('ks')), spark),
      kafkaEvents,
    ),
  };
  const onePort = sparkPort + 1;
  sparkServer(onePort, 'local[1]', 'start');
  let spark1: typeof spark2;
  try {
    const remote1 = `sc://127.0.0.1:${onePort}`;
    spark1 = {
      windows: await measure(
        'windows spark local[1]',
        () => timeSpark(windowsPlan(table('w1')), remote1),
        events,
      ),
      kafka: await measure(
        'kafka→delta spark local[1]',
        () => timeSpark(kafkaPlan(topic, table('k1')), remote1),
        kafkaEvents,
      ),
    };
  } finally {
    sparkServer(onePort, 'local[1]', 'stop');
  }
  const ratio = (a: { eventsPerSecond: number }, b: { eventsPerSecond: number }) =>
    Math.round((a.eventsPerSecond / b.eventsPerSecond) * 100) / 100;
  Object.assign(results, {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, loadBefore, loadAfter: loadavg() },
    events,
    kafkaEvents,
    rounds,
    local,
    sparkLocal2: spark2,
    sparkLocal1: spark1,
    localOverSpark: {
      windows: ratio(local.windows, spark2.windows),
      kafka: ratio(local.kafka, spark2.kafka),
    },
    sparkScaling: {
      windows: ratio(spark2.windows, spark1.windows),
      kafka: ratio(spark2.kafka, spark1.kafka),
    },
  });
  console.log(
    'local / Spark local[2]:',
    results.localOverSpark,
    '  Spark local[2] / local[1]:',
    results.sparkScaling,
  );
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/engines.json', `${JSON.stringify(results, null, 2)}\n`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
