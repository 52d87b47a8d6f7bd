import type { PostgresSourceSpec, Row } from '@pipekit/core';
import type { Offset, ReadLimits, ReadResult, SourceContext, SourceReader } from '@pipekit/runtime';
import type pg from 'pg';
import { type RowBuilder, rowBuilder } from './columns.js';
import { closeQuietly, connect, type ResolvedConnection } from './connection.js';
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

/** One partition's open cursor and the rows fetched from it but not yet handed out. */
class PartCursor {
  client: pg.Client | undefined;
  /** Rows fetched from the server cursor so far. */
  pos = 0;
  /** Rows `pos - buffer.length .. pos - 1`. */
  buffer: unknown[][] = [];
  ended = false;
  build: RowBuilder | undefined;

  constructor(
    readonly index: number,
    readonly partition: Partition,
  ) {}

  get bufferStart(): number {
    return this.pos - this.buffer.length;
  }
}

const cursorName = 'pipekit_cursor';

/**
 * Reads a table or query once (a bounded source), through server-side cursors (`DECLARE ...
 * CURSOR` + `FETCH FORWARD fetchSize`), so only one batch is ever in memory, whatever the size.
 * With `partitionColumn` and `numPartitions` it reads that many ranges in parallel, each on its
 * own connection.
 *
 * The offset counts the rows read in each partition. A replay (after a restart) opens the cursor
 * again and skips to the planned position (`MOVE FORWARD`): it gives the same rows when the table
 * did not change and the scan order is stable. Synchronized sequential scans are switched off so
 * a table scan always starts at its first block; a query should `ORDER BY` a unique key.
 */
export class PostgresBatchReader implements SourceReader {
  private readonly parts: PartCursor[];
  private readonly rel: Relation;

  private constructor(
    private readonly spec: PostgresSourceSpec,
    private readonly ctx: SourceContext,
    private readonly conn: ResolvedConnection,
    partitions: readonly Partition[],
    private readonly retry: RetryPolicy,
  ) {
    this.rel = relationOf(spec, ctx.schema);
    this.parts = partitions.map((p, i) => new PartCursor(i, p));
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
        const have = await this.withCursor(p, () => this.fill(p, s.rows, quota + 1));
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
        await this.withCursor(p, () => this.fill(p, s, count));
        const values = p.buffer.splice(0, count);
        const build = p.build!;
        return values.map((v) => build(v));
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
  private async fill(p: PartCursor, from: number, want: number): Promise<number> {
    if (p.client === undefined || from < p.bufferStart) await this.open(p);
    if (from > p.pos) {
      await p.client!.query(`MOVE FORWARD ${from - p.pos} IN ${cursorName}`);
      p.buffer = [];
      p.pos = from;
    } else if (from > p.bufferStart) {
      p.buffer.splice(0, from - p.bufferStart);
    }
    while (!p.ended && p.buffer.length < want) {
      const n = Math.min(want - p.buffer.length, this.spec.fetchSize);
      const r = await p.client!.query<unknown[]>({
        text: `FETCH FORWARD ${n} FROM ${cursorName}`,
        rowMode: 'array',
      });
      p.build ??= rowBuilder(r.fields, this.ctx.schema, this.rel.what);
      for (const row of r.rows) p.buffer.push(row);
      p.pos += r.rows.length;
      if (r.rows.length < n) p.ended = true;
    }
    return p.buffer.length;
  }

  /** A fresh snapshot and cursor at row 0 of the partition. */
  private async open(p: PartCursor): Promise<void> {
    await this.reset(p);
    const client = await connect(this.conn, true);
    p.client = client;
    await client.query('SET synchronize_seqscans = off');
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const sql = `DECLARE ${cursorName} NO SCROLL CURSOR FOR SELECT ${this.rel.columns} FROM ${this.rel.from} ${p.partition.where}`;
    await client.query(sql, p.partition.params as unknown[]);
  }

  private async reset(p: PartCursor): Promise<void> {
    const c = p.client;
    p.client = undefined;
    p.pos = 0;
    p.buffer = [];
    p.ended = false;
    await closeQuietly(c);
  }

  /** Runs a cursor step again on a new connection when the old one was lost. */
  private withCursor<T>(p: PartCursor, step: () => Promise<T>): Promise<T> {
    return withRetry(
      step,
      async (e) => {
        this.ctx.logger.warn(
          { partition: p.index, err: String(e) },
          'postgres source lost its connection; reopening the cursor',
        );
        await this.reset(p);
      },
      this.retry,
      this.ctx.signal,
    );
  }
}
