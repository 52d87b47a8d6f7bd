import type { PostgresSourceSpec, Row } from '@pipekit/core';
import type { Offset, ReadLimits, ReadResult, SourceContext, SourceReader } from '@pipekit/runtime';
import type pg from 'pg';
import { type ColumnPlan, columnPlan } from './columns.js';
import { closeQuietly, connect, type ResolvedConnection } from './connection.js';
import { CopyTextParser } from './copy-out.js';
import { CopyOutQuery } from './copy-out-query.js';
import { type Partition, partitionsOf } from './partitions.js';
import { type Relation, relationOf } from './relation.js';
import { defaultRetry, type RetryPolicy, withRetry } from './retry.js';

/** Where a batch read is: rows read so far in each partition, and whether it is read to its end. */
interface PartOffset {
  readonly rows: number;
  readonly done: boolean;
}

/** The batch source's offset: `{ parts: [{ rows, done }, ...] }`, one entry per partition. */
export interface BatchOffset {
  readonly parts: readonly PartOffset[];
}

/** One partition's running `COPY ... TO STDOUT` and the rows parsed from it but not yet handed out. */
class PartStream {
  client: pg.Client | undefined;
  /** The running COPY, read as rows are wanted (the socket holds the rest back). */
  copy: CopyOutQuery | undefined;
  /** Rows of the COPY parsed (or skipped) so far. */
  pos = 0;
  /** Rows `pos - buffer.length .. pos - 1`. */
  buffer: Row[] = [];
  ended = false;

  constructor(
    readonly index: number,
    readonly partition: Partition,
  ) {}

  get bufferStart(): number {
    return this.pos - this.buffer.length;
  }
}

/** The result columns of the read, as planned against the declared schema. */
interface Described {
  readonly fieldCount: number;
  readonly columns: readonly ColumnPlan[];
}

/**
 * Reads a table or query once (a bounded source) with `COPY (SELECT ...) TO STDOUT` (text
 * format), parsed as it streams in, so only about one batch is ever in memory, whatever the size.
 * With `partitionColumn` and `numPartitions` it reads that many ranges in parallel, each on its
 * own connection.
 *
 * The offset counts the rows read in each partition. A replay (after a restart) runs the COPY
 * again and skips to the planned position (counting lines, without parsing them): it gives the
 * same rows when the table did not change and the scan order is stable. Synchronized sequential
 * scans and parallel plans are switched off so a table scan always runs from its first block in
 * one process; a query should `ORDER BY` a unique key.
 */
export class PostgresBatchReader implements SourceReader {
  private readonly parts: PartStream[];
  private described: Described | undefined;
  private readonly rel: Relation;

  private constructor(
    private readonly spec: PostgresSourceSpec,
    private readonly ctx: SourceContext,
    private readonly conn: ResolvedConnection,
    partitions: readonly Partition[],
    private readonly retry: RetryPolicy,
  ) {
    this.rel = relationOf(spec, ctx.schema);
    this.parts = partitions.map((p, i) => new PartStream(i, p));
  }

  static async open(
    spec: PostgresSourceSpec,
    ctx: SourceContext,
    conn: ResolvedConnection,
    retry: RetryPolicy = defaultRetry,
  ): Promise<PostgresBatchReader> {
    const rel = relationOf(spec, ctx.schema);
    const partitions = await withRetry(
      async () => {
        const client = await connect(conn);
        try {
          return await partitionsOf(client, spec, rel);
        } finally {
          await closeQuietly(client);
        }
      },
      async () => {},
      retry,
      ctx.signal,
    );
    return new PostgresBatchReader(spec, ctx, conn, partitions, retry);
  }

  initialOffset(): Offset {
    return { parts: this.parts.map(() => ({ rows: 0, done: false })) };
  }

  async planBatch(start: Offset, limits: ReadLimits): Promise<Offset | null> {
    const from = this.offsetOf(start);
    const total = limits.allAvailable
      ? Number.POSITIVE_INFINITY
      : Math.min(this.spec.fetchSize, limits.maxRows ?? Number.POSITIVE_INFINITY);
    const quota = Math.max(1, Math.ceil(total / this.parts.length));
    const ends = await Promise.all(
      this.parts.map(async (p): Promise<PartOffset> => {
        const s = from.parts[p.index]!;
        if (s.done) return s;
        // One row beyond the quota tells whether the partition ends with this batch.
        const have = await this.withStream(p, () => this.fill(p, s.rows, quota + 1));
        const take = Math.min(quota, have);
        return { rows: s.rows + take, done: p.ended && have <= quota };
      }),
    );
    const end: BatchOffset = { parts: ends };
    const same = ends.every(
      (e, i) => e.rows === from.parts[i]!.rows && e.done === from.parts[i]!.done,
    );
    return same ? null : (end as unknown as Offset);
  }

  async readBatch(start: Offset, end: Offset): Promise<ReadResult> {
    const from = this.offsetOf(start);
    const to = this.offsetOf(end);
    const chunks = await Promise.all(
      this.parts.map(async (p) => {
        const s = from.parts[p.index]!.rows;
        const count = to.parts[p.index]!.rows - s;
        if (count <= 0) return [];
        await this.withStream(p, () => this.fill(p, s, count));
        if (p.buffer.length > count) return p.buffer.splice(0, count);
        const rows = p.buffer;
        p.buffer = [];
        return rows;
      }),
    );
    const rows: Row[] = chunks.length === 1 ? chunks[0]! : chunks.flat();
    return { rows };
  }

  commit(): void {}

  isExhausted(offset: Offset): boolean {
    return this.offsetOf(offset).parts.every((p) => p.done);
  }

  async close(): Promise<void> {
    await Promise.all(this.parts.map((p) => this.reset(p)));
  }

  private offsetOf(o: Offset): BatchOffset {
    const parts = (o as { parts?: unknown } | null)?.parts;
    if (!Array.isArray(parts) || parts.length !== this.parts.length)
      throw new Error(
        `postgres source offset ${JSON.stringify(o)} does not fit ${this.parts.length} partition(s); was numPartitions changed since the checkpoint?`,
      );
    return o as unknown as BatchOffset;
  }

  /**
   * Makes the buffer hold rows from `from` on, as many as `want` if the partition has them;
   * returns how many it holds from `from`.
   */
  private async fill(p: PartStream, from: number, want: number): Promise<number> {
    if (p.client === undefined || from < p.bufferStart) await this.open(p);
    if (from > p.pos) {
      p.buffer = [];
      while (!p.ended && p.pos < from) await this.pull(p, from - p.pos);
    } else if (from > p.bufferStart) {
      p.buffer.splice(0, from - p.bufferStart);
    }
    while (!p.ended && p.buffer.length < want) await this.pull(p, 0);
    return p.buffer.length;
  }

  /** Parses the next chunk of the COPY into the buffer, the first `skip` rows only counted. */
  private async pull(p: PartStream, skip: number): Promise<void> {
    const before = p.buffer.length;
    const skipped = await p.copy!.read(p.buffer, skip);
    if (skipped === null) p.ended = true;
    else p.pos += skipped + p.buffer.length - before;
  }

  /** A fresh snapshot and COPY at row 0 of the partition. */
  private async open(p: PartStream): Promise<void> {
    await this.reset(p);
    const client = await connect(this.conn, true);
    p.client = client;
    await client.query(
      'SET synchronize_seqscans = off; SET max_parallel_workers_per_gather = 0; BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
    const select = `SELECT ${this.rel.columns} FROM ${this.rel.from}`;
    if (this.described === undefined) {
      // The result's columns and types (LIMIT 0 runs nothing), checked against the schema.
      const r = await client.query({ text: `${select} LIMIT 0`, rowMode: 'array' });
      this.described = {
        fieldCount: r.fields.length,
        columns: columnPlan(r.fields, this.ctx.schema, this.rel.what),
      };
    }
    const parser = new CopyTextParser(this.described.fieldCount, this.described.columns);
    const copy = new CopyOutQuery(`COPY (${select} ${p.partition.where}) TO STDOUT`, parser);
    client.query(copy as unknown as pg.Submittable);
    p.copy = copy;
  }

  private async reset(p: PartStream): Promise<void> {
    const c = p.client;
    p.client = undefined;
    p.copy = undefined;
    p.pos = 0;
    p.buffer = [];
    p.ended = false;
    // Ends the connection (mid-COPY: closes the socket), which also stops the COPY.
    await closeQuietly(c);
  }

  /** Runs a read step again on a new connection when the old one was lost. */
  private withStream<T>(p: PartStream, step: () => Promise<T>): Promise<T> {
    return withRetry(step, () => this.reset(p), this.retry, this.ctx.signal, {
      logger: this.ctx.logger,
      what: `reading partition ${p.index} (the COPY runs again)`,
      where: this.conn.where,
    });
  }
}
