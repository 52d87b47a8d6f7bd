import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { type BatchOffset, PostgresBatchReader, resolveConnection } from '../src/index.js';
import { connection, drain, sourceCtx, sql, unique } from './helpers.js';

const conn = resolveConnection(connection);
const table = unique('src');
const Row = z.object({
  id: z.int(),
  grp: z.int().nullable(),
  at: z.coerce.date(),
  label: z.string(),
});

describe('batch source', () => {
  beforeAll(async () => {
    await sql(
      `CREATE TABLE ${table} (id int PRIMARY KEY, grp int, at timestamptz NOT NULL, label text NOT NULL)`,
    );
    // 1000 rows; grp NULL every 50th, so the first partition must take NULLs.
    await sql(
      `INSERT INTO ${table} SELECT g, CASE WHEN g % 50 = 0 THEN NULL ELSE g END,
              timestamptz '2024-01-01' + g * interval '1 minute', 'row ' || g FROM generate_series(1, 1000) g`,
    );
  });
  afterAll(async () => {
    await sql(`DROP TABLE IF EXISTS ${table}`);
  });

  it('reads a table in batches of fetchSize and then is exhausted', async () => {
    const reader = await PostgresBatchReader.open(
      { type: 'postgres', connection, table, fetchSize: 300 },
      sourceCtx(Row),
      conn,
    );
    const sizes: number[] = [];
    const ids: number[] = [];
    const r = await drain(reader, reader.initialOffset(), {}, (rows) => {
      sizes.push(rows.length);
      ids.push(...rows.map((x) => x.id as number));
    }).finally(() => reader.close());
    expect(sizes).toEqual([300, 300, 300, 100]);
    expect(reader.isExhausted(r.end)).toBe(true);
    expect(new Set(ids).size).toBe(1000);
  });

  it.each([2, 4])(
    'splits on a numeric column into %i parallel ranges, every row once (NULLs too)',
    async (numPartitions) => {
      const reader = await PostgresBatchReader.open(
        {
          type: 'postgres',
          connection,
          table,
          fetchSize: 128,
          partitionColumn: 'grp',
          numPartitions,
        },
        sourceCtx(Row),
        conn,
      );
      const { rows, end } = await drain(reader, reader.initialOffset()).finally(() =>
        reader.close(),
      );
      expect((end as unknown as BatchOffset).parts).toHaveLength(numPartitions);
      expect(rows).toHaveLength(1000);
      expect(new Set(rows.map((x) => x.id)).size).toBe(1000);
    },
  );

  it('splits on a timestamp column with explicit bounds narrower than the data, losing nothing', async () => {
    const reader = await PostgresBatchReader.open(
      {
        type: 'postgres',
        connection,
        table,
        fetchSize: 200,
        partitionColumn: 'at',
        numPartitions: 3,
        lowerBound: '2024-01-01T02:00:00Z',
        upperBound: '2024-01-01T10:00:00Z',
      },
      sourceCtx(Row),
      conn,
    );
    const { rows } = await drain(reader, reader.initialOffset()).finally(() => reader.close());
    expect(new Set(rows.map((x) => x.id)).size).toBe(1000);
  });

  it('a new reader replays a planned batch exactly (restart between plan and read)', async () => {
    const spec = {
      type: 'postgres',
      connection,
      table,
      fetchSize: 100,
      partitionColumn: 'id',
      numPartitions: 2,
    } as const;
    const first = await PostgresBatchReader.open(spec, sourceCtx(Row), conn);
    let start = first.initialOffset();
    let batch3: { start: unknown; end: unknown; rows: unknown[] } | undefined;
    try {
      for (let i = 0; i < 3; i++) {
        const end = (await first.planBatch(start, {}))!;
        const r = await first.readBatch(start, end);
        batch3 = { start, end, rows: r.rows.slice() };
        start = end;
      }
    } finally {
      await first.close();
    }
    const second = await PostgresBatchReader.open(spec, sourceCtx(Row), conn);
    try {
      const again = await second.readBatch(batch3!.start as never, batch3!.end as never);
      expect(again.rows).toEqual(batch3!.rows);
      expect(again.rows).toHaveLength(100);
    } finally {
      await second.close();
    }
  });

  it('trigger once (allAvailable) takes everything in one batch', async () => {
    const reader = await PostgresBatchReader.open(
      { type: 'postgres', connection, table, fetchSize: 100 },
      sourceCtx(Row),
      conn,
    );
    const r = await drain(reader, reader.initialOffset(), { allAvailable: true }).finally(() =>
      reader.close(),
    );
    expect(r.batches).toBe(1);
    expect(r.rows).toHaveLength(1000);
  });

  it('reads a query with parameters-free SQL and a declared subset of its columns', async () => {
    const reader = await PostgresBatchReader.open(
      {
        type: 'postgres',
        connection,
        query: `SELECT id, label, 'x' AS extra FROM ${table} WHERE id <= 10 ORDER BY id;`,
        fetchSize: 4,
      },
      sourceCtx(z.object({ id: z.int(), label: z.string() })),
      conn,
    );
    const { rows } = await drain(reader, reader.initialOffset()).finally(() => reader.close());
    expect(rows.map((x) => x.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(rows[0]).toEqual({ id: 1, label: 'row 1' });
  });
});

describe('a query that fails mid-COPY', () => {
  it("reports the server's error, and the reader still closes", async () => {
    const reader = await PostgresBatchReader.open(
      {
        type: 'postgres',
        connection,
        query: 'SELECT 1 / (g - 50000) AS x FROM generate_series(1, 100000) g',
        fetchSize: 1000,
      },
      sourceCtx(null),
      conn,
    );
    const seen: number[] = [];
    await expect(
      drain(reader, reader.initialOffset(), {}, (rows) => seen.push(rows.length)),
    ).rejects.toThrow(/division by zero/);
    // Rows before the failing one came through as they streamed.
    expect(seen.length).toBeGreaterThan(0);
    await reader.close();
  });
});

describe('closing a reader mid-read', () => {
  it('ends its COPY on the server', async () => {
    const marker = unique('close_marker');
    const reader = await PostgresBatchReader.open(
      {
        type: 'postgres',
        connection,
        query: `SELECT g AS ${marker} FROM generate_series(1, 5000000) g`,
        fetchSize: 1000,
      },
      sourceCtx(null),
      conn,
    );
    const start = reader.initialOffset();
    const end = (await reader.planBatch(start, {}))!;
    expect((await reader.readBatch(start, end)).rows).toHaveLength(1000);
    const running = async () =>
      (
        await sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'COPY%' AND query LIKE $1`,
          [`%${marker}%`],
        )
      )[0]!.n;
    expect(await running()).toBe(1);
    await reader.close();
    let n = await running();
    for (let i = 0; i < 100 && n > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      n = await running();
    }
    expect(n).toBe(0);
  });
});

describe('a million rows', () => {
  it('stream through in constant memory: one fetchSize batch at a time', async () => {
    const fetchSize = 10_000;
    const reader = await PostgresBatchReader.open(
      {
        type: 'postgres',
        connection,
        // Generated server-side; ~130 bytes a row, so holding them all would take hundreds of MB.
        query: `SELECT g AS id, g * 2 AS twice, md5(g::text) || md5((g + 1)::text) AS pad, now() AS at
                  FROM generate_series(1, 1000000) g`,
        fetchSize,
      },
      sourceCtx(z.object({ id: z.int(), twice: z.int(), pad: z.string(), at: z.coerce.date() })),
      conn,
    );
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const base = process.memoryUsage().heapUsed;
    let peak = 0;
    let total = 0;
    let maxBatch = 0;
    let checksum = 0;
    const r = await drain(
      reader,
      reader.initialOffset(),
      {},
      (rows) => {
        total += rows.length;
        maxBatch = Math.max(maxBatch, rows.length);
        for (const row of rows) checksum += row.id as number;
        peak = Math.max(peak, process.memoryUsage().heapUsed - base);
      },
      200,
    ).finally(() => reader.close());
    expect(total).toBe(1_000_000);
    expect(checksum).toBe((1_000_000 * 1_000_001) / 2);
    expect(maxBatch).toBe(fetchSize);
    expect(r.batches).toBe(100);
    // All rows held at once would be >300 MB of heap; one batch is a few MB (GC slack allowed).
    expect(peak).toBeLessThan(120 * 1024 * 1024);
  }, 180_000);
});
