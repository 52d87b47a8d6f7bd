import type { BadRecord, Row } from '@pipekit/runtime';
import type { Batch, KafkaMessage } from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaClient, KafkaConsumer, RetryOptions } from './client.js';
import type { KafkaEndpoint } from './kafka-errors.js';
import type { PartitionOffsets, PartitionRange } from './offsets.js';
import { ReadAhead } from './read-ahead.js';
import { KafkaUnavailableError, messageOf, withRetry } from './retry.js';

/** Decodes `messages[from, to)` of one partition into rows and bad records (in offset order). */
export type Decode = (
  topic: string,
  partition: number,
  messages: readonly KafkaMessage[],
  from: number,
  to: number,
  rows: Row[],
  bad: BadRecord[],
) => void;

export interface FetcherOptions {
  readonly groupId: string;
  readonly logger: Logger;
  /** Give up when no partition of a read makes progress for this long (ms). */
  readonly stallTimeoutMs: number;
  readonly signal: AbortSignal;
  readonly retry: RetryOptions;
  readonly endpoint: KafkaEndpoint;
}

interface PartitionState {
  readonly range: PartitionRange;
  next: number;
  readonly rows: Row[];
  readonly bad: BadRecord[];
}

interface Waiter {
  resolve(): void;
  reject(e: unknown): void;
}

/** How long a read may still take once the pipeline is asked to stop. */
const stopGraceMs = 5_000;

const keyOf = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/**
 * Reads exact offset ranges with one long-lived kafkajs consumer (`eachBatch`): every partition is
 * paused except those of the current read, which are sought to their start and paused again once
 * they reach their end. That is the backpressure: nothing is fetched between batches, and a batch
 * never holds more than its planned range. A fetched batch is taken only if it was fetched at or
 * before the partition's next offset, so a stale prefetch, a rebalance or a consumer restart (which
 * move kafkajs' own position) can never skip or repeat a record; the partition is sought again.
 */
export class RangeFetcher {
  private consumer: KafkaConsumer | null = null;
  private subscribed = new Set<string>();
  private active = new Map<string, PartitionState>();
  private waiter: Waiter | null = null;
  private lastProgress = Date.now();
  /** When the pipeline asked to stop during the current read. */
  private stoppedAt: number | null = null;
  /** Records fetched beyond the last read's range, for the next read. */
  private readonly ahead = new ReadAhead();

  constructor(
    private readonly client: KafkaClient,
    private readonly opts: FetcherOptions,
  ) {}

  /** Reads every range `[from, until)`; returns rows and bad records in (topic, partition, offset) order. */
  async read(
    ranges: readonly PartitionRange[],
    decode: Decode,
  ): Promise<{ rows: Row[]; bad: BadRecord[] }> {
    const topics = [...new Set(ranges.map((r) => r.topic))];
    await withRetry('starting the Kafka consumer', () => this.ensureConsumer(topics), {
      retry: this.opts.retry,
      logger: this.opts.logger,
      signal: this.opts.signal,
      endpoint: this.opts.endpoint,
    });
    const consumer = this.consumer!;
    const active = new Map<string, PartitionState>(
      ranges.map((r) => [
        keyOf(r.topic, r.partition),
        { range: r, next: r.from, rows: [], bad: [] },
      ]),
    );
    this.decode = decode;
    this.pending = [];
    // Records an earlier fetch brought beyond its range, where this read starts: decoded once the
    // fetch of what follows them is under way.
    for (const st of active.values()) {
      const { topic, partition, until } = st.range;
      st.next = this.ahead.take(topic, partition, st.next, until, (m, from, to) =>
        this.pending.push({ st, messages: m, from, to }),
      );
    }
    this.active = active;
    this.lastProgress = Date.now();
    this.stoppedAt = null;
    const done = new Promise<void>((resolve, reject) => {
      this.waiter = { resolve, reject };
    });
    this.applyPositions(consumer);
    this.scheduleDecode();
    this.checkDone();
    const watchdog = setInterval(() => this.watch(), 1_000);
    // A stop lets the batch in flight finish (graceful stop), unless the read is stuck.
    const onAbort = () => {
      this.stoppedAt = Date.now();
    };
    if (this.opts.signal.aborted) onAbort();
    this.opts.signal.addEventListener('abort', onAbort, { once: true });
    try {
      await done;
    } finally {
      clearInterval(watchdog);
      this.opts.signal.removeEventListener('abort', onAbort);
      this.waiter = null;
      this.active = new Map();
      clearImmediate(this.decodeSoon ?? undefined);
      this.decodeSoon = null;
      try {
        for (const st of active.values())
          consumer.pause([{ topic: st.range.topic, partitions: [st.range.partition] }]);
      } catch {
        // The consumer crashed for good; the next read starts a new one.
      }
    }
    this.decodePending();
    const rows: Row[] = [];
    const bad: BadRecord[] = [];
    for (const st of active.values()) {
      for (const r of st.rows) rows.push(r);
      for (const b of st.bad) bad.push(b);
    }
    return { rows, bad };
  }

  /** Commits positions to the consumer group, for lag monitoring only (best effort). */
  async commitGroupOffsets(end: PartitionOffsets): Promise<void> {
    const c = this.consumer;
    if (!c) return;
    const list = Object.entries(end).flatMap(([topic, parts]) =>
      Object.entries(parts).map(([p, offset]) => ({
        topic,
        partition: Number(p),
        offset: String(offset),
      })),
    );
    try {
      await c.commitOffsets(list);
    } catch (e) {
      this.opts.logger.debug(
        { err: messageOf(e) },
        'committing consumer-group offsets (for lag monitoring) failed',
      );
    }
  }

  async close(): Promise<void> {
    // A warm-up still joining would otherwise leave a running consumer behind.
    await this.starting.catch(() => {});
    await this.disconnect();
  }

  private async disconnect(): Promise<void> {
    const c = this.consumer;
    this.consumer = null;
    if (c) await c.disconnect();
  }

  private decode: Decode = () => {};
  /**
   * Fetched records of the current read not decoded yet, in the order they came. `eachBatch` only
   * queues them, so kafkajs sends its next fetch at once and the decoding overlaps with the
   * broker's and the network's part of it.
   */
  private pending: {
    st: PartitionState;
    messages: readonly KafkaMessage[];
    from: number;
    to: number;
  }[] = [];
  private decodeSoon: ReturnType<typeof setImmediate> | null = null;

  private scheduleDecode(): void {
    if (this.decodeSoon !== null || this.pending.length === 0) return;
    this.decodeSoon = setImmediate(() => {
      this.decodeSoon = null;
      this.decodePending();
    });
  }

  private decodePending(): void {
    const queue = this.pending;
    this.pending = [];
    for (const { st, messages, from, to } of queue) {
      const { topic, partition } = st.range;
      this.decode(topic, partition, messages, from, to, st.rows, st.bad);
    }
  }

  /** Starts the consumer (joining the group takes a while) before the first read needs it. */
  warmUp(topics: readonly string[]): void {
    this.ensureConsumer(topics).catch((e: unknown) =>
      this.opts.logger.debug(
        { err: messageOf(e) },
        'starting the Kafka consumer early failed; the read retries',
      ),
    );
  }

  private starting: Promise<void> = Promise.resolve();

  /** One start at a time (a warm-up may still be running when the first read comes). */
  private ensureConsumer(topics: readonly string[]): Promise<void> {
    const next = this.starting.catch(() => {}).then(() => this.startConsumer(topics));
    this.starting = next;
    return next;
  }

  private async startConsumer(topics: readonly string[]): Promise<void> {
    if (this.consumer && topics.every((t) => this.subscribed.has(t))) return;
    // kafkajs cannot subscribe once running: a topic new to this reader (a pattern matched it)
    // means a new consumer over the union of topics.
    const all = [...new Set([...this.subscribed, ...topics])].sort();
    if (this.consumer) await this.disconnect();
    const consumer = this.client.consumer({
      groupId: this.opts.groupId,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxBytes: 32 * 1024 * 1024,
      // Also how long a resumed partition waits for its first fetch when all were paused.
      maxWaitTimeInMs: 25,
      allowAutoTopicCreation: false,
      // After a crash (broker gone) the restarted consumer joins as a new member and the group
      // waits for the old member's session to expire: keep that short (the broker's minimum is 6 s).
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    consumer.on(consumer.events.GROUP_JOIN, (e) => {
      this.opts.logger.debug(
        { assignment: e.payload.memberAssignment },
        'kafka consumer joined its group',
      );
      this.lastProgress = Date.now();
      // A (re)join resets kafkajs' positions and, after a crash, its paused set: apply ours again.
      this.applyPositions(consumer);
    });
    consumer.on(consumer.events.CRASH, (e) => {
      const { error, restart } = e.payload;
      this.opts.logger.warn(
        { err: messageOf(error), restart },
        restart ? 'the Kafka consumer failed; kafkajs restarts it' : 'the Kafka consumer failed',
      );
      if (restart) return;
      // kafkajs gave up on this consumer: the next read makes a new one.
      this.subscribed = new Set();
      const codec = /^(\w+) compression not implemented/.exec(messageOf(error));
      this.fail(
        new KafkaUnavailableError(
          codec
            ? `the topic holds ${codec[1]}-compressed records, which kafkajs cannot decode without a codec package (see docs/connectors/kafka.md, "kafkajs weaknesses")`
            : `the Kafka consumer stopped: ${messageOf(error)}`,
          { cause: error },
        ),
      );
    });
    // Batches of only transaction markers or aborted records never reach eachBatch: move past them.
    consumer.on(consumer.events.END_BATCH_PROCESS, (e) => {
      const { topic, partition, batchSize, firstOffset, lastOffset } = e.payload;
      if (batchSize !== 0 || firstOffset === null) return;
      const st = this.active.get(keyOf(topic, partition));
      if (st && Number(firstOffset) <= st.next && Number(lastOffset) >= st.next)
        this.advance(st, Number(lastOffset) + 1);
    });
    try {
      await consumer.connect();
      await consumer.subscribe({ topics: all, fromBeginning: true });
      this.consumer = consumer;
      this.subscribed = new Set(all);
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: true,
        eachBatch: async ({ batch }) => this.onBatch(batch),
      });
    } catch (e) {
      this.consumer = null;
      this.subscribed = new Set();
      await consumer.disconnect().catch(() => {});
      throw e;
    }
    consumer.pause(all.map((topic) => ({ topic })));
    this.applyPositions(consumer);
  }

  /** Pause all; resume and seek the partitions of the current read that still have records to come. */
  private applyPositions(consumer: KafkaConsumer): void {
    try {
      consumer.pause([...this.subscribed].map((topic) => ({ topic })));
      for (const st of this.active.values()) {
        if (st.next >= st.range.until) continue;
        const { topic, partition } = st.range;
        consumer.seek({ topic, partition, offset: String(st.next) });
        consumer.resume([{ topic, partitions: [partition] }]);
      }
    } catch (e) {
      // Before `run` has made the consumer group, kafkajs refuses; the GROUP_JOIN handler retries.
      this.opts.logger.debug({ err: messageOf(e) }, 'kafka positions not applied yet');
    }
  }

  private onBatch(batch: Batch): void {
    const { topic, partition } = batch;
    const st = this.active.get(keyOf(topic, partition));
    const consumer = this.consumer;
    if (!consumer) return;
    if (!st || st.next >= st.range.until) {
      consumer.pause([{ topic, partitions: [partition] }]);
      return;
    }
    const fetchedAt = Number(
      (batch as Batch & { fetchedOffset?: string }).fetchedOffset ?? batch.firstOffset(),
    );
    if (fetchedAt > st.next) {
      // Fetched from elsewhere (a prefetch before our seek, a reset after a rebalance): re-seek.
      consumer.seek({ topic, partition, offset: String(st.next) });
      return;
    }
    // Messages are in offset order: take those in [next, until).
    const until = st.range.until;
    const messages: KafkaMessage[] = batch.messages;
    let from = 0;
    while (from < messages.length && Number(messages[from]!.offset) < st.next) from++;
    let to = from;
    while (to < messages.length && Number(messages[to]!.offset) < until) to++;
    if (to > from) {
      this.pending.push({ st, messages, from, to });
      this.scheduleDecode();
    }
    const end = Number(batch.lastOffset()) + 1;
    // kafkajs fetched (and decoded) up to maxBytesPerPartition, whatever the range's end.
    if (end > until) this.ahead.keep(topic, partition, until, end, messages.slice(to));
    this.advance(st, end);
  }

  private advance(st: PartitionState, next: number): void {
    if (next <= st.next) return;
    st.next = Math.min(next, st.range.until);
    this.lastProgress = Date.now();
    if (st.next >= st.range.until) {
      this.consumer?.pause([{ topic: st.range.topic, partitions: [st.range.partition] }]);
      this.checkDone();
    }
  }

  private checkDone(): void {
    if (!this.waiter) return;
    for (const st of this.active.values()) if (st.next < st.range.until) return;
    this.waiter.resolve();
  }

  private fail(e: unknown): void {
    this.waiter?.reject(e);
  }

  /** Once a second: a partition with nothing new is sought again; no progress at all for too long fails. */
  private watch(): void {
    if (
      this.stoppedAt !== null &&
      Date.now() - Math.max(this.stoppedAt, this.lastProgress) > stopGraceMs
    ) {
      this.fail(
        new KafkaUnavailableError(
          `the pipeline was stopped and a Kafka read made no progress for ${stopGraceMs / 1000} s`,
        ),
      );
      return;
    }
    const idle = Date.now() - this.lastProgress;
    if (idle > this.opts.stallTimeoutMs) {
      const waiting = [...this.active.values()]
        .filter((st) => st.next < st.range.until)
        .map((st) => `${st.range.topic}/${st.range.partition} at ${st.next} of ${st.range.until}`);
      this.fail(
        new KafkaUnavailableError(
          `no Kafka records for ${Math.round(idle / 1000)} s while reading ${waiting.join(', ')} ` +
            `(broker down, or another member of consumer group '${this.opts.groupId}' holds these partitions)`,
        ),
      );
      return;
    }
    if (idle > 3_000 && this.consumer) this.applyPositions(this.consumer);
  }
}
