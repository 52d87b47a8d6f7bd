import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  between,
  deadLetter,
  inSet,
  matches,
  notNull,
  pipeline,
  rule,
  sinks,
  source,
  sql,
  unique,
} from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PrometheusMetrics, progressText, runPipeline } from '../src/index.js';
import { memoryLogger, progressLog } from './helpers.js';

const Order = z.object({
  id: z.int(),
  user: z.string().nullable(),
  amount: z.number(),
  email: z.string().meta({ secret: true }),
  status: z.string(),
});
type Order = z.infer<typeof Order>;

/** 100 orders; every 10th has no user, every 7th a negative amount, ids 0..4 appear twice. */
function orders(): Order[] {
  const rows: Order[] = [];
  for (let i = 0; i < 100; i++)
    rows.push({
      id: i < 95 ? i : i - 95,
      user: i % 10 === 0 ? null : `u${i}`,
      amount: i % 7 === 0 ? -i - 1 : i,
      email: `person${i}@example.com`,
      status: i % 13 === 0 ? 'lost' : 'paid',
    });
  return rows;
}
const rows = orders();
const count = (f: (o: Order, i: number) => boolean) => rows.filter(f).length;
const noUser = count((o) => o.user === null);
const negative = count((o) => o.amount < 0);
const duplicate = count((_o, i) => i >= 95);

describe('expectations', () => {
  it('warn keeps every row and counts failures per rule', async () => {
    const { listener, reports } = progressLog();
    const { logger, records } = memoryLogger('warn');
    const run = runPipeline(
      source
        .memory({ schema: Order, rows, batchSize: 40 })
        .expect(notNull('user'), between('amount', 0, 1000))
        .sink.memory({ name: 'out' }),
      { metrics: [listener], logger },
    );
    const result = await run.result;
    expect(run.memory.get('out')).toHaveLength(100);
    expect(result.expectations).toEqual([
      expect.objectContaining({
        rule: 'notNull(user)',
        totalFailed: noUser,
        totalPassed: 100 - noUser,
      }),
      expect.objectContaining({
        rule: 'between(amount, 0, 1000)',
        totalFailed: negative,
        totalPassed: 100 - negative,
      }),
    ]);
    // Per batch: the three batches' counts add up to the totals.
    const perBatch = reports.map((r) => r.expectations?.[0]?.failed ?? 0);
    expect(perBatch.reduce((a, b) => a + b, 0)).toBe(noUser);
    const line = progressText(reports.at(-1)!);
    expect(line).toMatch(new RegExp(`expectations failed \\d+ \\(${noUser + negative} total\\): `));
    // Per rule, most failures first: this batch's, then the run's in parentheses.
    expect(line).toMatch(
      new RegExp(
        `between\\(amount, 0, 1000\\) \\d+ \\(${negative}\\), notNull\\(user\\) \\d+ \\(${noUser}\\)`,
      ),
    );
    const warned = records.filter((r) => r.msg === 'expectation failed (row kept)');
    expect(warned.length).toBeGreaterThan(0);
    // A secret column's value is never logged.
    expect(JSON.stringify(warned)).not.toContain('@example.com');
  });

  it('drop removes rows failing any drop rule; a row failing two rules counts against both', async () => {
    const run = runPipeline(
      source
        .memory({ schema: Order, rows, batchSize: 40 })
        .expect(
          notNull('user', { onFailure: 'drop' }),
          between('amount', 0, 1000, { onFailure: 'drop' }),
          unique('id', { onFailure: 'drop' }),
        )
        .sink.memory({ name: 'out' }),
    );
    const result = await run.result;
    const expected = rows.filter((o) => o.user !== null && o.amount >= 0);
    const byRule = Object.fromEntries(result.expectations.map((e) => [e.rule, e.totalFailed]));
    expect(byRule['notNull(user)']).toBe(noUser);
    expect(byRule['between(amount, 0, 1000)']).toBe(negative);
    // Duplicates within a batch only: ids 0..4 come back in the last batch (rows 95..99) while
    // rows 0..4 were in the first, so unique per batch finds none.
    expect(byRule['unique(id)']).toBe(0);
    expect(run.memory.get('out')).toEqual(expected);
    // One batch: the duplicates meet.
    const one = runPipeline(
      source
        .memory({ schema: Order, rows, batchSize: 1000 })
        .expect(unique('id', { onFailure: 'drop' }))
        .sink.memory({ name: 'out' }),
    );
    expect((await one.result).expectations[0]).toMatchObject({ totalFailed: duplicate });
    expect(one.memory.get('out').map((r) => r.id)).toEqual(rows.slice(0, 95).map((r) => r.id));
  });

  it('deadLetter writes rule, node, batch id and row to its sink and removes the row', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipekit-expect-'));
    const dlq = deadLetter(sinks.file({ path: join(dir, 'dlq'), format: 'jsonl' }));
    const run = runPipeline(
      source
        .memory({ schema: Order, rows, batchSize: 40 })
        .expect(notNull('user', { onFailure: dlq }), inSet('status', ['paid'], { onFailure: dlq }))
        .sink.memory({ name: 'out' }),
    );
    const result = await run.result;
    const lost = count((o) => o.status === 'lost');
    const both = count((o) => o.user === null && o.status === 'lost');
    expect(run.memory.get('out')).toHaveLength(100 - (noUser + lost - both));
    const letters = readdirSync(join(dir, 'dlq')).flatMap((f) =>
      readFileSync(join(dir, 'dlq', f), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map(
          (l) => JSON.parse(l) as { rule: string; node: string; batchId: number; record: string },
        ),
    );
    expect(letters).toHaveLength(noUser + lost);
    expect(letters.filter((l) => l.rule === 'notNull(user)')).toHaveLength(noUser);
    expect(letters.filter((l) => l.rule === 'inSet(status)')).toHaveLength(lost);
    expect(letters[0]).toMatchObject({ node: 'expect_1', batchId: 0 });
    expect(JSON.parse(letters[0]!.record)).toMatchObject({ id: 0, user: null });
    expect(result.expectations.map((e) => e.totalFailed)).toEqual([noUser, lost]);
  });

  it('fail stops the query with the rule, the batch and offending rows, secrets redacted', async () => {
    const run = runPipeline(
      source
        .memory({ schema: Order, rows, batchSize: 40 })
        .expect('amount is not negative', (r) => r.amount.gte(0), { onFailure: 'fail' })
        .sink.memory({ name: 'out' }),
    );
    const err = (await run.result.catch((e: unknown) => e)) as Error;
    expect(err.name).toBe('PipelineFailure');
    expect(err.message).toMatch(
      /node 'expect_1' \(expect\), batch 0: expectation 'amount is not negative' failed on 6 of 40 rows/,
    );
    expect(err.message).toContain('"id":0');
    expect(err.message).toContain('"email":"***"');
    expect(err.message).not.toContain('@example.com');
    // Nothing of the failed batch was written.
    expect(run.memory.get('out')).toHaveLength(0);
  });

  it('counters reach Prometheus; NULL passes a predicate rule (SQL CHECK semantics)', async () => {
    const prom = new PrometheusMetrics();
    const run = runPipeline(
      source
        .memory({ schema: Order, rows, batchSize: 50 })
        .expect(
          rule('user looks right', sql`user RLIKE '^u[0-9]+$'`),
          matches('user', /^u1/, { name: 'starts with u1' }),
        )
        .sink.memory({ name: 'out' }),
      { metrics: [prom] },
    );
    const result = await run.result;
    expect(result.expectations[0]).toMatchObject({ totalFailed: 0, totalPassed: 100 });
    const u1 = count((o) => o.user !== null && !o.user.startsWith('u1'));
    expect(result.expectations[1]).toMatchObject({ totalFailed: u1 });
    const text = await prom.registry.metrics();
    expect(text).toContain(
      `pipekit_expectation_rows_total{pipeline="pipeline",query="pipeline",node="expect_1",rule="starts with u1",on_failure="warn",result="failed"} ${u1}`,
    );
  });

  it('a rule over an unknown column fails where it is written, naming it', () => {
    expect(() =>
      source.memory({ schema: Order, rows }).expect(rule('typo', sql`amout > 0`)),
    ).toThrow(/rules\[0\]\.check\.predicate.*amout/s);
    expect(() =>
      pipeline('p', [
        source
          .memory({ schema: Order, rows })
          .expect(unique(['nope' as 'id']))
          .sink.memory({ name: 'x' }),
      ]),
    ).toThrow(/unknown column 'nope'/);
  });
});
