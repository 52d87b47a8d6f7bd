import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  PostgresBatchReader,
  PostgresIncrementalReader,
  PostgresWriter,
  resolveConnection,
} from '../src/index.js';
import { connection, pgService, sinkCtx, sourceCtx, sql, unique } from './helpers.js';

const conn = resolveConnection(connection);
const source = unique('restart_src');
const target = unique('restart_dst');
const Row = z.object({ id: z.int(), v: z.string() });

/** The warnings a person would see, kept as records. */
const warnings: { msg: string }[] = [];
const warnLog = pino(
  { level: 'warn' },
  new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n'))
        if (line) warnings.push(JSON.parse(line) as { msg: string });
      done();
    },
  }),
);

afterAll(async () => {
  pgService('start');
  await sql(`DROP TABLE IF EXISTS ${source}`);
  await sql(`DROP TABLE IF EXISTS ${target}`);
});

describe('the server restarts mid-run', () => {
  it('source and sink reconnect and the output holds every row once', async () => {
    await sql(`CREATE TABLE ${source} (id int PRIMARY KEY, v text NOT NULL)`);
    await sql(`INSERT INTO ${source} SELECT g, 'v' || g FROM generate_series(1, 600) g`);
    const batchReader = await PostgresBatchReader.open(
      { type: 'postgres', connection, table: source, fetchSize: 200 },
      sourceCtx(Row),
      conn,
    );
    const inc = new PostgresIncrementalReader(
      {
        type: 'postgres',
        connection,
        table: source,
        fetchSize: 250,
        incremental: { column: 'id', pollInterval: 1 },
      },
      { ...sourceCtx(Row), logger: warnLog },
      conn,
    );
    const writer = new PostgresWriter(
      {
        type: 'postgres',
        connection,
        table: target,
        mode: 'upsert',
        key: ['id'],
        createTable: true,
      },
      { ...sinkCtx('dst', target), logger: warnLog },
      conn,
    );
    try {
      // A micro-batch loop (as the runtime's) over the incremental source into the sink, with the
      // batch reader read alongside; the server goes down after the first batch.
      let at = inc.initialOffset();
      let batchAt = batchReader.initialOffset();
      let batchRows = 0;
      for (let batchId = 0; batchId < 10; batchId++) {
        if (batchId === 1) {
          pgService('stop');
          // Back in a second, while the reads and the write below are retrying.
          setTimeout(() => pgService('start'), 1_000);
        }
        const end = await inc.planBatch(at, {});
        const bEnd = batchReader.isExhausted(batchAt)
          ? null
          : await batchReader.planBatch(batchAt, {});
        if (bEnd !== null) {
          batchRows += (await batchReader.readBatch(batchAt, bEnd)).rows.length;
          batchAt = bEnd;
        }
        if (end === null) break;
        const { rows } = await inc.readBatch(at, end);
        await writer.writeBatch({ queryId: target, batchId, rows, schema: sourceCtx(Row).schema });
        at = end;
      }
      expect(at).toEqual({ column: 'id', after: '600' });
      expect(batchRows).toBe(600);
    } finally {
      await Promise.all([writer.close(), inc.close(), batchReader.close()]);
    }
    const [count] = await sql<{ n: number; distinct: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct FROM ${target}`,
    );
    expect(count).toEqual({ n: 600, distinct: 600 });
    const commits = await sql<{ batch_id: number }>(
      `SELECT batch_id::int FROM pipekit_commits WHERE query_id = $1 ORDER BY batch_id`,
      [target],
    );
    expect(commits.map((c) => c.batch_id)).toEqual([0, 1, 2]);
    // Each reconnect was one line naming the server and the attempt.
    expect(warnings.length).toBeGreaterThan(0);
    for (const w of warnings)
      expect(w.msg).toMatch(
        /^PostgreSQL at [\d.]+:\d+\/pipekit_test as pipekit: [^()]+ \(attempt \d+ of \d+, next in [\d.]+ s\)$/,
      );
  }, 120_000);
});
