import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deadLetter, parsePlan, pipeline, sinks, source } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PipelineFailure, runPipeline } from '../src/index.js';
import { memoryLogger } from './helpers.js';

const Order = z.object({ id: z.int(), amount: z.number(), ts: z.coerce.date() });
const good = (id: number) => ({ id, amount: id * 10, ts: '2026-01-01T00:00:00.000Z' });
// Plans are data: bad records are what a plan read from JSON (or a file) may hold.
function memoryPlan(rows: unknown[], policy: unknown) {
  const base = source.memory({ schema: Order, rows: [] }).sink.memory({ name: 'out' });
  const plan = structuredClone(base.plan) as { nodes: Record<string, unknown>[] };
  const src = plan.nodes[0]!;
  (src.source as { rows: unknown[] }).rows = rows;
  if (policy) src.badRecords = policy;
  return { plan: plan as unknown as typeof base.plan, udfs: base.udfs };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'pipekit-policy-'));
}

describe('bad records', () => {
  const rows = [
    good(1),
    { id: 2, amount: 'lots', ts: '2026-01-01T00:00:00Z' },
    good(3),
    { id: 4, amount: 1, ts: 'yesterday' },
    good(5),
  ];

  it('drop: the pipeline goes on; the rows are counted', async () => {
    const run = runPipeline(memoryPlan(rows, { type: 'drop' }));
    const result = await run.result;
    expect(run.memory.get('out').map((r) => r.id)).toEqual([1, 3, 5]);
    expect(result.badRecords).toBe(2);
    expect(result.nodes.find((n) => n.id === 'memory_1')).toMatchObject({
      badRecords: 2,
      dropped: 2,
      rowsOut: 3,
    });
  });

  it('log: each is logged with its reason and position, and counted', async () => {
    const { logger, records } = memoryLogger();
    const run = runPipeline(memoryPlan(rows, undefined), { logger });
    expect((await run.result).badRecords).toBe(2);
    const logged = records.filter((r) => r.msg === 'bad record');
    expect(logged).toHaveLength(2);
    expect(logged[0]).toMatchObject({
      position: 'row 1',
      reason: 'column \'amount\': expected double, got "lots"',
    });
    expect(logged[1]).toMatchObject({
      position: 'row 3',
      reason: 'column \'ts\': expected timestamp, got "yesterday"',
    });
  });

  it('sideOutput: bad records are a stream any sink can take', async () => {
    const src = source.memory({ schema: Order, rows: [], badRecords: 'sideOutput' });
    const base = pipeline('side', [
      src.sink.memory({ name: 'good' }),
      src.badRecords().sink.memory({ name: 'bad' }),
    ]);
    const plan = structuredClone(base.plan) as { nodes: Record<string, unknown>[] };
    (plan.nodes[0]!.source as { rows: unknown[] }).rows = rows;
    const run = runPipeline({ plan: plan as unknown as typeof base.plan, udfs: base.udfs });
    await run.result;
    expect(run.memory.get('good')).toHaveLength(3);
    expect(run.memory.get('bad')).toEqual([
      {
        reason: 'column \'amount\': expected double, got "lots"',
        node: 'memory_1',
        position: 'row 1',
        record: JSON.stringify(rows[1]),
      },
      {
        reason: 'column \'ts\': expected timestamp, got "yesterday"',
        node: 'memory_1',
        position: 'row 3',
        record: JSON.stringify(rows[3]),
      },
    ]);
  });

  it('deadLetter: written to its sink with reason and record', async () => {
    const dir = tmp();
    const run = runPipeline(
      memoryPlan(rows, deadLetter(sinks.file({ path: join(dir, 'dlq'), format: 'jsonl' }))),
    );
    const result = await run.result;
    expect(result.nodes.find((n) => n.id === 'memory_1')).toMatchObject({ deadLettered: 2 });
    const files = readdirSync(join(dir, 'dlq'));
    expect(files).toHaveLength(1);
    const lines = readFileSync(join(dir, 'dlq', files[0]!), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => [l.position, l.node])).toEqual([
      ['row 1', 'memory_1'],
      ['row 3', 'memory_1'],
    ]);
    expect(JSON.parse(lines[0]!.record as string)).toEqual(rows[1]);
  });

  it('fail: the run fails naming the node, batch and position', async () => {
    const run = runPipeline(memoryPlan(rows, { type: 'fail' }));
    const e = await run.result.catch((x: unknown) => x);
    expect(e).toBeInstanceOf(PipelineFailure);
    expect((e as PipelineFailure).message).toMatch(
      /node 'memory_1'.*batch 0.*row 1.*expected double/,
    );
  });

  it('a JSON lines file: unparseable lines and mismatches carry file:line', async () => {
    const dir = tmp();
    writeFileSync(
      join(dir, 'orders.jsonl'),
      `${JSON.stringify(good(1))}\n{"id": 2, "amount":\n${JSON.stringify({ id: 3, ts: '2026-01-01T00:00:00Z' })}\n${JSON.stringify(good(4))}\n`,
    );
    const src = source.file({
      path: join(dir, 'orders.jsonl'),
      format: 'jsonl',
      schema: Order,
      badRecords: 'sideOutput',
    });
    const run = runPipeline(
      pipeline('f', [
        src.sink.memory({ name: 'good' }),
        src.badRecords().sink.memory({ name: 'bad' }),
      ]),
    );
    await run.result;
    expect(run.memory.get('good').map((r) => r.id)).toEqual([1, 4]);
    const bad = run.memory.get('bad');
    expect(bad.map((b) => String(b.position).split('/').pop())).toEqual([
      'orders.jsonl:2',
      'orders.jsonl:3',
    ]);
    expect(bad[0]!.reason).toMatch(/^not JSON/);
    expect(bad[1]!.reason).toBe("column 'amount' is missing or null but not nullable");
  });

  it('a UDF that throws: the row is a bad record of the map node; the rest go on', async () => {
    const mapped = source
      .memory({ schema: Order, rows: [1, 2, 3].map((id) => ({ id, amount: id, ts: new Date(0) })) })
      .map(
        (r) => {
          if (r.id === 2) throw new Error('no twos');
          return { id: r.id, doubled: r.amount * 2 };
        },
        { name: 'double', badRecords: 'sideOutput' },
      )
      .sink.memory({ name: 'out' });
    // The builder has no badRecords() on a map step yet; the plan can say it.
    const plan = structuredClone(mapped.plan) as unknown as { nodes: unknown[] };
    plan.nodes.push(
      { id: 'sideOutput_1', kind: 'sideOutput', of: 'map_1', output: 'badRecords' },
      {
        id: 'sink_2',
        kind: 'sink',
        input: 'sideOutput_1',
        sink: { type: 'memory', name: 'bad' },
        trigger: { type: 'availableNow' },
        outputMode: 'append',
      },
    );
    const run = runPipeline({ plan: parsePlan(plan), udfs: mapped.udfs });
    const result = await run.result;
    expect(run.memory.get('out')).toEqual([
      { id: 1, doubled: 2 },
      { id: 3, doubled: 6 },
    ]);
    expect(run.memory.get('bad')).toEqual([
      {
        reason: 'the function threw: no twos',
        node: 'map_1',
        position: 'batch 0 row 1',
        record: JSON.stringify({ id: 2, amount: 2, ts: new Date(0) }),
      },
    ]);
    expect(result.nodes.find((n) => n.id === 'map_1')).toMatchObject({
      rowsIn: 3,
      rowsOut: 2,
      badRecords: 1,
    });
  });
});
