import type { KafkaSinkSpec } from '@pipekit/core';
import type { Row, SinkBatch, SinkContext, SinkWriter } from '@pipekit/runtime';
import { CompressionTypes, type Message, Partitioners, type Sender } from 'kafkajs';
import {
  connectedAdmin,
  type KafkaAdmin,
  type KafkaClient,
  type KafkaProducer,
  probeBrokers,
  type RetryOptions,
} from './client.js';
import type { KafkaEndpoint } from './kafka-errors.js';
import { withRetry } from './retry.js';
import { messageEncoder, sizeOf } from './serialize.js';

/**
 * Bytes (approximate) per send: each partition's record batch must stay under the broker's
 * `message.max.bytes` (1 MiB by default) even when every record of a send lands in one partition.
 */
const sendBytes = 512 * 1024;

/** Sends in flight to a producer that takes them in order (`orderedSends`, the producer thread). */
const pipelineDepth = 3;

export interface KafkaWriterOptions {
  readonly client: KafkaClient;
  readonly retry: RetryOptions;
  /** One Kafka transaction per batch, idempotent per (query id, batch id); see `transactionalIdOf`. */
  readonly transactional: boolean;
  /** The brokers and user, for errors a person reads; the spec's brokers when absent. */
  readonly endpoint?: KafkaEndpoint;
  /** A client that tries to connect once (`singleTry`), to probe the brokers before connecting. */
  readonly probeClient?: KafkaClient;
}

/** The producer's `transactional.id`: stable per query and sink, so a restarted run fences the old one. */
export function transactionalIdOf(queryId: string, nodeId: string): string {
  return `pipekit.${queryId}.${nodeId}`;
}

/**
 * Where a transactional sink records the last batch it committed: the offset, committed inside the
 * batch's own transaction (`sendOffsets`), of this consumer group on partition 0 of the target
 * topic is `batchId + 1`. It becomes visible atomically with the batch's records, so after a crash
 * a replayed batch that had committed is skipped, and one that had not is written again.
 */
export function commitGroupOf(queryId: string, nodeId: string): string {
  return `pipekit.commits.${queryId}.${nodeId}`;
}

/**
 * `sink.kafka`: rows as JSON records (key, headers and value from columns), gzip or no compression,
 * idempotent producer. With `transactional` (the pipeline has a checkpoint) each batch is one
 * transaction carrying its batch-id marker, so `read_committed` consumers never see a replayed
 * batch twice; without, delivery is at least once.
 */
export class KafkaWriter implements SinkWriter {
  private producer: KafkaProducer | null = null;
  private admin: KafkaAdmin | null = null;
  private readonly lastCommitted = new Map<string, number>();
  private readonly compression: CompressionTypes;
  private readonly endpoint: KafkaEndpoint;

  constructor(
    private readonly spec: KafkaSinkSpec,
    private readonly ctx: SinkContext,
    private readonly opts: KafkaWriterOptions,
  ) {
    this.compression = spec.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None;
    this.endpoint = opts.endpoint ?? { brokers: spec.brokers, node: ctx.nodeName ?? ctx.nodeId };
  }

  async writeBatch(batch: SinkBatch): Promise<void> {
    if (batch.rows.length === 0) return;
    const encode = messageEncoder(this.spec, batch.schema);
    const rows = batch.rows;
    const what = `writing batch ${batch.batchId} (${rows.length} records) to Kafka topic '${this.spec.topic}'`;
    const log = this.ctx.logger;
    if (!this.opts.transactional) {
      // Idempotent producer: no duplicates from its own retries; a replayed batch is written again.
      await withRetry(
        what,
        async () => {
          const producer = await this.connect();
          await this.send(producer, rows, encode, producer.orderedSends === true);
        },
        {
          retry: this.opts.retry,
          logger: log,
          endpoint: this.endpoint,
          onError: () => this.reset(),
        },
      );
      return;
    }
    const group = commitGroupOf(batch.queryId, this.ctx.nodeId);
    await withRetry(
      what,
      async () => {
        const last = await this.committed(group);
        if (batch.batchId <= last) {
          log.info(
            { batchId: batch.batchId, lastCommitted: last },
            'Kafka sink: batch already committed, not written again',
          );
          return;
        }
        const producer = await this.connect();
        const tx = await producer.transaction();
        try {
          await this.send(tx, rows, encode, producer.orderedSends === true);
          await tx.sendOffsets({
            consumerGroupId: group,
            topics: [
              {
                topic: this.spec.topic,
                partitions: [{ partition: 0, offset: String(batch.batchId + 1) }],
              },
            ],
          });
          await tx.commit();
        } catch (e) {
          if (tx.isActive()) await tx.abort().catch(() => {});
          throw e;
        }
        this.lastCommitted.set(group, batch.batchId);
      },
      {
        retry: this.opts.retry,
        logger: log,
        endpoint: this.endpoint,
        // Whether the failed commit took effect is unknown: a new producer (which fences and aborts
        // the old transaction) and a fresh look at the marker decide.
        onError: async () => {
          this.lastCommitted.delete(group);
          await this.reset();
        },
      },
    );
  }

  async close(): Promise<void> {
    await this.reset();
    const a = this.admin;
    this.admin = null;
    if (a) await a.disconnect().catch(() => {});
  }

  /**
   * Sends the rows as messages in chunks of about `sendBytes`, encoded chunk by chunk. To a
   * producer with `orderedSends` up to `pipelineDepth` chunks are in flight, so the next chunk is
   * encoded while one is sent; otherwise each send is awaited before the next (kafkajs may retry a
   * request after a later one went through, which would break the order within a partition).
   */
  private async send(
    sender: Pick<Sender, 'sendBatch'>,
    rows: readonly Row[],
    encode: (row: Row) => Message,
    ordered: boolean,
  ): Promise<void> {
    const inFlight: Promise<unknown>[] = [];
    let chunk: Message[] = [];
    let bytes = 0;
    const flush = async () => {
      if (chunk.length === 0) return;
      const sent = sender.sendBatch({
        topicMessages: [{ topic: this.spec.topic, messages: chunk }],
        acks: -1,
        compression: this.compression,
      });
      chunk = [];
      bytes = 0;
      if (!ordered) {
        await sent;
        return;
      }
      // Awaited below, in order; meanwhile a failure must not count as unhandled.
      sent.catch(() => {});
      inFlight.push(sent);
      if (inFlight.length >= pipelineDepth) await inFlight.shift();
    };
    for (const row of rows) {
      const m = encode(row);
      const n = sizeOf(m);
      if (bytes + n > sendBytes) await flush();
      chunk.push(m);
      bytes += n;
    }
    await flush();
    for (const sent of inFlight) await sent;
  }

  private async committed(group: string): Promise<number> {
    const known = this.lastCommitted.get(group);
    if (known !== undefined) return known;
    const admin = await this.connectAdmin();
    const res = await admin.fetchOffsets({ groupId: group, topics: [this.spec.topic] });
    const p0 = res
      .find((t) => t.topic === this.spec.topic)
      ?.partitions.find((p) => p.partition === 0);
    const last = p0 && Number(p0.offset) > 0 ? Number(p0.offset) - 1 : -1;
    this.lastCommitted.set(group, last);
    return last;
  }

  /** The admin client (for the transactional commit marker), connected. */
  private async connectAdmin(): Promise<KafkaAdmin> {
    if (this.admin) return this.admin;
    await probeBrokers(this.opts.probeClient);
    this.admin = await connectedAdmin(this.opts.client);
    return this.admin;
  }

  private async connect(): Promise<KafkaProducer> {
    if (this.producer) return this.producer;
    // One quick try first: a broker that is down fails the attempt at once (one retry line)
    // instead of after the producer's own eight tries.
    await probeBrokers(this.opts.probeClient);
    const transactional = this.opts.transactional;
    const p = this.opts.client.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      idempotent: transactional || this.spec.idempotent,
      // One request in flight per broker keeps each partition in order across retries.
      maxInFlightRequests: transactional || this.spec.idempotent ? 1 : 5,
      ...(transactional
        ? {
            transactionalId: transactionalIdOf(this.ctx.queryId, this.ctx.nodeId),
            transactionTimeout: 60_000,
          }
        : {}),
    });
    await p.connect();
    this.producer = p;
    return p;
  }

  private async reset(): Promise<void> {
    const p = this.producer;
    this.producer = null;
    if (p) await p.disconnect().catch(() => {});
  }
}
