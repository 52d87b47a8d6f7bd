import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, type KafkaMessage, logLevel, type Message, Partitioners } from 'kafkajs';
import pg from 'pg';

/** The real services of test/services, on the ports the environment names (KAFKA_PORT, PIPEKIT_PG_PORT). */

export const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const brokers = [process.env.KAFKA_BROKERS ?? `127.0.0.1:${process.env.KAFKA_PORT ?? 9092}`];
export const pgUrl =
  process.env.PIPEKIT_PG_URL ??
  `postgres://pipekit@127.0.0.1:${process.env.PIPEKIT_PG_PORT ?? 54329}/pipekit_test`;
process.env.PIPEKIT_PG_PASSWORD ??= 'pipekit';

/** `test/services/<name>.sh <command>`, bounded to `timeoutMs`. */
export function service(
  name: 'kafka' | 'postgres',
  command: string,
  timeoutMs = 180_000,
): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      [join(repo, 'test', 'services', `${name}.sh`), command],
      { timeout: timeoutMs, env: { ...process.env, KAFKA_PORT: brokers[0]!.split(':')[1] } },
      (err, _out, stderr) =>
        err
          ? reject(new Error(`${name}.sh ${command} failed: ${err.message}\n${stderr}`))
          : resolve(),
    );
  });
}

/** Stops and starts a service: the restarts the chaos runs put pipelines through. */
export async function restartService(name: 'kafka' | 'postgres'): Promise<void> {
  await service(name, 'stop');
  await service(name, 'start');
}

const kafka = new Kafka({
  clientId: 'pipekit-chaos',
  brokers,
  logLevel: logLevel.NOTHING,
  retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 5_000 },
});

export async function createTopic(topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
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

/**
 * An idempotent producer that keeps sending through broker restarts: `send` retries until the
 * batch is acknowledged (a batch may then be in the topic twice; the checks read the input topic
 * back, so such a duplicate is input, not the pipeline's doing).
 */
export async function openProducer() {
  const producer = kafka.producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  return {
    async send(topic: string, messages: readonly Message[]): Promise<void> {
      for (let attempt = 1; ; attempt++) {
        try {
          await producer.send({ topic, messages: messages as Message[], acks: -1 });
          return;
        } catch (e) {
          if (attempt >= 60) throw e;
          await new Promise((r) => setTimeout(r, 1_000));
        }
      }
    },
    close: () => producer.disconnect(),
  };
}

/** Every committed record of a topic: read until each partition reaches its end offset, or idle. */
export async function readTopic(topic: string, timeoutMs = 120_000): Promise<KafkaMessage[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map(
    (await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]),
  );
  await admin.disconnect();
  const consumer = kafka.consumer({ groupId: `chaos-read-${randomUUID()}`, maxWaitTimeInMs: 200 });
  const out: KafkaMessage[] = [];
  const reached = new Map<number, number>();
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  try {
    await new Promise<void>((resolve) => {
      const deadline = setTimeout(resolve, timeoutMs);
      let idle: NodeJS.Timeout | undefined;
      const done = () => {
        clearTimeout(deadline);
        clearTimeout(idle);
        resolve();
      };
      // Transaction markers and aborted records take offsets no record comes back for: past the
      // last real record, a few idle seconds end the read.
      const armIdle = () => {
        clearTimeout(idle);
        idle = setTimeout(done, 5_000);
      };
      armIdle();
      void consumer.run({
        eachBatch: async ({ batch }) => {
          for (const m of batch.messages) out.push(m);
          reached.set(batch.partition, Number(batch.lastOffset()) + 1);
          armIdle();
          if ([...ends].every(([p, end]) => (reached.get(p) ?? 0) >= end)) done();
        },
      });
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** A query on the test database; a fresh connection each time, so PostgreSQL restarts do not matter. */
export async function pgQuery<R extends pg.QueryResultRow>(text: string): Promise<R[]> {
  for (let attempt = 1; ; attempt++) {
    const u = new URL(pgUrl);
    // Fields, not connectionString: pg lets the URL's (absent) password win over `password`.
    const client = new pg.Client({
      host: u.hostname,
      port: Number(u.port),
      user: decodeURIComponent(u.username),
      database: u.pathname.slice(1),
      password: process.env.PIPEKIT_PG_PASSWORD,
    });
    try {
      await client.connect();
      return (await client.query<R>(text)).rows;
    } catch (e) {
      // Only a server that is away (restarting) is worth waiting for.
      const code = (e as { code?: string }).code;
      if (attempt >= 30 || (code !== 'ECONNREFUSED' && code !== '57P03' && code !== 'ECONNRESET'))
        throw e;
      await new Promise((r) => setTimeout(r, 1_000));
    } finally {
      await client.end().catch(() => {});
    }
  }
}
