/**
 * `npm run bench -- kafka`: 1M JSON records of ~200 bytes in a 4-partition topic on the real broker
 * (test/services/kafka.sh), measured in one run:
 *
 * - sink: pipekit generate → sink.kafka (idempotent producer, no compression) against Kafka's
 *   `ProducerPerformance` (1M × 200-byte records, acks=all, idempotent — Kafka's defaults);
 * - source: pipekit source.kafka → filter → memory sink over the topic the sink wrote, against
 *   Kafka's `ConsumerPerformance` on the same topic (the ceiling).
 *
 * Targets: source ≥ 50% of ConsumerPerformance records/s, sink ≥ 50% of ProducerPerformance.
 * Writes bench/results/kafka.json. `PIPEKIT_BENCH_ROWS` changes the record count.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { availableNow, gen, source } from '@pipekit/core';
import { registerConnectors } from '@pipekit/kafka';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';

const records = Number(process.env.PIPEKIT_BENCH_ROWS ?? 1_000_000);
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
const run = Date.now().toString(36);
const topics = { pipekit: `bench-pipekit-${run}`, producerPerf: `bench-producer-perf-${run}` };

const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
await admin.connect();
await admin.createTopics({
  topics: Object.values(topics).map((topic) => ({ topic, numPartitions: partitions })),
  waitForLeaders: true,
});
await admin.disconnect();

function java(main: string, args: string[]): string {
  return execFileSync('java', ['-Xmx512m', '-cp', cp, main, ...args], {
    encoding: 'utf8',
    timeout: 600_000,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

// --- sink: pipekit ---------------------------------------------------------------------------
// ~200-byte JSON values: {"id":…,"userId":"user-…","eventType":…,"amount":…,"ts":"…","note":"…"}.
const notes = ['alpha', 'bravo', 'charlie', 'delta'].map((w) => `${w}-${'x'.repeat(56)}`);
const write = source
  .generate({
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
  })
  .sink.kafka({ brokers, topic: topics.pipekit, trigger: availableNow() });
const connectors = defaultConnectors();
registerConnectors(connectors, { transactions: 'never' });
let t = performance.now();
const wrote = await runPipeline(write, { connectors, logger }).result;
const sinkSeconds = (performance.now() - t) / 1000;
const sinkRows = wrote.sinks[Object.keys(wrote.sinks)[0]!]!.rowsWritten;

// --- sink ceiling: ProducerPerformance --------------------------------------------------------
const producerOut = java('org.apache.kafka.tools.ProducerPerformance', [
  '--topic',
  topics.producerPerf,
  '--num-records',
  String(records),
  '--record-size',
  '200',
  '--throughput',
  '-1',
  '--producer-props',
  `bootstrap.servers=${bootstrap}`,
  'acks=all',
]);
// Last line: "1000000 records sent, 312345.6 records/sec (59.57 MB/sec), ..."
const producerRate = Number(
  /records sent, ([\d.]+) records\/sec/.exec(producerOut.trim().split('\n').at(-1) ?? '')?.[1],
);

// --- source ceiling: ConsumerPerformance on the topic pipekit wrote ---------------------------
const consumerOut = java('org.apache.kafka.tools.ConsumerPerformance', [
  '--bootstrap-server',
  bootstrap,
  '--topic',
  topics.pipekit,
  '--num-records',
  String(records),
  '--timeout',
  '60000',
]);
// CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
const csv = consumerOut
  .trim()
  .split('\n')
  .at(-1)!
  .split(',')
  .map((s) => s.trim());
const consumerRate = Number(csv[5]);
const consumerFetchRate = Number(csv[9]);

// --- kafkajs alone, for reference: a consumer that only counts (what any kafkajs source can reach) ---
async function kafkajsConsume(topic: string): Promise<number> {
  const consumer = new Kafka({ brokers, logLevel: logLevel.NOTHING }).consumer({
    groupId: `bench-raw-${run}`,
    maxBytesPerPartition: 4 * 1024 * 1024,
    maxBytes: 32 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const started = performance.now();
  let n = 0;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, 300_000);
    void consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        n += batch.messages.length;
        if (n >= records) {
          clearTimeout(timer);
          resolve();
        }
      },
    });
  });
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  return Math.round(n / seconds);
}
const kafkajsConsumeRate = await kafkajsConsume(topics.pipekit);

// --- source: pipekit source → filter → memory sink --------------------------------------------
const read = source
  .kafka({
    brokers,
    topic: topics.pipekit,
    startingOffsets: 'earliest',
    endingOffsets: 'latest',
    maxOffsetsPerTrigger: 100_000,
    schema: 'id LONG, userId STRING, eventType STRING, amount DOUBLE, ts TIMESTAMP, note STRING',
  })
  .filter((r) => r.eventType.eq('purchase'))
  .sink.memory({ name: 'purchases' });
t = performance.now();
const readRun = runPipeline(read, { connectors, logger });
const readResult = await readRun.result;
const sourceSeconds = (performance.now() - t) / 1000;
const sourceRows = readResult.nodes.find((n) => n.kind === 'source')?.rowsOut ?? records;

const sourceRate = Math.round(records / sourceSeconds);
const sinkRate = Math.round(sinkRows / sinkSeconds);
const out = {
  benchmark: 'kafka',
  date: new Date().toISOString(),
  machine: `shared ${cpus().length}-core; broker, JVM tools and node on the same machine; other jobs may be running`,
  records,
  partitions,
  valueBytes: 200,
  broker: 'Apache Kafka 4.3.1 (test/services/kafka.sh)',
  client: 'kafkajs 2.2.4',
  sink: {
    seconds: round(sinkSeconds),
    recordsPerSecond: sinkRate,
    rowsWritten: sinkRows,
    batches: wrote.queries[0]?.batches,
  },
  producerPerformance: { recordsPerSecond: Math.round(producerRate) },
  source: {
    seconds: round(sourceSeconds),
    recordsPerSecond: sourceRate,
    rowsRead: sourceRows,
    rowsAfterFilter: readRun.memory.get('purchases').length,
    batches: readResult.queries[0]?.batches,
    maxOffsetsPerTrigger: 100_000,
  },
  consumerPerformance: {
    recordsPerSecond: Math.round(consumerRate),
    fetchRecordsPerSecond: Math.round(consumerFetchRate),
  },
  kafkajsConsumerCountingOnly: { recordsPerSecond: kafkajsConsumeRate },
  sourceVsKafkajsAlone: round(sourceRate / kafkajsConsumeRate),
  sourceVsConsumerPerformance: round(sourceRate / consumerRate),
  sinkVsProducerPerformance: round(sinkRate / producerRate),
  targets: { sourceVsConsumerPerformance: 0.5, sinkVsProducerPerformance: 0.5 },
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/kafka.json', `${JSON.stringify(out, null, 2)}\n`);
console.log(JSON.stringify(out, null, 2));

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
