import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { Pipeline } from '@pipekit/core';
import { runPipeline } from '@pipekit/runtime';
import { describe, expect, it } from 'vitest';
import { logger, readFiles, workDir } from './helpers.js';

const dir = workDir('fan-out');

describe('examples/fan-out.pipeline.ts runs', () => {
  it('writes every order once to Parquet by channel, and prints the large ones on the console', async () => {
    process.env.WORK_DIR = dir;
    const { default: fanOut } = (await import('../fan-out.pipeline.ts')) as { default: Pipeline };
    const stdout = new PassThrough();
    let printed = '';
    stdout.on('data', (d) => (printed += String(d)));
    const result = await runPipeline(fanOut, { logger, stdout }).result;
    expect(result.stoppedBy).toBe('completed');

    // The Parquet part files, one directory per channel (the column itself is the directory name).
    const out = join(dir, 'data', 'orders');
    expect(readdirSync(out).sort()).toEqual(['channel=app', 'channel=store', 'channel=web']);
    const orders = new Map<number, { customer: string; amount: number; channel: string }>();
    let rows = 0;
    for (const channel of ['app', 'store', 'web'])
      for (const r of await readFiles(join(out, `channel=${channel}`), 'parquet')) {
        rows++;
        orders.set(Number(r.orderId), {
          customer: r.customer as string,
          amount: r.amount as number,
          channel,
        });
      }
    // Every generated order (limit 100,000: ids 0 to 99,999) exactly once; amount > 0 keeps all.
    expect(rows).toBe(100_000);
    expect(orders.size).toBe(100_000);
    expect([...orders.keys()].every((id) => Number.isInteger(id) && id >= 0 && id < 100_000)).toBe(
      true,
    );
    const all = [...orders.values()];
    expect(all.every((o) => o.amount >= 1 && o.amount < 2_000)).toBe(true);
    expect(all.every((o) => /^customer-\d+$/.test(o.customer))).toBe(true);
    // Channels drawn with weights 0.5 / 0.4 / 0.1.
    const share = (c: string) => all.filter((o) => o.channel === c).length / all.length;
    expect(share('web')).toBeCloseTo(0.5, 1);
    expect(share('app')).toBeCloseTo(0.4, 1);
    expect(share('store')).toBeCloseTo(0.1, 1);

    // The console branch: as many rows as the files hold orders of 1,500 or more.
    const large = all.filter((o) => o.amount >= 1_500).length;
    expect(large).toBeGreaterThan(0);
    expect(result.sinks.sink_2?.rowsWritten).toBe(large);
    expect(result.sinks.sink_1?.rowsWritten).toBe(100_000);
    // Each batch printed as a table of its first 10 rows: large orders, the same as in the files.
    const batches = result.sinks.sink_2!.batches;
    expect(printed.match(/^Batch: \d+$/gm)).toHaveLength(batches);
    const shown = printed
      .split('\n')
      .filter((l) => /^\|\s*\d+\|/.test(l))
      .map((l) => l.split('|').map((c) => c.trim()));
    expect(shown).toHaveLength(batches * 10);
    for (const [, id, customer, amount, channel] of shown) {
      expect(orders.get(Number(id))).toEqual({ customer, amount: Number(amount), channel });
      expect(Number(amount)).toBeGreaterThanOrEqual(1_500);
    }

    // The shared steps ran once per batch: the source was read once for both sinks.
    const read = result.nodes.find((n) => n.kind === 'source');
    expect(read?.rowsOut).toBe(100_000);
  });
});
