import { source } from '@pipekit/core';
import { KafkaReader } from '@pipekit/kafka';
import { rowCoercer } from '@pipekit/runtime';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { asyncScheduler } from 'rxjs';
const topic = process.argv[2]!;
const N = Number(process.env.N ?? 400000);
const p = source.kafka({ brokers: ['127.0.0.1:9092'], topic, startingOffsets: 'earliest', endingOffsets: { [topic]: { 0: N/4, 1: N/4, 2: N/4, 3: N/4 } }, maxOffsetsPerTrigger: 100_000,
  ...(process.env.BYTES ? { format: 'bytes' as const } : { schema: 'id LONG, userId STRING, eventType STRING, amount DOUBLE, ts TIMESTAMP, note STRING' }) }).sink.memory({ name: 'p' });
const node = p.plan.nodes.find((n) => n.kind === 'source')!;
if (node.kind !== 'source' || node.source.type !== 'kafka') throw new Error();
const logger = pino({ level: 'warn' });
const r = new KafkaReader(node.source, { nodeId: 'k', schema: node.schema, toRow: process.env.RAW ? (rec) => ({ ok: true, row: rec as Record<string, unknown> }) : rowCoercer(node.schema, 'k'), scheduler: asyncScheduler, logger, signal: new AbortController().signal },
  { client: new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING }), retry: { maxRetryTimeMs: 30000, initialRetryTimeMs: 250 } });
let at = await r.initialOffset();
const t0 = performance.now();
let n = 0;
while (!r.isExhausted(at)) {
  const end = (await r.planBatch(at, {}))!;
  const t = performance.now();
  const res = await r.readBatch(at, end);
  n += res.rows.length;
  console.log('batch', res.rows.length, Math.round(performance.now() - t), 'ms');
  at = end;
}
const s = (performance.now() - t0) / 1000;
console.log(n, 'rows', s.toFixed(2), 's', Math.round(n / s), 'rows/s');
await r.close();
