import { Worker } from 'node:worker_threads';
import {
  type KafkaConfig,
  Partitioners,
  type ProducerBatch,
  type ProducerConfig,
  type ProducerRecord,
  type RecordMetadata,
  type Transaction,
} from 'kafkajs';
import type { Logger } from 'pino';
import { type KafkaClient, type KafkaProducer, logKafkajs } from './client.js';
import { pack, transferables } from './producer-wire.js';
import type {
  ErrorData,
  ProducerReply,
  ProducerRequest,
  ProducerThreadData,
} from './producer-worker.js';

/** A request without its id (the thread numbers them). */
type Request = ProducerRequest extends infer R
  ? R extends unknown
    ? Omit<R, 'id'>
    : never
  : never;

interface Pending {
  resolve(v: unknown): void;
  reject(e: unknown): void;
}

/** An error from the producer thread, as kafkajs raised it there (name, message, retriable). */
function errorOf(d: ErrorData): Error {
  const { name, message, ...rest } = d;
  const e = Object.assign(new Error(message), rest);
  e.name = name;
  return e;
}

/**
 * Starts the thread's code: `producer-worker.js` next to this module in the build; when running
 * from the TypeScript sources (the monorepo's tests and benches), the `.ts` file through tsx's
 * loader, which a worker does not inherit.
 */
function startWorker(data: ProducerThreadData): Worker {
  if (!import.meta.url.endsWith('.ts'))
    return new Worker(new URL('./producer-worker.js', import.meta.url), { workerData: data });
  const entry = JSON.stringify(new URL('./producer-worker.ts', import.meta.url).href);
  return new Worker(
    `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${entry}); });`,
    { eval: true, workerData: data },
  );
}

/**
 * A kafkajs producer in its own thread, behind the `KafkaProducer` interface: `sendBatch` packs the
 * messages into one buffer that moves to the thread without a copy, and the thread's kafkajs
 * encodes and sends them. The Java producer works the same way (its sender thread); in one thread,
 * kafkajs' encoding and the pipeline's work (rows, JSON) take turns.
 *
 * The guarantees are kafkajs' own, unchanged: one producer, which the thread gives one request
 * at a time in the order they were made, idempotence and transactions as configured. A caller may
 * make the next `sendBatch` before the last is answered (`orderedSends`), so that it encodes the
 * next chunk while the thread sends this one; a send queued behind a failed one is not made.
 */
export class ProducerThread implements KafkaProducer {
  /** Sends may be pipelined: the thread makes them one at a time, in order, none after a failure. */
  readonly orderedSends = true;
  private worker: Worker | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private dead: Error | null = null;
  /** kafkajs' `isActive()` of the open transaction, as the thread last reported it. */
  private active = false;

  constructor(
    private readonly config: KafkaConfig,
    private readonly producerConfig: ProducerConfig,
    private readonly logger: Logger,
  ) {}

  async connect(): Promise<void> {
    this.start();
    await this.call({ op: 'connect' });
  }

  async disconnect(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    try {
      if (!this.dead) await this.call({ op: 'disconnect' });
    } finally {
      this.worker = null;
      await w.terminate();
    }
  }

  sendBatch(batch: ProducerBatch): Promise<RecordMetadata[]> {
    return this.send(batch, false);
  }

  async transaction(): Promise<Transaction> {
    await this.call({ op: 'begin' });
    return {
      send: ({ topic, messages, ...rest }: ProducerRecord) =>
        this.send({ ...rest, topicMessages: [{ topic, messages }] }, true),
      sendBatch: (batch: ProducerBatch) => this.send(batch, true),
      sendOffsets: (offsets: Parameters<Transaction['sendOffsets']>[0]) =>
        this.call({ op: 'sendOffsets', offsets }).then(() => {}),
      commit: () => this.call({ op: 'commit' }).then(() => {}),
      abort: () => this.call({ op: 'abort' }).then(() => {}),
      isActive: () => this.active,
    } as Transaction;
  }

  private send(batch: ProducerBatch, inTransaction: boolean): Promise<RecordMetadata[]> {
    const topics = (batch.topicMessages ?? []).map((t) => ({
      topic: t.topic,
      messages: pack(t.messages),
    }));
    return this.call(
      {
        op: 'sendBatch',
        inTransaction,
        ...(batch.acks === undefined ? {} : { acks: batch.acks }),
        ...(batch.timeout === undefined ? {} : { timeout: batch.timeout }),
        ...(batch.compression === undefined ? {} : { compression: batch.compression }),
        topics,
      },
      topics.flatMap((t) => transferables(t.messages)),
    ) as Promise<RecordMetadata[]>;
  }

  private start(): void {
    if (this.worker) return;
    const { logCreator: _, ...config } = this.config;
    const { createPartitioner, ...producer } = this.producerConfig;
    if (
      createPartitioner !== undefined &&
      createPartitioner !== Partitioners.DefaultPartitioner &&
      createPartitioner !== Partitioners.LegacyPartitioner
    )
      throw new Error("the producer thread takes kafkajs' default or legacy partitioner only");
    const data: ProducerThreadData = {
      config,
      producer: {
        ...producer,
        partitioner: createPartitioner === Partitioners.LegacyPartitioner ? 'legacy' : 'default',
      },
    };
    const w = startWorker(data);
    // Only pending calls keep the process alive (see `call`).
    w.unref();
    w.on('message', (m: ProducerReply) => this.onReply(m));
    w.on('error', (e) => this.die(w, e));
    w.on('exit', (code) =>
      this.die(w, new Error(`the Kafka producer thread exited (code ${code})`)),
    );
    this.worker = w;
    this.dead = null;
  }

  private call(r: Request, transfer: ArrayBuffer[] = []): Promise<unknown> {
    const w = this.worker;
    if (!w || this.dead)
      return Promise.reject(this.dead ?? new Error('the Kafka producer is not connected'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) w.ref();
      this.pending.set(id, { resolve, reject });
      w.postMessage({ ...r, id }, transfer);
    });
  }

  private onReply(m: ProducerReply): void {
    if ('log' in m) {
      logKafkajs(this.logger, m.log.level, m.log.entry);
      return;
    }
    const p = this.pending.get(m.id);
    if (!p) return;
    this.pending.delete(m.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (m.active !== undefined) this.active = m.active;
    if (m.ok) p.resolve(m.result);
    else p.reject(errorOf(m.error));
  }

  private die(w: Worker, e: Error): void {
    if (w !== this.worker) return;
    this.dead ??= e;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }
}

/**
 * `client`, with its producers in their own threads (kafkajs only: the thread builds its own
 * kafkajs client from `config`).
 */
export function withProducerThread(
  client: KafkaClient,
  config: KafkaConfig,
  logger: Logger,
): KafkaClient {
  return {
    admin: () => client.admin(),
    consumer: (c) => client.consumer(c),
    producer: (p) => new ProducerThread(config, p ?? {}, logger),
  };
}
