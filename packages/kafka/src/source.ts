import { randomUUID } from 'node:crypto';
import { type KafkaSourceSpec, PipekitError } from '@pipekit/core';
import type {
  Offset,
  ReadLimits,
  ReadResult,
  SourceBacklog,
  SourceContext,
  SourceReader,
} from '@pipekit/runtime';
import {
  connectedAdmin,
  type KafkaAdmin,
  type KafkaClient,
  probeBrokers,
  type RetryOptions,
} from './client.js';
import { RangeFetcher } from './fetcher.js';
import type { KafkaEndpoint } from './kafka-errors.js';
import {
  asPartitionOffsets,
  minOffsets,
  type PartitionOffsets,
  rangesOf,
  rateLimit,
  reached,
} from './offsets.js';
import { recordDecoder } from './records.js';
import { withRetry } from './retry.js';

/** Earliest and latest (high-water mark) offsets of every partition, by topic. */
type Watermarks = Record<string, Record<string, { low: number; high: number }>>;

export interface KafkaReaderOptions {
  readonly client: KafkaClient;
  readonly retry: RetryOptions;
  /** The brokers and user, for errors a person reads; the spec's brokers when absent. */
  readonly endpoint?: KafkaEndpoint;
  /** A client that tries to connect once (`singleTry`), to probe the brokers before connecting. */
  readonly probeClient?: KafkaClient;
}

/**
 * `source.kafka` on the micro-batch model (Spark's Kafka source): an offset is
 * `{ topic: { partition: next } }`; `planBatch` asks the broker for the high-water marks and caps
 * them (`endingOffsets`, `availableNow`, `maxOffsetsPerTrigger`); `readBatch` reads exactly that
 * range. The offsets that count are the runtime's (its checkpoint); the consumer group only shows
 * lag to monitoring tools.
 */
export class KafkaReader implements SourceReader {
  private admin: KafkaAdmin | null = null;
  private readonly fetcher: RangeFetcher;
  private readonly decode;
  /** `endingOffsets` resolved to numbers (at the first plan: "latest" means latest then). */
  private endBound: PartitionOffsets | null = null;
  private availableNowBound: PartitionOffsets | null = null;
  private lows = new Map<string, number>();
  /** The latest offsets (within the run's bounds) when the last batch was planned. */
  private latest: PartitionOffsets | null = null;
  private readonly endpoint: KafkaEndpoint;

  constructor(
    private readonly spec: KafkaSourceSpec,
    private readonly ctx: SourceContext,
    private readonly opts: KafkaReaderOptions,
  ) {
    // Spark's default: a fresh group per query; name one (groupId) to watch lag with Kafka tools.
    const groupId = spec.groupId ?? `pipekit-${ctx.nodeId}-${randomUUID().slice(0, 8)}`;
    this.endpoint = opts.endpoint ?? { brokers: spec.brokers, node: ctx.nodeName ?? ctx.nodeId };
    this.fetcher = new RangeFetcher(opts.client, {
      groupId,
      logger: ctx.logger,
      stallTimeoutMs: Math.max(opts.retry.maxRetryTimeMs, 30_000),
      signal: ctx.signal,
      retry: opts.retry,
      endpoint: this.endpoint,
    });
    this.decode = recordDecoder(spec, ctx);
  }

  async initialOffset(): Promise<Offset> {
    const marks = await this.watermarks();
    await this.resolveEnd(marks);
    this.fetcher.warmUp(Object.keys(marks));
    return this.resolve(this.spec.startingOffsets, marks, 'startingOffsets');
  }

  async planBatch(start: Offset, limits: ReadLimits): Promise<Offset | null> {
    const from = asPartitionOffsets(start);
    const marks = await this.watermarks();
    await this.resolveEnd(marks);
    const begin = this.withNewPartitions(from, marks);
    // Partitions of `start` the broker no longer lists stay where they are.
    let end = withDefaults(this.resolve('latest', marks, 'latest'), begin);
    if (this.endBound) end = minOffsets(end, this.endBound);
    if (this.availableNowBound) end = minOffsets(end, this.availableNowBound);
    end = maxOffsets(end, begin);
    // What exists now, for the backlog in progress (Spark's latestOffset).
    this.latest = end;
    const cap = limits.allAvailable
      ? limits.maxRows
      : Math.min(this.spec.maxOffsetsPerTrigger ?? Infinity, limits.maxRows ?? Infinity);
    if (cap !== undefined && Number.isFinite(cap)) end = rateLimit(begin, end, cap);
    return rangesOf(begin, end).length === 0 ? null : end;
  }

  /**
   * Records the broker had beyond `end` when the batch was planned (no broker call), and
   * `maxOffsetsPerTrigger` when that is what capped the batch.
   */
  backlog(end: Offset): SourceBacklog | null {
    if (this.latest === null) return null;
    const to = asPartitionOffsets(end);
    let rows = 0;
    for (const [topic, parts] of Object.entries(this.latest))
      for (const [p, latest] of Object.entries(parts))
        rows += Math.max(0, latest - (to[topic]?.[p] ?? latest));
    const capped = rows > 0 && this.spec.maxOffsetsPerTrigger !== undefined;
    return { rows, limitedBy: capped ? 'maxOffsetsPerTrigger' : null };
  }

  async readBatch(start: Offset, end: Offset): Promise<ReadResult> {
    const to = asPartitionOffsets(end);
    let from = asPartitionOffsets(start);
    if (this.lows.size === 0 || missingPartitions(from, to))
      from = this.withNewPartitions(from, await this.watermarks());
    from = this.checkDataLoss(from);
    const ranges = rangesOf(from, to);
    if (ranges.length === 0) return { rows: [] };
    const { rows, bad } = await this.fetcher.read(ranges, this.decode);
    return { rows, badRecords: bad };
  }

  commit(end: Offset): void {
    // For lag monitoring only: not awaited, so the next batch does not wait for the coordinator.
    void this.fetcher.commitGroupOffsets(asPartitionOffsets(end));
  }

  isExhausted(offset: Offset): boolean {
    const at = asPartitionOffsets(offset);
    // Only endingOffsets end the stream: the availableNow bound ends this run, not the topic, so a
    // later run from the same checkpoint reads what arrived since (planBatch stops at the bound).
    return this.endBound !== null && reached(at, this.endBound);
  }

  async prepareForAvailableNow(): Promise<void> {
    this.availableNowBound = this.resolve('latest', await this.watermarks(), 'latest');
  }

  async close(): Promise<void> {
    await this.fetcher.close();
    const a = this.admin;
    this.admin = null;
    if (a) await a.disconnect();
  }

  /** The subscribed topics: the one, the list, or those the pattern matches now (internal ones excluded). */
  private async topics(admin: KafkaAdmin): Promise<string[]> {
    const s = this.spec;
    if (s.topic !== undefined) return [s.topic];
    if (s.topics !== undefined) return [...s.topics];
    const re = new RegExp(`^(?:${s.topicPattern!})$`);
    return (await admin.listTopics()).filter((t) => !t.startsWith('__') && re.test(t)).sort();
  }

  private async watermarks(): Promise<Watermarks> {
    return withRetry(
      'fetching Kafka offsets',
      async () => {
        if (!this.admin) {
          // One quick try first: a broker that is down is one retry line, not kafkajs' eight tries.
          await probeBrokers(this.opts.probeClient);
          this.admin = await connectedAdmin(this.opts.client);
        }
        const admin = this.admin;
        const out: Watermarks = {};
        for (const topic of await this.topics(admin)) {
          const parts: Record<string, { low: number; high: number }> = {};
          for (const p of await admin.fetchTopicOffsets(topic)) {
            parts[p.partition] = { low: Number(p.low), high: Number(p.high) };
            this.lows.set(`${topic}/${p.partition}`, Number(p.low));
          }
          out[topic] = parts;
        }
        return out;
      },
      {
        retry: this.opts.retry,
        logger: this.ctx.logger,
        signal: this.ctx.signal,
        endpoint: this.endpoint,
        // A broken admin client is made again on the next attempt.
        onError: async () => {
          const a = this.admin;
          this.admin = null;
          await a?.disconnect().catch(() => {});
        },
      },
    );
  }

  /** 'earliest' / 'latest' / `{topic: {partition: n}}` (-2 earliest, -1 latest; partitions not named: earliest). */
  private resolve(
    spec: KafkaSourceSpec['startingOffsets'],
    marks: Watermarks,
    what: string,
  ): PartitionOffsets {
    const out: Record<string, Record<string, number>> = {};
    for (const [topic, parts] of Object.entries(marks)) {
      out[topic] = {};
      for (const [p, { low, high }] of Object.entries(parts)) {
        const v = spec === 'earliest' ? -2 : spec === 'latest' ? -1 : (spec[topic]?.[p] ?? -2);
        out[topic][p] = v === -2 ? low : v === -1 ? high : v;
        if (v < -2)
          throw new PipekitError(
            `${what} for ${topic}/${p} is ${v}; use -2 (earliest), -1 (latest) or an offset`,
          );
      }
    }
    return out;
  }

  private async resolveEnd(marks: Watermarks): Promise<void> {
    if (this.endBound || this.spec.endingOffsets === undefined) return;
    if (this.spec.endingOffsets === 'earliest')
      throw new PipekitError(
        "endingOffsets 'earliest' reads nothing; use 'latest' or per-partition offsets",
      );
    this.endBound = this.resolve(this.spec.endingOffsets, marks, 'endingOffsets');
  }

  /** Partitions the broker has and `start` lacks (a new partition or topic) start at their earliest offset. */
  private withNewPartitions(start: PartitionOffsets, marks: Watermarks): PartitionOffsets {
    const out: Record<string, Record<string, number>> = {};
    for (const [topic, parts] of Object.entries(start)) out[topic] = { ...parts };
    for (const [topic, parts] of Object.entries(marks))
      for (const [p, { low }] of Object.entries(parts)) {
        const t = out[topic] ?? {};
        if (t[p] === undefined) t[p] = low;
        out[topic] = t;
      }
    return out;
  }

  /** Records before the earliest offset are gone (retention): fail, or with failOnDataLoss=false skip them. */
  private checkDataLoss(start: PartitionOffsets): PartitionOffsets {
    let out: Record<string, Record<string, number>> | null = null;
    for (const [topic, parts] of Object.entries(start))
      for (const [p, v] of Object.entries(parts)) {
        const low = this.lows.get(`${topic}/${p}`);
        if (low === undefined || v >= low) continue;
        if (this.spec.failOnDataLoss)
          throw new PipekitError(
            `Kafka records ${topic}/${p} offsets ${v}..${low - 1} are gone (retention or deletion); set failOnDataLoss: false to skip them`,
          );
        this.ctx.logger.warn(
          { topic, partition: p, from: v, to: low },
          'Kafka records are gone; skipping them (failOnDataLoss: false)',
        );
        out ??= Object.fromEntries(Object.entries(start).map(([t, ps]) => [t, { ...ps }]));
        out[topic]![p] = low;
      }
    return out ?? start;
  }
}

function maxOffsets(a: PartitionOffsets, b: PartitionOffsets): PartitionOffsets {
  const out: Record<string, Record<string, number>> = {};
  for (const [topic, parts] of Object.entries(a)) {
    out[topic] = {};
    for (const [p, v] of Object.entries(parts)) out[topic][p] = Math.max(v, b[topic]?.[p] ?? v);
  }
  return out;
}

/** `a`, plus the partitions only `b` has. */
function withDefaults(a: PartitionOffsets, b: PartitionOffsets): PartitionOffsets {
  const out: Record<string, Record<string, number>> = {};
  for (const [topic, parts] of Object.entries(b)) out[topic] = { ...parts };
  for (const [topic, parts] of Object.entries(a)) out[topic] = { ...out[topic], ...parts };
  return out;
}

function missingPartitions(start: PartitionOffsets, end: PartitionOffsets): boolean {
  for (const [topic, parts] of Object.entries(end))
    for (const p of Object.keys(parts)) if (start[topic]?.[p] === undefined) return true;
  return false;
}
