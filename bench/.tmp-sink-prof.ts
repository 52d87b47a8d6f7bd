import { KafkaWriter } from '@pipekit/kafka';
import { MemoryStore } from '@pipekit/runtime';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { asyncScheduler } from 'rxjs';
const brokers = ['127.0.0.1:9092'];
const topic = `prof-${Date.now().toString(36)}`;
const admin = new Kafka({ brokers, logLevel: logLevel.NOTHING }).admin();
await admin.connect(); await admin.createTopics({ topics: [{ topic, numPartitions: 4 }], waitForLeaders: true }); await admin.disconnect();
const logger = pino({ level: 'warn' });
const w = new KafkaWriter({ type: 'kafka', brokers, topic, compression: 'none', idempotent: process.env.IDEM !== '0' },
  { nodeId: 's', queryId: 'q', outputMode: 'append', scheduler: asyncScheduler, logger, memory: new MemoryStore(), stdout: process.stdout },
  { client: new Kafka({ brokers, logLevel: logLevel.NOTHING }), retry: { maxRetryTimeMs: 30000, initialRetryTimeMs: 250 }, transactional: process.env.TX === '1' });
const N = Number(process.env.N ?? 200000);
const rows = Array.from({ length: N }, (_, i) => ({ id: i, userId: `user-${i % 100000}`, eventType: 'view', amount: Math.random() * 500, ts: new Date(), note: `alpha-${'x'.repeat(56)}` }));
const t = performance.now();
for (let b = 0; b < N / 50000; b++) await w.writeBatch({ queryId: 'q', batchId: b, rows: rows.slice(b * 50000, (b + 1) * 50000), schema: null });
const s = (performance.now() - t) / 1000;
console.log(N, 'rows', s.toFixed(2), 's', Math.round(N / s), 'rows/s');
await w.close();
