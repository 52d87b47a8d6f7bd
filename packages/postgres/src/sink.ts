import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Row } from '@pipekit/core';
import { type Field, PipekitError, type PostgresSinkSpec, type Schema } from '@pipekit/core';
import type { SinkBatch, SinkContext, SinkWriter } from '@pipekit/runtime';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { tableColumns } from './catalog.js';
import { closeQuietly, connect, type ResolvedConnection } from './connection.js';
import { copyChunks, writerFor } from './copy-text.js';
import { displayTable, quoteIdent, quoteTable, type TableName, tableName } from './identifiers.js';
import { defaultRetry, type RetryPolicy, withRetry } from './retry.js';
import { type PgColumn, pgTypeOf } from './types.js';

/** How many committed batch ids to keep per (query, sink) in `pipekit_commits`. */
const keepCommits = 100;

/**
 * Writes each batch in one transaction together with its batch id, so a batch is in the table
 * exactly once (Spark's idempotent sink): the commit row `(query_id, sink_id, batch_id)` is
 * inserted first; when it is already there the batch was committed before and is skipped.
 *
 * - `append`: `COPY ... FROM STDIN` (text format, encoded straight into Buffer chunks as the
 *   connection takes them).
 * - `upsert`: COPY into a temporary table, then `INSERT ... SELECT DISTINCT ON (key) ... ON
 *   CONFLICT (key) DO UPDATE`: the last row of a key in a batch wins.
 * - `overwrite`: `TRUNCATE` and COPY in the same transaction: readers see the old rows or the new,
 *   never none, and a failure leaves the old content.
 *
 * A lost connection (the server restarting) is retried on a new one; that is safe because a
 * batch that did commit is skipped.
 */
export class PostgresWriter implements SinkWriter {
  private client: pg.Client | undefined;
  private reached = false;
  private readonly name: TableName;
  private readonly commits: string;
  private columns: Map<string, PgColumn> | undefined;

  constructor(
    private readonly spec: PostgresSinkSpec,
    private readonly ctx: SinkContext,
    private readonly conn: ResolvedConnection,
    private readonly retry: RetryPolicy = defaultRetry,
  ) {
    this.name = tableName(spec.table, spec.schema);
    this.commits =
      this.name.schema === undefined
        ? quoteIdent('pipekit_commits')
        : `${quoteIdent(this.name.schema)}.${quoteIdent('pipekit_commits')}`;
  }

  async writeBatch(batch: SinkBatch): Promise<void> {
    if (batch.rows.length === 0) return;
    await withRetry(
      () => this.attempt(batch),
      () => this.close(),
      this.retry,
      undefined,
      {
        logger: this.ctx.logger,
        what: `writing batch ${batch.batchId} to ${displayTable(this.name)}`,
        where: this.conn.where,
      },
    );
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await closeQuietly(c);
  }

  private async attempt(batch: SinkBatch): Promise<void> {
    const client = await this.open(batch);
    const columns = this.columnsOf(batch);
    const table = quoteTable(this.name);
    await client.query('BEGIN');
    try {
      const claimed = await client.query(
        `INSERT INTO ${this.commits} (query_id, sink_id, batch_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING batch_id`,
        [batch.queryId, this.ctx.nodeId, batch.batchId],
      );
      if (claimed.rowCount === 0) {
        await client.query('ROLLBACK');
        this.ctx.logger.info(
          { table: displayTable(this.name), batchId: batch.batchId },
          'postgres sink: batch already committed, skipped',
        );
        return;
      }
      switch (this.spec.mode) {
        case 'append':
          await this.copy(client, table, columns, batch.rows);
          break;
        case 'overwrite':
          await client.query(`TRUNCATE ${table}`);
          await this.copy(client, table, columns, batch.rows);
          break;
        case 'upsert':
          await this.upsert(client, table, columns, batch.rows);
          break;
      }
      await client.query(
        `DELETE FROM ${this.commits} WHERE query_id = $1 AND sink_id = $2 AND batch_id < $3`,
        [batch.queryId, this.ctx.nodeId, batch.batchId - keepCommits],
      );
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw this.explain(e, batch);
    }
  }

  private explain(e: unknown, batch: SinkBatch): unknown {
    const err = e as { code?: string; message?: string };
    // Lost connections stay as they are, so the retry sees them.
    if (
      err.code === undefined ||
      err.code.startsWith('08') ||
      err.code.startsWith('57') ||
      err.code.startsWith('E')
    )
      return e;
    const hint =
      err.code === '42P10'
        ? ` (upsert needs a primary key or unique index on (${(this.spec.key ?? []).join(', ')}))`
        : '';
    return new Error(
      `postgres sink, table ${displayTable(this.name)}, batch ${batch.batchId}: ${err.message}${hint}`,
      { cause: e },
    );
  }

  private async open(batch: SinkBatch): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = await connect(this.conn, this.reached);
    this.reached = true;
    try {
      await this.ensureCommitsTable(client);
      let cols = await tableColumns(client, this.name);
      if (cols === null && this.spec.createTable) {
        await ignoreAlreadyExists(
          client.query(createTableSql(this.name, schemaOf(batch), this.spec)),
        );
        cols = await tableColumns(client, this.name);
      }
      if (cols === null)
        throw new PipekitError(
          `the postgres sink's table ${displayTable(this.name)} does not exist (create it, or set createTable: true to create it from the row type)`,
        );
      this.columns = new Map(cols.map((c) => [c.name, c]));
    } catch (e) {
      await closeQuietly(client);
      throw e;
    }
    this.client = client;
    return client;
  }

  private async ensureCommitsTable(client: pg.Client): Promise<void> {
    await ignoreAlreadyExists(
      client.query(
        `CREATE TABLE IF NOT EXISTS ${this.commits} (
           query_id text NOT NULL, sink_id text NOT NULL, batch_id bigint NOT NULL,
           committed_at timestamptz NOT NULL DEFAULT now(),
           PRIMARY KEY (query_id, sink_id, batch_id))`,
      ),
    );
  }

  /** The batch's columns with their table types; every one must be in the table. */
  private columnsOf(batch: SinkBatch): PgColumn[] {
    const names = schemaOf(batch).fields.map((f) => f.name);
    const missing = names.filter((n) => !this.columns!.has(n));
    if (missing.length > 0)
      throw new PipekitError(
        `the postgres sink's table ${displayTable(this.name)} has no column ${missing.map((m) => `'${m}'`).join(', ')}`,
      );
    return names.map((n) => this.columns!.get(n)!);
  }

  private async copy(
    client: pg.Client,
    table: string,
    columns: readonly PgColumn[],
    rows: readonly Row[],
  ): Promise<void> {
    const list = columns.map((c) => quoteIdent(c.name)).join(', ');
    const stream = client.query(copyFrom(`COPY ${table} (${list}) FROM STDIN`));
    const names = columns.map((c) => c.name);
    const writers = columns.map((c) => writerFor(c.type));
    // Encoded as the stream takes the chunks, so only a few are ever held at once.
    await pipeline(Readable.from(copyChunks(rows, names, writers)), stream);
  }

  private async upsert(
    client: pg.Client,
    table: string,
    columns: readonly PgColumn[],
    rows: readonly Row[],
  ): Promise<void> {
    const key = this.spec.key ?? [];
    const list = columns.map((c) => quoteIdent(c.name)).join(', ');
    const keys = key.map(quoteIdent).join(', ');
    const stage = quoteIdent('pipekit_stage');
    await client.query(
      `CREATE TEMP TABLE ${stage} ON COMMIT DROP AS SELECT ${list} FROM ${table} WITH NO DATA`,
    );
    await this.copy(client, stage, columns, rows);
    const rest = columns.filter((c) => !key.includes(c.name));
    const action =
      rest.length === 0
        ? 'DO NOTHING'
        : `DO UPDATE SET ${rest.map((c) => `${quoteIdent(c.name)} = EXCLUDED.${quoteIdent(c.name)}`).join(', ')}`;
    // DISTINCT ON keeps one row per key: the last of the batch (a fresh heap's ctid is COPY order).
    await client.query(
      `INSERT INTO ${table} (${list}) SELECT DISTINCT ON (${keys}) ${list} FROM ${stage} ORDER BY ${keys}, ctid DESC ON CONFLICT (${keys}) ${action}`,
    );
  }
}

/** The batch's schema, or one made from its first row's keys (all text) when the plan has none. */
function schemaOf(batch: SinkBatch): Schema {
  if (batch.schema) return batch.schema;
  const names = new Set<string>();
  for (const r of batch.rows.slice(0, 100)) for (const k of Object.keys(r)) names.add(k);
  return { fields: [...names].map((name): Field => ({ name, type: 'string', nullable: true })) };
}

/** `CREATE TABLE IF NOT EXISTS` from the row type; upsert keys become the primary key. */
export function createTableSql(
  name: TableName,
  schema: Schema,
  spec: Pick<PostgresSinkSpec, 'mode' | 'key'>,
): string {
  const cols = schema.fields.map(
    (f) => `${quoteIdent(f.name)} ${pgTypeOf(f.type)}${f.nullable ? '' : ' NOT NULL'}`,
  );
  if (spec.mode === 'upsert' && spec.key && spec.key.length > 0)
    cols.push(`PRIMARY KEY (${spec.key.map(quoteIdent).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${quoteTable(name)} (${cols.join(', ')})`;
}

/** Two writers creating the same table at once: the loser's duplicate-type error means it exists. */
async function ignoreAlreadyExists(q: Promise<unknown>): Promise<void> {
  try {
    await q;
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code !== '23505' && code !== '42P07') throw e;
  }
}
