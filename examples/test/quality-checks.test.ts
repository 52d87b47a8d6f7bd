import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pipeline } from '@pipekit/core';
import { DeltaTable } from '@pipekit/delta';
import { runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { connectors, logger, readFiles, workDir } from './helpers.js';

const dir = workDir('quality');

interface Order {
  orderId: number;
  customer: string | null;
  currency: string;
  amount: number;
  cardNumber: string;
}

const csv = (rows: readonly Order[]) =>
  `orderId,customer,currency,amount,cardNumber\n${rows
    .map((o) => [o.orderId, o.customer ?? '', o.currency, o.amount, o.cardNumber].join(','))
    .join('\n')}\n`;

/** The example as `pipe run` loads it, with its data under `dir`. */
async function load(): Promise<Pipeline> {
  process.env.WORK_DIR = dir;
  try {
    const mod = (await import('../quality-checks.pipeline.ts')) as { default: Pipeline };
    return mod.default;
  } finally {
    delete process.env.WORK_DIR;
  }
}

describe('examples/quality-checks.pipeline.ts', () => {
  it('drops, dead-letters and warns as declared; counts match the input', async () => {
    const orders: Order[] = Array.from({ length: 300 }, (_x, i) => ({
      orderId: i,
      customer: i % 25 === 0 ? null : `c${i % 40}`,
      currency: i % 31 === 0 ? 'XYZ' : i % 2 ? 'EUR' : 'USD',
      amount: i % 50 === 7 ? 250_000 : i * 3.5,
      cardNumber: `4111-0000-0000-${String(i).padStart(4, '0')}`,
    }));
    mkdirSync(join(dir, 'data', 'orders'), { recursive: true });
    writeFileSync(join(dir, 'data', 'orders', 'a.csv'), csv(orders));
    const result = await runPipeline(await load(), { connectors: connectors(), logger }).result;

    const kept = orders.filter((o) => o.customer !== null && o.currency !== 'XYZ');
    const table = await (await DeltaTable.open(join(dir, 'data', 'orders-clean'))).read();
    expect(table.map((r) => Number(r.orderId)).sort((a, b) => a - b)).toEqual(
      kept.map((o) => o.orderId),
    );
    expect(Object.keys(table[0]!)).not.toContain('cardNumber');
    const rejected = (await readFiles(join(dir, 'data', 'orders-rejected'), 'jsonl')) as {
      rule: string;
    }[];
    expect(rejected).toHaveLength(orders.filter((o) => o.currency === 'XYZ').length);
    expect(rejected.every((r) => r.rule === 'inSet(currency)')).toBe(true);
    expect(Object.fromEntries(result.expectations.map((e) => [e.rule, e.totalFailed]))).toEqual({
      'notNull(customer)': orders.filter((o) => o.customer === null).length,
      'inSet(currency)': orders.filter((o) => o.currency === 'XYZ').length,
      'between(amount, 0, 100000)': orders.filter((o) => o.amount > 100_000).length,
      'unique(orderId)': 0,
    });
  });

  it('a repeated order id stops the job before anything of the batch is written', async () => {
    // A new export replaces the old one; the job starts over (new checkpoint, new table).
    for (const d of ['data', 'checkpoints']) rmSync(join(dir, d), { recursive: true, force: true });
    mkdirSync(join(dir, 'data', 'orders'), { recursive: true });
    writeFileSync(
      join(dir, 'data', 'orders', 'b.csv'),
      csv([
        { orderId: 1000, customer: 'c1', currency: 'EUR', amount: 1, cardNumber: '4111-9999' },
        { orderId: 1000, customer: 'c2', currency: 'EUR', amount: 2, cardNumber: '4111-9998' },
      ]),
    );
    const err = (await runPipeline(await load(), { connectors: connectors(), logger }).result.catch(
      (e: unknown) => e,
    )) as Error;
    expect(err.message).toMatch(/expectation 'unique\(orderId\)' failed on 1 of 2 rows/);
    expect(err.message).toContain('"cardNumber":"***"');
    expect(err.message).not.toContain('4111-');
  });
});
