import type { PostgresSourceSpec } from '@pipekit/core';
import type { Offset, ReadLimits, ReadResult, SourceContext, SourceReader } from '@pipekit/runtime';
import type pg from 'pg';
import { type RowBuilder, rowBuilder } from './columns.js';
import { closeQuietly, connect, type ResolvedConnection } from './connection.js';
import { quoteIdent } from './identifiers.js';
import { type Relation, relationOf } from './relation.js';
import { defaultRetry, type RetryPolicy, withRetry } from './retry.js';

/**
 * The incremental source's offset: the high-water mark of the increasing column, as the server's
 * text of it (`'42'`, `'2024-05-01 12:00:00.123456+00'`), so it is exact to the microsecond and
 * goes back to the server as a parameter of the column's own type. `after: null`: nothing read yet.
 */
export interface IncrementalOffset {
  readonly column: string;
  readonly after: string | null;
}

/**
 * Polls a table or query for rows whose `incremental.column` is above the high-water mark (an
 * unbounded source): `planBatch` finds the next mark (at most `fetchSize` rows ahead, all rows of
 * the mark's value included), `readBatch` reads `(after, mark]` ordered by the column. The mark is
 * the offset, so the runtime's checkpoint keeps it and a restart reads each row once.
 *
 * The column must only grow as rows become visible (a sequence, or a timestamp set by a single
 * writer): a row committed later with a lower value than the mark is not seen. NULLs are never read.
 */
export class PostgresIncrementalReader implements SourceReader {
  private client: pg.Client | undefined;
  /** Whether the server was ever reached: then a refused connection is a restart, worth retrying. */
  private reached = false;
  private build: RowBuilder | undefined;
  private readonly rel: Relation;
  private readonly column: string;
  private readonly pollMs: number;
  /** When the last poll found nothing, so the next one waits `pollInterval`. */
  private idleSince: number | undefined;
  /** `availableNow`: the mark as it was then; planning stops there. */
  private ceiling: string | null | undefined;

  constructor(
    private readonly spec: PostgresSourceSpec,
    private readonly ctx: SourceContext,
    private readonly conn: ResolvedConnection,
    private readonly retry: RetryPolicy = defaultRetry,
  ) {
    this.rel = relationOf(spec, ctx.schema);
    this.column = spec.incremental!.column;
    this.pollMs = spec.incremental!.pollInterval;
  }

  initialOffset(): Offset {
    return { column: this.column, after: null };
  }

  async planBatch(start: Offset, limits: ReadLimits): Promise<Offset | null> {
    const from = this.offsetOf(start);
    const now = this.ctx.scheduler.now();
    if (
      this.idleSince !== undefined &&
      now - this.idleSince < this.pollMs &&
      this.ceiling === undefined
    )
      return null;
    const limit = limits.allAvailable
      ? null
      : Math.min(this.spec.fetchSize, limits.maxRows ?? Number.POSITIVE_INFINITY);
    const col = quoteIdent(this.column);
    const params: unknown[] = [];
    const conds = [`${col} IS NOT NULL`];
    if (from.after !== null) conds.push(`${col} > $${params.push(from.after)}`);
    if (this.ceiling !== undefined) {
      if (this.ceiling === null) return null;
      conds.push(`${col} <= $${params.push(this.ceiling)}`);
    }
    const inner = `SELECT ${col} AS c FROM ${this.rel.from} WHERE ${conds.join(' AND ')} ORDER BY ${col}${limit === null ? '' : ` LIMIT ${limit}`}`;
    const r = await this.query<[string | null]>(`SELECT max(c)::text FROM (${inner}) AS s`, params);
    const mark = r.rows[0]?.[0] ?? null;
    if (mark === null) {
      this.idleSince = now;
      return null;
    }
    this.idleSince = undefined;
    return { column: this.column, after: mark } satisfies IncrementalOffset;
  }

  async readBatch(start: Offset, end: Offset): Promise<ReadResult> {
    const from = this.offsetOf(start);
    const to = this.offsetOf(end);
    const col = quoteIdent(this.column);
    const params: unknown[] = [to.after];
    const conds = [`${col} <= $1`];
    if (from.after !== null) conds.push(`${col} > $${params.push(from.after)}`);
    const r = await this.query<unknown[]>(
      `SELECT ${this.rel.columns} FROM ${this.rel.from} WHERE ${conds.join(' AND ')} ORDER BY ${col}`,
      params,
    );
    this.build ??= rowBuilder(r.fields, this.ctx.schema, this.rel.what);
    const build = this.build;
    return { rows: r.rows.map((v) => build(v)) };
  }

  commit(): void {}

  isExhausted(): boolean {
    return false;
  }

  /** Fixes the current maximum of the column: the query drains up to it and then has nothing more. */
  async prepareForAvailableNow(): Promise<void> {
    const col = quoteIdent(this.column);
    const r = await this.query<[string | null]>(
      `SELECT max(${col})::text FROM ${this.rel.from}`,
      [],
    );
    this.ceiling = r.rows[0]?.[0] ?? null;
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await closeQuietly(c);
  }

  private offsetOf(o: Offset): IncrementalOffset {
    const v = o as Partial<IncrementalOffset> | null;
    if (v === null || typeof v !== 'object' || !('after' in v))
      throw new Error(`postgres incremental offset ${JSON.stringify(o)} is not a high-water mark`);
    if (v.column !== this.column)
      throw new Error(
        `the checkpoint holds a high-water mark of column '${v.column}', but incremental.column is now '${this.column}'; use a new checkpoint`,
      );
    return v as IncrementalOffset;
  }

  private query<R extends unknown[]>(text: string, values: unknown[]): Promise<pg.QueryResult<R>> {
    return withRetry(
      async () => {
        if (!this.client) {
          this.client = await connect(this.conn, this.reached);
          this.reached = true;
        }
        return this.client.query<R>({ text, values, rowMode: 'array' });
      },
      () => this.close(),
      this.retry,
      this.ctx.signal,
      { logger: this.ctx.logger, what: 'reading new rows', where: this.conn.where },
    );
  }
}
