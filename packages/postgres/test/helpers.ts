import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  type PostgresConnection,
  type Schema,
  type SchemaInput,
  secret,
  toSchema,
} from '@pipekit/core';
import type {
  MemoryStore,
  Offset,
  ReadLimits,
  SinkContext,
  SourceContext,
  SourceReader,
} from '@pipekit/runtime';
import pg from 'pg';
import pino from 'pino';
import { queueScheduler } from 'rxjs';

process.env.PIPEKIT_PG_PASSWORD ??= 'pipekit';

export const pgScript = fileURLToPath(
  new URL('../../../test/services/postgres.sh', import.meta.url),
);
export const pgUrl =
  process.env.PIPEKIT_PG_URL ?? 'postgres://pipekit@127.0.0.1:54329/pipekit_test';

/** The test server's `host:port`, as messages name it. */
export const pgHostPort = new URL(pgUrl).host;

/** The test server; the password comes from PIPEKIT_PG_PASSWORD, as users are told to do. */
export const connection: PostgresConnection = {
  url: pgUrl,
  password: secret('PIPEKIT_PG_PASSWORD'),
};

export function pgService(cmd: 'start' | 'stop'): void {
  execFileSync('bash', [pgScript, cmd], {
    stdio: ['ignore', 'ignore', 'ignore'],
    timeout: 120_000,
  });
}

/** A unique table name: data persists between runs. */
export function unique(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/** Runs SQL on a fresh connection (test setup and checks). */
export async function sql<R extends pg.QueryResultRow = Record<string, unknown>>(
  text: string,
  values: unknown[] = [],
): Promise<R[]> {
  const u = new URL(pgUrl);
  const client = new pg.Client({
    host: u.hostname,
    port: Number(u.port),
    user: u.username,
    database: u.pathname.slice(1),
    password: process.env.PIPEKIT_PG_PASSWORD,
  });
  await client.connect();
  try {
    await client.query("SET TimeZone = 'UTC'");
    return (await client.query<R>(text, values)).rows;
  } finally {
    await client.end();
  }
}

export const logger = pino({ level: 'silent' });

/** A source context as the runtime gives one (no runtime needed to drive a reader). */
export function sourceCtx(
  schema: SchemaInput | Schema | null,
  signal: AbortSignal = new AbortController().signal,
): SourceContext {
  const s =
    schema === null
      ? null
      : 'fields' in (schema as object)
        ? (schema as Schema)
        : toSchema(schema as SchemaInput);
  return {
    nodeId: 'src',
    schema: s,
    toRow: (record) => ({ ok: true, row: record as Record<string, unknown> }),
    scheduler: queueScheduler,
    logger,
    signal,
  };
}

export function sinkCtx(nodeId = 'sink', queryId = 'q'): SinkContext {
  return {
    nodeId,
    queryId,
    checkpoint: null,
    outputMode: 'append',
    scheduler: queueScheduler,
    logger,
    memory: undefined as unknown as MemoryStore,
    stdout: process.stdout,
  };
}

/** Drives a reader as the runtime does: plan, read, commit, until exhausted or nothing new. */
export async function drain(
  reader: SourceReader,
  start: Offset,
  limits: ReadLimits = {},
  onBatch?: (rows: readonly Record<string, unknown>[], end: Offset) => void,
  maxBatches = 10_000,
): Promise<{ rows: Record<string, unknown>[]; end: Offset; batches: number }> {
  const rows: Record<string, unknown>[] = [];
  let at = start;
  let batches = 0;
  while (batches < maxBatches && !reader.isExhausted(at)) {
    const end = await reader.planBatch(at, limits);
    if (end === null) break;
    const r = await reader.readBatch(at, end);
    if (onBatch) onBatch(r.rows, end);
    else rows.push(...r.rows);
    await reader.commit(end);
    at = end;
    batches++;
  }
  return { rows, end: at, batches };
}
