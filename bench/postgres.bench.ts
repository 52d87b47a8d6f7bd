/**
 * `npm run bench -- postgres`: 1M rows × 8 columns through the pipekit Postgres sink and source,
 * against `psql \copy` in and out of the same table (the ceiling), in one run on the test server
 * (test/services/postgres.sh), in PIPEKIT_BENCH_ROUNDS rounds (default 3) that interleave pipekit
 * and psql; reports the medians and the median of each round's ratio. Writes
 * bench/results/postgres.json.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Schema, secret } from '@pipekit/core';
import { PostgresBatchReader, PostgresWriter, resolveConnection } from '@pipekit/postgres';
import pg from 'pg';
import pino from 'pino';
import { queueScheduler } from 'rxjs';

const rowsTotal = Number(process.env.PIPEKIT_BENCH_ROWS ?? 1_000_000);
const batchSize = 100_000;
const roundsTotal = Number(process.env.PIPEKIT_BENCH_ROUNDS ?? 3);
process.env.PIPEKIT_PG_PASSWORD ??= 'pipekit';
execFileSync('bash', ['test/services/postgres.sh', 'start'], { stdio: 'ignore', timeout: 180_000 });
const url = process.env.PIPEKIT_PG_URL ?? 'postgres://pipekit@127.0.0.1:54329/pipekit_test';
const connection = { url, password: secret('PIPEKIT_PG_PASSWORD') };
const conn = resolveConnection(connection);
const logger = pino({ level: 'silent' });
const table = 'bench_pg_rows';

const schema: Schema = {
  fields: [
    { name: 'id', type: 'long', nullable: false },
    { name: 'user_id', type: 'integer', nullable: false },
    { name: 'amount', type: 'double', nullable: false },
    { name: 'price', type: 'decimal(12,2)', nullable: false },
    { name: 'country', type: 'string', nullable: false },
    { name: 'status', type: 'string', nullable: false },
    { name: 'paid', type: 'boolean', nullable: false },
    { name: 'created_at', type: 'timestamp', nullable: false },
  ],
};
const ddl = `CREATE TABLE ${table} (id bigint NOT NULL, user_id int NOT NULL, amount float8 NOT NULL, price numeric(12,2) NOT NULL,
  country text NOT NULL, status text NOT NULL, paid boolean NOT NULL, created_at timestamptz NOT NULL)`;

async function admin(text: string): Promise<void> {
  const c = new pg.Client(conn.config);
  await c.connect();
  try {
    await c.query(text);
  } finally {
    await c.end();
  }
}

function psql(command: string): number {
  const t = performance.now();
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url, '-c', command], {
    env: { ...process.env, PGPASSWORD: process.env.PIPEKIT_PG_PASSWORD },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return (performance.now() - t) / 1000;
}

const countries = ['DE', 'FR', 'US', 'JP', 'BR', 'IN', 'GB', 'ES'];
const statuses = ['paid', 'shipped', 'new', 'cancelled'];
function makeRows(from: number, n: number): Record<string, unknown>[] {
  const base = Date.UTC(2024, 0, 1);
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    return {
      id: i,
      user_id: i % 100_000,
      amount: (i % 1000) * 1.25,
      price: Math.round(i % 100_000) / 100,
      country: countries[i % 8],
      status: statuses[i % 4],
      paid: i % 3 === 0,
      created_at: new Date(base + i * 1000),
    };
  });
}

/** One round: the sink, `\copy` out and in, and the source, one after the other. */
interface Round {
  sink: number;
  copyOut: number;
  copyIn: number;
  source: number;
}

async function round(file: string): Promise<Round> {
  await admin(`TRUNCATE ${table}`);
  // pipekit sink: COPY through PostgresWriter, batches of 100k rows (row generation not timed).
  const writer = new PostgresWriter(
    { type: 'postgres', connection, table, mode: 'append', createTable: false },
    {
      nodeId: 'bench',
      queryId: `bench-${Date.now()}`,
      checkpoint: null,
      outputMode: 'append',
      scheduler: queueScheduler,
      logger,
      memory: undefined as never,
      stdout: process.stdout,
    },
    conn,
  );
  let sinkSeconds = 0;
  const queryId = `bench-${Date.now()}`;
  for (let i = 0; i < rowsTotal; i += batchSize) {
    const rows = makeRows(i, Math.min(batchSize, rowsTotal - i));
    const t = performance.now();
    await writer.writeBatch({ queryId, batchId: i / batchSize, rows, schema });
    sinkSeconds += (performance.now() - t) / 1000;
  }
  await writer.close();

  // psql \copy out and in of the same table: the ceiling.
  const copyOut = psql(`\\copy ${table} TO '${file}'`);
  await admin(`TRUNCATE ${table}`);
  const copyIn = psql(`\\copy ${table} FROM '${file}'`);
  await admin('VACUUM ANALYZE ' + table);

  // pipekit source: COPY (SELECT ...) TO STDOUT parsed as it streams, fetchSize 10k, rows typed by the schema.
  const reader = await PostgresBatchReader.open(
    { type: 'postgres', connection, table, fetchSize: 10_000 },
    {
      nodeId: 'bench',
      schema,
      toRow: (r) => ({ ok: true, row: r as Record<string, unknown> }),
      scheduler: queueScheduler,
      logger,
      signal: new AbortController().signal,
    },
    conn,
  );
  let read = 0;
  const t = performance.now();
  let at = reader.initialOffset();
  for (let b = 0; b < 10_000 && !reader.isExhausted(at); b++) {
    const end = await reader.planBatch(at, {});
    if (end === null) break;
    read += (await reader.readBatch(at, end)).rows.length;
    at = end;
  }
  const source = (performance.now() - t) / 1000;
  await reader.close();
  if (read !== rowsTotal) throw new Error(`source read ${read} rows, expected ${rowsTotal}`);
  return { sink: sinkSeconds, copyOut, copyIn, source };
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const dir = join(tmpdir(), 'pipekit-bench');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'rows.tsv');
  await admin(`DROP TABLE IF EXISTS ${table}`);
  await admin(ddl);
  // Rounds interleave pipekit and psql, so load from other jobs hits both alike; each ratio is
  // taken within a round, and the figures are the medians over rounds.
  const rounds: Round[] = [];
  for (let r = 0; r < roundsTotal; r++) {
    const x = await round(file);
    rounds.push(x);
    console.error(
      `round ${r + 1}/${roundsTotal}: sink ${x.sink.toFixed(3)} s, \\copy in ${x.copyIn.toFixed(3)} s (${(x.copyIn / x.sink).toFixed(3)}); source ${x.source.toFixed(3)} s, \\copy out ${x.copyOut.toFixed(3)} s (${(x.copyOut / x.source).toFixed(3)})`,
    );
  }
  await admin(`DROP TABLE IF EXISTS ${table}`);
  rmSync(file, { force: true });
  const sinkSeconds = median(rounds.map((x) => x.sink));
  const sourceSeconds = median(rounds.map((x) => x.source));
  const copyIn = median(rounds.map((x) => x.copyIn));
  const copyOut = median(rounds.map((x) => x.copyOut));
  const rate = (s: number) => Math.round(rowsTotal / s);
  const result = {
    benchmark: 'postgres',
    date: new Date().toISOString(),
    rows: rowsTotal,
    columns: 8,
    machine: 'shared 2-core; other jobs may be running',
    rounds: rounds.length,
    sink: { seconds: +sinkSeconds.toFixed(3), rowsPerSecond: rate(sinkSeconds), batchSize },
    source: {
      seconds: +sourceSeconds.toFixed(3),
      rowsPerSecond: rate(sourceSeconds),
      fetchSize: 10_000,
    },
    psqlCopyIn: { seconds: +copyIn.toFixed(3), rowsPerSecond: rate(copyIn) },
    psqlCopyOut: { seconds: +copyOut.toFixed(3), rowsPerSecond: rate(copyOut) },
    /** Medians of the ratios within each round. */
    sinkVsCopyIn: +median(rounds.map((x) => x.copyIn / x.sink)).toFixed(3),
    sourceVsCopyOut: +median(rounds.map((x) => x.copyOut / x.source)).toFixed(3),
    perRound: rounds.map((x) => ({
      sink: +x.sink.toFixed(3),
      copyIn: +x.copyIn.toFixed(3),
      sinkVsCopyIn: +(x.copyIn / x.sink).toFixed(3),
      source: +x.source.toFixed(3),
      copyOut: +x.copyOut.toFixed(3),
      sourceVsCopyOut: +(x.copyOut / x.source).toFixed(3),
    })),
    target: 0.6,
  };
  writeFileSync(join('bench', 'results', 'postgres.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

await main();
