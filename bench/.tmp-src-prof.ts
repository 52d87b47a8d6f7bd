import { source } from '@pipekit/core';
import { registerConnectors } from '@pipekit/kafka';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import pino from 'pino';
const topic = process.argv[2]!;
const N = Number(process.env.N ?? 400000);
const read = source.kafka({ brokers: ['127.0.0.1:9092'], topic, startingOffsets: 'earliest', endingOffsets: { [topic]: { 0: N/4, 1: N/4, 2: N/4, 3: N/4 } }, maxOffsetsPerTrigger: 100_000,
  schema: 'id LONG, userId STRING, eventType STRING, amount DOUBLE, ts TIMESTAMP, note STRING' }).filter((r) => r.eventType.eq('purchase')).sink.memory({ name: 'p' });
const connectors = defaultConnectors(); registerConnectors(connectors);
const t = performance.now();
const r = await runPipeline(read, { connectors, logger: pino({ level: 'warn' }) }).result;
const s = (performance.now() - t) / 1000;
console.log(N, 'rows', s.toFixed(2), 's', Math.round(N / s), 'rows/s', r.queries[0]?.batches);
