import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type IncrementalOffset,
  PostgresIncrementalReader,
  resolveConnection,
} from '../src/index.js';
import { connection, drain, sourceCtx, sql, unique } from './helpers.js';

const conn = resolveConnection(connection);
const table = unique('inc');
const Row = z.object({ id: z.int(), updated_at: z.coerce.date(), v: z.string() });

function reader(column: string, fetchSize = 3) {
  return new PostgresIncrementalReader(
    { type: 'postgres', connection, table, fetchSize, incremental: { column, pollInterval: 1 } },
    sourceCtx(Row),
    conn,
  );
}

describe('incremental source', () => {
  beforeAll(async () => {
    await sql(
      `CREATE TABLE ${table} (id int PRIMARY KEY, updated_at timestamptz(6) NOT NULL, v text NOT NULL)`,
    );
  });
  afterAll(async () => {
    await sql(`DROP TABLE IF EXISTS ${table}`);
  });

  it('picks up new rows only once, across a restart from the committed offset', async () => {
    // Microsecond timestamps that a JS Date cannot hold exactly, and ties on the same value.
    await sql(
      `INSERT INTO ${table} VALUES (1, '2024-01-01 00:00:00.000001+00', 'a'), (2, '2024-01-01 00:00:00.000002+00', 'b'),
                                   (3, '2024-01-01 00:00:00.000002+00', 'c'), (4, '2024-01-01 00:00:00.000009+00', 'd')`,
    );
    const first = reader('updated_at', 2);
    const run1 = await drain(first, first.initialOffset(), {}, undefined, 20).finally(() =>
      first.close(),
    );
    expect(run1.rows.map((r) => r.id)).toEqual([1, 2, 3, 4]);
    expect(run1.end).toEqual({
      column: 'updated_at',
      after: '2024-01-01 00:00:00.000009+00',
    } satisfies IncrementalOffset);

    // New rows arrive while the pipeline is down; a new reader starts from the checkpointed mark.
    await sql(
      `INSERT INTO ${table} VALUES (5, '2024-01-01 00:00:00.00001+00', 'e'), (6, '2024-01-02', 'f')`,
    );
    const second = reader('updated_at', 2);
    const run2 = await drain(
      second,
      JSON.parse(JSON.stringify(run1.end)),
      {},
      undefined,
      20,
    ).finally(() => second.close());
    expect(run2.rows.map((r) => r.id)).toEqual([5, 6]);

    // Nothing new: nothing planned.
    const third = reader('updated_at');
    try {
      expect(await third.planBatch(run2.end, {})).toBeNull();
    } finally {
      await third.close();
    }
  });

  it('polls by an integer column and stops at what was there for availableNow', async () => {
    const r = reader('id', 4);
    try {
      await r.prepareForAvailableNow();
      await sql(`INSERT INTO ${table} VALUES (7, now(), 'late')`);
      const { rows, end } = await drain(r, r.initialOffset(), {}, undefined, 20);
      expect(rows.map((x) => x.id)).toEqual([1, 2, 3, 4, 5, 6]);
      expect(end).toEqual({ column: 'id', after: '6' });
    } finally {
      await r.close();
    }
  });

  it('refuses a checkpoint of another column', async () => {
    const r = reader('id');
    try {
      await expect(
        Promise.resolve().then(() => r.planBatch({ column: 'updated_at', after: null }, {})),
      ).rejects.toThrow(/incremental.column is now 'id'/);
    } finally {
      await r.close();
    }
  });
});
