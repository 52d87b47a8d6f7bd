/**
 * The producer thread (see producer-thread.ts): one kafkajs producer, run off the pipeline's
 * thread. kafkajs encodes every record in JavaScript (record batches, varints, CRC32C), most of a
 * Kafka sink's CPU; here that work overlaps with the pipeline's own. Requests come one at a time
 * from `ProducerThread`, which never sends a second before the first is answered, so the producer
 * is used exactly as in one thread: sends in order, one transaction at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  Kafka,
  type KafkaConfig,
  Partitioners,
  type ProducerConfig,
  type Transaction,
} from 'kafkajs';
import { rootKafkaError } from './kafka-errors.js';
import { type PackedMessages, unpack } from './producer-wire.js';

/** What `ProducerThread` hands over when it starts the thread. */
export interface ProducerThreadData {
  /** Connection settings, without the log creator (functions cannot cross threads). */
  readonly config: Omit<KafkaConfig, 'logCreator'>;
  /** Producer settings; the partitioner by name. */
  readonly producer: Omit<ProducerConfig, 'createPartitioner'> & {
    readonly partitioner: 'default' | 'legacy';
  };
}

export type ProducerRequest =
  | { readonly id: number; readonly op: 'connect' | 'disconnect' | 'begin' | 'commit' | 'abort' }
  | {
      readonly id: number;
      readonly op: 'sendBatch';
      readonly inTransaction: boolean;
      readonly acks?: number;
      readonly timeout?: number;
      readonly compression?: number;
      readonly topics: readonly { readonly topic: string; readonly messages: PackedMessages }[];
    }
  | {
      readonly id: number;
      readonly op: 'sendOffsets';
      readonly offsets: Parameters<Transaction['sendOffsets']>[0];
    };

export type ProducerReply =
  | {
      readonly id: number;
      readonly ok: true;
      readonly result?: unknown;
      /** After a transaction operation: whether the transaction is still open (kafkajs' `isActive`). */
      readonly active?: boolean;
    }
  | {
      readonly id: number;
      readonly ok: false;
      readonly error: ErrorData;
      readonly active?: boolean;
    }
  | { readonly id: -1; readonly log: { readonly level: number; readonly entry: LogData } };

/** An error as data: what `ProducerThread` rebuilds on the pipeline's side. */
export interface ErrorData {
  readonly name: string;
  readonly message: string;
  readonly retriable?: boolean;
  readonly type?: string;
  /** A Kafka error code (number) or a socket's (`ECONNREFUSED`), for messages a person reads. */
  readonly code?: number | string;
  /** The broker a connection error is about (`host:port`). */
  readonly broker?: string;
}

export interface LogData {
  readonly message: string;
  readonly [key: string]: unknown;
}

function errorData(e: unknown): ErrorData {
  if (!(e instanceof Error)) return { name: 'Error', message: String(e) };
  const x = e as Error & { retriable?: unknown; type?: unknown; code?: unknown };
  // kafkajs wraps the connection error that ended its retries: keep its broker and code.
  const root = rootKafkaError(e) as { code?: unknown; broker?: unknown };
  const code = x.code ?? root.code;
  return {
    name: x.name,
    message: x.message,
    ...(typeof x.retriable === 'boolean' ? { retriable: x.retriable } : {}),
    ...(typeof x.type === 'string' ? { type: x.type } : {}),
    ...(typeof code === 'number' || typeof code === 'string' ? { code } : {}),
    ...(typeof root.broker === 'string' ? { broker: root.broker } : {}),
  };
}

/** Log entries as plain data (kafkajs may put errors or other objects in them). */
function logData(entry: { message: string; [key: string]: unknown }): LogData {
  try {
    return JSON.parse(JSON.stringify(entry)) as LogData;
  } catch {
    return { message: entry.message };
  }
}

function run(port: NonNullable<typeof parentPort>, data: ProducerThreadData): void {
  const kafka = new Kafka({
    ...data.config,
    logCreator: () => (e) =>
      port.postMessage({ id: -1, log: { level: e.level, entry: logData(e.log) } }),
  });
  const { partitioner, ...producerConfig } = data.producer;
  const producer = kafka.producer({
    ...producerConfig,
    createPartitioner:
      partitioner === 'legacy' ? Partitioners.LegacyPartitioner : Partitioners.DefaultPartitioner,
  });
  let tx: Transaction | null = null;

  const handle = async (r: ProducerRequest): Promise<unknown> => {
    switch (r.op) {
      case 'connect':
        return producer.connect();
      case 'disconnect':
        return producer.disconnect();
      case 'begin':
        tx = await producer.transaction();
        return undefined;
      case 'commit':
        return current().commit();
      case 'abort':
        return current().abort();
      case 'sendOffsets':
        return current().sendOffsets(r.offsets);
      case 'sendBatch': {
        const sender = r.inTransaction ? current() : producer;
        return sender.sendBatch({
          ...(r.acks === undefined ? {} : { acks: r.acks }),
          ...(r.timeout === undefined ? {} : { timeout: r.timeout }),
          ...(r.compression === undefined ? {} : { compression: r.compression }),
          topicMessages: r.topics.map((t) => ({ topic: t.topic, messages: unpack(t.messages) })),
        });
      }
    }
  };
  const current = (): Transaction => {
    if (!tx) throw new Error('no transaction was begun on this producer');
    return tx;
  };
  const inTx = (op: ProducerRequest['op']) =>
    op === 'begin' ||
    op === 'commit' ||
    op === 'abort' ||
    op === 'sendOffsets' ||
    op === 'sendBatch';

  // One request at a time, in the order they came, as one thread would use the producer. A send
  // queued behind a failed one is not made: the caller pipelines sends and retries them all.
  let queue: Promise<unknown> = Promise.resolve();
  let failedSend: Error | null = null;
  let queuedSends = 0;
  const next = (r: ProducerRequest): Promise<unknown> => {
    if (r.op !== 'sendBatch') return handle(r);
    if (failedSend)
      return Promise.reject(
        new Error(`not sent, an earlier send failed: ${failedSend.message}`, { cause: failedSend }),
      );
    return handle(r).catch((e: unknown) => {
      failedSend = e instanceof Error ? e : new Error(String(e));
      throw e;
    });
  };

  port.on('message', (r: ProducerRequest) => {
    if (r.op === 'sendBatch') queuedSends++;
    const done = queue.then(() => next(r));
    queue = done.catch(() => {});
    done
      .finally(() => {
        if (r.op === 'sendBatch' && --queuedSends === 0) failedSend = null;
      })
      .catch(() => {});
    done.then(
      (result) =>
        port.postMessage({
          id: r.id,
          ok: true,
          result,
          ...(inTx(r.op) && tx ? { active: tx.isActive() } : {}),
        }),
      (e: unknown) =>
        port.postMessage({
          id: r.id,
          ok: false,
          error: errorData(e),
          ...(inTx(r.op) && tx ? { active: tx.isActive() } : {}),
        }),
    );
  });
}

if (parentPort) run(parentPort, workerData as ProducerThreadData);
