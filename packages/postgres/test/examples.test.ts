import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Pipeline, source } from '@pipekit/core';
import { DeltaTable, registerConnectors as registerDelta } from '@pipekit/delta';
import { defaultConnectors, runPipeline } from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerConnectors } from '../src/index.js';
import { logger, sql, unique } from './helpers.js';

const orders = unique('orders');
const out = mkdtempSync(join(tmpdir(), 'pipekit-pg-example-'));

afterAll(async () => {
  rmSync(out, { recursive: true, force: true });
  await sql(`DROP TABLE IF EXISTS ${orders}`);
});

function connectors() {
  const registry = defaultConnectors();
  registerConnectors(registry);
  return registry;
}

describe('examples/postgres-to-parquet.pipeline.ts', () => {
  it('runs against the real server: table → aggregate → Parquet', async () => {
    await sql(`CREATE TABLE ${orders} (order_id bigint PRIMARY KEY, customer_id text NOT NULL, country text,
                 status text NOT NULL, amount numeric(12,2) NOT NULL, created_at timestamptz NOT NULL)`);
    // 3000 orders: countries DE/FR/NULL, statuses paid/shipped/new; amounts 0.01 .. 30.00.
    await sql(`INSERT INTO ${orders}
      SELECT g, 'c' || (g % 100), (ARRAY['DE', 'FR', NULL])[g % 3 + 1], (ARRAY['paid', 'shipped', 'new'])[g % 3 + 1],
             (g % 3000 + 1) / 100.0, timestamptz '2024-01-01' + g * interval '1 minute'
        FROM generate_series(1, 3000) g`);
    const expected = await sql<{
      country: string | null;
      orders: number;
      customers: number;
      revenue: string;
    }>(
      `SELECT country, count(*)::int AS orders, count(DISTINCT customer_id)::int AS customers, sum(amount)::text AS revenue
         FROM ${orders} WHERE status IN ('paid', 'shipped') GROUP BY country ORDER BY country`,
    );
    process.env.PIPEKIT_ORDERS_TABLE = orders;
    process.env.PIPEKIT_OUT = join(out, 'totals');
    const example = new URL('../../../examples/postgres-to-parquet.pipeline.ts', import.meta.url)
      .href;
    const mod = (await import(example)) as { default: Pipeline };
    const run = await runPipeline(mod.default, { connectors: connectors(), logger }).result;
    expect(run.stoppedBy).toBe('completed');

    // Read the Parquet back with the runtime's file source.
    const check = source
      .file({
        path: join(out, 'totals', '*.parquet'),
        format: 'parquet',
        schema: z.object({
          country: z.string().nullable(),
          orders: z.int(),
          customers: z.int(),
          revenue: z.number(),
        }),
      })
      .sink.memory({ name: 'totals' });
    const read = runPipeline(check, { logger });
    await read.result;
    const got = [...read.memory.get('totals')].sort((a, b) =>
      String(a.country).localeCompare(String(b.country)),
    );
    expect(
      got.map((r) => [r.country, r.orders, r.customers, (r.revenue as number).toFixed(2)]),
    ).toEqual(
      [...expected]
        .sort((a, b) => String(a.country).localeCompare(String(b.country)))
        .map((r) => [r.country, r.orders, r.customers, Number(r.revenue).toFixed(2)]),
    );
    expect(got.length).toBe(2); // status is tied to country here: only DE (paid) and FR (shipped)
  });
});

describe('examples/postgres-batch.pipeline.ts', () => {
  it('runs against the real server: table → aggregate → a Delta table', async () => {
    const table = unique('orders_batch');
    await sql(`CREATE TABLE ${table} (order_id bigint PRIMARY KEY, customer_id text NOT NULL, country text,
                 status text NOT NULL, amount numeric(12,2) NOT NULL, created_at timestamptz NOT NULL)`);
    try {
      await sql(`INSERT INTO ${table}
        SELECT g, 'c' || (g % 50), (ARRAY['NL', 'BE', NULL])[g % 3 + 1], (ARRAY['paid', 'shipped', 'new', 'paid'])[g % 4 + 1],
               (g % 1000 + 1) / 100.0, timestamptz '2024-01-01' + g * interval '1 minute'
          FROM generate_series(1, 2000) g`);
      const expected = await sql<{
        country: string | null;
        status: string;
        orders: number;
        customers: number;
        revenue: string;
      }>(
        `SELECT country, status, count(*)::int AS orders, count(DISTINCT customer_id)::int AS customers, sum(amount)::text AS revenue
           FROM ${table} WHERE status IN ('paid', 'shipped') GROUP BY country, status`,
      );
      process.env.PIPEKIT_ORDERS_TABLE = table;
      process.env.PIPEKIT_ORDER_TOTALS = join(out, 'order-totals');
      const example = new URL('../../../examples/postgres-batch.pipeline.ts', import.meta.url).href;
      const mod = (await import(example)) as { default: Pipeline };
      const registry = connectors();
      registerDelta(registry);
      const run = await runPipeline(mod.default, { connectors: registry, logger }).result;
      expect(run.stoppedBy).toBe('completed');
      const rows = await (await DeltaTable.open(join(out, 'order-totals'))).read();
      const key = (r: { country?: unknown; status?: unknown }) =>
        `${String(r.country)}/${String(r.status)}`;
      expect(
        rows.map((r) => [key(r), r.orders, r.customers, (r.revenue as number).toFixed(2)]).sort(),
      ).toEqual(
        expected.map((r) => [key(r), r.orders, r.customers, Number(r.revenue).toFixed(2)]).sort(),
      );
    } finally {
      await sql(`DROP TABLE IF EXISTS ${table}`);
    }
  });
});
