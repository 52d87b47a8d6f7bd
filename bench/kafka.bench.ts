/**
 * `npm run bench -- kafka`: 1M JSON records of ~190 bytes in a 4-partition topic on the real broker
 * (test/services/kafka.sh). Each run measures, one after the other on the same broker:
 *
 * - sink: pipekit generate → sink.kafka (idempotent producer, acks=all, no compression, not
 *   transactional), against Kafka's `ProducerPerformance` with the same settings (acks=all,
 *   enable.idempotence=true, compression.type=none, the same record count and value size);
 * - the transactional sink (one Kafka transaction per batch, what a checkpoint turns on), for what
 *   exactly-once costs;
 * - for reference, a kafkajs producer alone (values made beforehand, sent in 512 KiB sendBatch
 *   calls, idempotent, in the calling thread) and a kafkajs consumer that only counts;
 * - source: pipekit source.kafka → filter → memory sink over the topic the sink wrote, against
 *   Kafka's `ConsumerPerformance` on the same topic (the ceiling).
 *
 * Targets: source ≥ 50% of ConsumerPerformance records/s, sink ≥ 50% of ProducerPerformance, both
 * in the same run. `PIPEKIT_BENCH_RUNS` runs (default 3) are made; bench/results/kafka.json gets
 * every run, the medians, and the load average before and after. `PIPEKIT_BENCH_ROWS` changes the
 * record count.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { availableNow, gen, source } from '@pipekit/core';
import { registerConnectors } from '@pipekit/kafka';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import pino from 'pino';

const records = Number(process.env.PIPEKIT_BENCH_ROWS ?? 1_000_000);
const runs = Number(process.env.PIPEKIT_BENCH_RUNS ?? 3);
const partitions = 4;
const bootstrap = '127.0.0.1:9092';
const brokers = [bootstrap];
const logger = pino({ level: process.env.PIPEKIT_BENCH_LOG ?? 'warn' });
const sh = (cmd: string) =>
  execFileSync('bash', ['test/services/kafka.sh', cmd], {
    encoding: 'utf8',
    timeout: 180_000,
  }).trim();

sh('start');
const cp = sh('classpath');
const kafka = new Kafka({ brokers, logLevel: logLevel.NOTHING });

/** Kafka's producer settings for ProducerPerformance: those of pipekit's sink. */
const producerSettings = {
  acks: 'all',
  'enable.idempotence': 'true',
  'compression.type': 'none',
} as const;

function java(main: string, args: string[]): string {
  return execFileSync('java', ['-Xmx512m', '-cp', cp, main, ...args], {
    encoding: 'utf8',
    timeout: 600_000,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

const load = () => loadavg().map((x) => Math.round(x * 100) / 100);
const round = (x: number) => Math.round(x * 1000) / 1000;
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// ~190-byte JSON values: {"id":…,"userId":"user-…","eventType":…,"amount":…,"ts":"…","note":"…"}.
const notes = ['alpha', 'bravo', 'charlie', 'delta'].map((w) => `${w}-${'x'.repeat(56)}`);
const generated = () =>
  source.generate({
    seed: 11,
    limit: records,
    batchSize: 50_000,
    columns: {
      id: gen.sequence(),
      userId: gen.key('user-', 100_000),
      eventType: gen.choice(['view', 'click', 'purchase'], [0.7, 0.25, 0.05]),
      amount: gen.uniform(0, 500),
      ts: gen.eventTime(),
      note: gen.choice(notes),
    },
  });

async function pipekitSink(topic: string, transactions: 'never' | 'always') {
  const connectors = defaultConnectors();
  registerConnectors(connectors, { transactions });
  const t = performance.now();
  const wrote = await runPipeline(
    generated().sink.kafka({ brokers, topic, trigger: availableNow() }),
    { connectors, logger },
  ).result;
  const seconds = (performance.now() - t) / 1000;
  const rows = wrote.sinks[Object.keys(wrote.sinks)[0]!]!.rowsWritten;
  return { seconds: round(seconds), recordsPerSecond: Math.round(rows / seconds), rows };
}

/** A kafkajs consumer that only counts (and samples values, for their size and for the producer reference). */
async function kafkajsConsume(topic: string, group: string) {
  const consumer = kafka.consumer({
    groupId: group,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const started = performance.now();
  let n = 0;
  let bytes = 0;
  const samples: Buffer[] = [];
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 300_000);
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          bytes += m.value?.length ?? 0;
          if (n++ % 1000 === 0 && m.value) samples.push(Buffer.from(m.value));
        }
        if (n >= records) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  return { recordsPerSecond: Math.round(n / seconds), valueBytes: bytes / n, samples };
}

/** A kafkajs idempotent producer alone, values made beforehand, 512 KiB per sendBatch, in this thread. */
async function kafkajsProduce(topic: string, samples: readonly Buffer[]) {
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const values = Array.from({ length: records }, (_, i) => samples[i % samples.length]!.toString());
  const chunk = Math.max(1, Math.floor((512 * 1024) / (70 + values[0]!.length)));
  const t = performance.now();
  for (let i = 0; i < records; i += chunk)
    await producer.sendBatch({
      topicMessages: [{ topic, messages: values.slice(i, i + chunk).map((value) => ({ value })) }],
      acks: -1,
    });
  const seconds = (performance.now() - t) / 1000;
  await producer.disconnect();
  return { recordsPerSecond: Math.round(records / seconds) };
}

function producerPerformance(topic: string, recordSize: number) {
  const out = java('org.apache.kafka.tools.ProducerPerformance', [
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--record-size',
    String(recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${bootstrap}`,
    ...Object.entries(producerSettings).map(([k, v]) => `${k}=${v}`),
  ]);
  // Last line: "1000000 records sent, 312345.6 records/sec (59.57 MB/sec), ..."
  return Math.round(
    Number(/records sent, ([\d.]+) records\/sec/.exec(out.trim().split('\n').at(-1) ?? '')?.[1]),
  );
}

function consumerPerformance(topic: string) {
  const out = java('org.apache.kafka.tools.ConsumerPerformance', [
    '--bootstrap-server',
    bootstrap,
    '--topic',
    topic,
    '--num-records',
    String(records),
    '--timeout',
    '60000',
  ]);
  // CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  // rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
  const csv = out
    .trim()
    .split('\n')
    .at(-1)!
    .split(',')
    .map((s) => s.trim());
  return {
    recordsPerSecond: Math.round(Number(csv[5])),
    fetchRecordsPerSecond: Math.round(Number(csv[9])),
  };
}

async function pipekitSource(topic: string) {
  const connectors = defaultConnectors();
  registerConnectors(connectors);
  const read = source
    .kafka({
      brokers,
      topic,
      startingOffsets: 'earliest',
      endingOffsets: 'latest',
      maxOffsetsPerTrigger: 100_000,
      schema: 'id LONG, userId STRING, eventType STRING, amount DOUBLE, ts TIMESTAMP, note STRING',
    })
    .filter((r) => r.eventType.eq('purchase'))
    .sink.memory({ name: 'purchases' });
  const t = performance.now();
  const run = runPipeline(read, { connectors, logger });
  const result = await run.result;
  const seconds = (performance.now() - t) / 1000;
  const rows = result.nodes.find((n) => n.kind === 'source')?.rowsOut ?? records;
  return {
    seconds: round(seconds),
    recordsPerSecond: Math.round(rows / seconds),
    rowsRead: rows,
    rowsAfterFilter: run.memory.get('purchases').length,
    batches: result.queries[0]?.batches,
  };
}

async function runOnce(n: number) {
  const id = `${Date.now().toString(36)}-${n}`;
  const topics = {
    pipekit: `bench-pipekit-${id}`,
    transactional: `bench-pipekit-tx-${id}`,
    kafkajs: `bench-kafkajs-${id}`,
    producerPerf: `bench-producer-perf-${id}`,
  };
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: Object.values(topics).map((topic) => ({ topic, numPartitions: partitions })),
    waitForLeaders: true,
  });
  const loadBefore = load();
  const sink = await pipekitSink(topics.pipekit, 'never');
  const consumed = await kafkajsConsume(topics.pipekit, `bench-raw-${id}`);
  const recordSize = Math.round(consumed.valueBytes);
  const producerRate = producerPerformance(topics.producerPerf, recordSize);
  const kafkajsProducer = await kafkajsProduce(topics.kafkajs, consumed.samples);
  const transactional = await pipekitSink(topics.transactional, 'always');
  const consumer = consumerPerformance(topics.pipekit);
  const src = await pipekitSource(topics.pipekit);
  const loadAfter = load();
  await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {});
  await admin.disconnect();
  const run = {
    loadAverage: { before: loadBefore, after: loadAfter },
    sink: { ...sink, transactional: false, idempotent: true, compression: 'none', acks: 'all' },
    sinkTransactional: { ...transactional, transactional: true },
    producerPerformance: {
      recordsPerSecond: producerRate,
      settings: { ...producerSettings, recordSize, records },
    },
    kafkajsProducerOnly: kafkajsProducer,
    source: { ...src, maxOffsetsPerTrigger: 100_000 },
    consumerPerformance: consumer,
    kafkajsConsumerCountingOnly: { recordsPerSecond: consumed.recordsPerSecond },
    valueBytes: round(consumed.valueBytes),
    sourceVsConsumerPerformance: round(src.recordsPerSecond / consumer.recordsPerSecond),
    sinkVsProducerPerformance: round(sink.recordsPerSecond / producerRate),
    sinkTransactionalVsProducerPerformance: round(transactional.recordsPerSecond / producerRate),
  };
  console.log(JSON.stringify(run));
  return run;
}

const all: Awaited<ReturnType<typeof runOnce>>[] = [];
for (let n = 0; n < runs; n++) all.push(await runOnce(n));
const med = (f: (r: (typeof all)[number]) => number) => median(all.map(f));

const out = {
  benchmark: 'kafka',
  date: new Date().toISOString(),
  machine: `shared ${cpus().length}-core; broker, JVM tools and node on the same machine; other jobs may be running`,
  command: 'npm run bench -- kafka',
  records,
  partitions,
  broker: 'Apache Kafka 4.3.1 (test/services/kafka.sh)',
  client: 'kafkajs 2.2.4 (sink: its producer in a worker thread; source: in the pipeline thread)',
  settings: {
    sink: 'pipekit sink.kafka: idempotent producer (acks=all, maxInFlightRequests 1), no compression, ~512 KiB per send, not transactional (transactions: never); no key',
    sinkTransactional: 'the same with transactions: always (one transaction per 50,000-row batch)',
    producerPerformance: `acks=all enable.idempotence=true compression.type=none, --record-size = the pipekit values' mean size, other settings Kafka's defaults`,
    source:
      'pipekit source.kafka (json, 6-column schema incl. a timestamp) → filter → memory sink, maxOffsetsPerTrigger 100,000',
    consumerPerformance: `Kafka's defaults, on the topic pipekit's sink wrote`,
  },
  runs: all.length,
  median: {
    sinkRecordsPerSecond: med((r) => r.sink.recordsPerSecond),
    sinkTransactionalRecordsPerSecond: med((r) => r.sinkTransactional.recordsPerSecond),
    producerPerformanceRecordsPerSecond: med((r) => r.producerPerformance.recordsPerSecond),
    kafkajsProducerOnlyRecordsPerSecond: med((r) => r.kafkajsProducerOnly.recordsPerSecond),
    sourceRecordsPerSecond: med((r) => r.source.recordsPerSecond),
    consumerPerformanceRecordsPerSecond: med((r) => r.consumerPerformance.recordsPerSecond),
    kafkajsConsumerCountingOnlyRecordsPerSecond: med(
      (r) => r.kafkajsConsumerCountingOnly.recordsPerSecond,
    ),
    sourceVsConsumerPerformance: med((r) => r.sourceVsConsumerPerformance),
    sinkVsProducerPerformance: med((r) => r.sinkVsProducerPerformance),
    sinkTransactionalVsProducerPerformance: med((r) => r.sinkTransactionalVsProducerPerformance),
  },
  targets: { sourceVsConsumerPerformance: 0.5, sinkVsProducerPerformance: 0.5 },
  each: all,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/kafka.json', `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out.median, null, 2));
