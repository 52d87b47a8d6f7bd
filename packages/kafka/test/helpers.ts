import { randomUUID } from 'node:crypto';
import type { KafkaSourceSpec, Pipeline, SourceNode } from '@pipekit/core';
import { MemoryStore, rowCoercer, type SinkContext, type SourceContext } from '@pipekit/runtime';
import { Kafka, type KafkaMessage, logLevel, type Message, Partitioners } from 'kafkajs';
import pino from 'pino';
import { asyncScheduler } from 'rxjs';
import { type KafkaClient, kafkaConfig, type RetryOptions } from '../src/client.js';
import { envSecrets } from '../src/index.js';

export const brokers = [process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'];
export const logger = pino({ level: process.env.PIPEKIT_TEST_LOG ?? 'silent' });
export const retry: RetryOptions = {
  maxRetryTimeMs: 60_000,
  initialRetryTimeMs: 250,
  maxRetryWaitMs: 5_000,
};

/** Topics are never reused: data survives broker restarts. */
export function uniqueTopic(name: string): string {
  return `${name}-${randomUUID().slice(0, 8)}`;
}

export function client(): KafkaClient {
  return new Kafka(
    kafkaConfig({ brokers }, { clientId: 'pipekit-test', secrets: envSecrets, retry, logger }),
  );
}

const raw = new Kafka({ clientId: 'pipekit-test-raw', brokers, logLevel: logLevel.NOTHING });

export async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = raw.admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{ topic, numPartitions: partitions }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}

/** Writes messages with a plain kafkajs producer (`partition` on each message picks the partition). */
export async function produce(topic: string, messages: readonly Message[]): Promise<void> {
  const producer = raw.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 5_000)
      await producer.send({ topic, messages: messages.slice(i, i + 5_000) as Message[], acks: -1 });
  } finally {
    await producer.disconnect();
  }
}

/** Every record of a topic, by partition, with a plain kafkajs consumer; stops at `expected` or after `timeoutMs`. */
export async function readTopic(
  topic: string,
  expected: number,
  opts: { timeoutMs?: number; readUncommitted?: boolean } = {},
): Promise<Map<number, KafkaMessage[]>> {
  const consumer = raw.consumer({
    groupId: `pipekit-test-${randomUUID()}`,
    readUncommitted: opts.readUncommitted ?? false,
    maxWaitTimeInMs: 100,
  });
  const out = new Map<number, KafkaMessage[]>();
  let n = 0;
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, opts.timeoutMs ?? 20_000);
      void consumer.run({
        eachBatch: async ({ batch }) => {
          const list = out.get(batch.partition) ?? [];
          out.set(batch.partition, list);
          for (const m of batch.messages) list.push(m);
          n += batch.messages.length;
          if (n >= expected) {
            clearTimeout(timer);
            resolve();
          }
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** The source node of a one-source pipeline built with the real DSL (spec and derived schema). */
export function sourceNodeOf(p: Pipeline): SourceNode {
  const n = p.plan.nodes.find((x) => x.kind === 'source');
  if (n?.kind !== 'source') throw new Error('no source node');
  return n;
}

export function sourceContext(
  node: SourceNode,
  signal: AbortSignal = new AbortController().signal,
): SourceContext {
  return {
    nodeId: node.id,
    schema: node.schema,
    toRow: rowCoercer(node.schema, node.id),
    scheduler: asyncScheduler,
    logger,
    signal,
  };
}

export function kafkaSpecOf(node: SourceNode): KafkaSourceSpec {
  if (node.source.type !== 'kafka') throw new Error('not a kafka source');
  return node.source;
}

export function sinkContext(queryId: string, nodeId = 'sink'): SinkContext {
  return {
    nodeId,
    queryId,
    checkpoint: null,
    outputMode: 'append',
    scheduler: asyncScheduler,
    logger,
    memory: new MemoryStore(),
    stdout: process.stdout,
  };
}
