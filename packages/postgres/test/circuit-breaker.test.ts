import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { deadLetter, rule, sinks, source } from '@pipekit/core';
import {
  defaultConnectors,
  PrometheusMetrics,
  type QueryProgress,
  runPipeline,
  type SinkCircuitEvent,
} from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { registerConnectors } from '../src/index.js';
import { connection, logger, pgScript, pgService, sql, unique } from './helpers.js';

const run = promisify(execFile);
/** The test server's script, without blocking the event loop the pipeline runs on. */
const service = (cmd: 'start' | 'stop') => run('bash', [pgScript, cmd], { timeout: 120_000 });

const table = unique('circuit');
const dlq = unique('circuit_dlq');
afterAll(async () => {
  pgService('start');
  await sql(`DROP TABLE IF EXISTS ${table}`);
  await sql(`DROP TABLE IF EXISTS ${dlq}`);
});

const Row = z.object({ id: z.int(), v: z.string() });
const total = 3_000;

describe('a sink whose server goes away', () => {
  it('opens its circuit, waits, and writes every row exactly once when the server is back', async () => {
    const rows = Array.from({ length: total }, (_x, id) => ({ id, v: `v${id}` }));
    const registry = defaultConnectors();
    registerConnectors(registry);
    const circuit: SinkCircuitEvent[] = [];
    const prom = new PrometheusMetrics();
    // Two outages: after batch 1 (batch 2 has no dead letter: the sink meets it), and after
    // batch 9 (batch 10 holds id 1000, a dead letter: the dead-letter sink meets it first), or 19
    // if the server was still finishing its first restart at batch 9.
    const stopAfter = new Set([1, 9, 19]);
    const restarts: Promise<unknown>[] = [];
    let down = false;
    let starting = false;
    let promWhileOpen = '';
    const listener = {
      onProgress: (p: QueryProgress) => {
        // Stopped before the next batch starts: this blocks the pipeline until the server is down.
        if (stopAfter.delete(p.batchId) && !starting && restarts.length < 2) {
          pgService('stop');
          down = true;
        }
      },
      onCircuit: (e: SinkCircuitEvent) => {
        circuit.push(e);
        if (e.state === 'open' && down) {
          down = false;
          starting = true;
          restarts.push(
            (async () => {
              if (e.node === 'sink_1') promWhileOpen = await prom.registry.metrics();
              await service('start');
              starting = false;
            })(),
          );
        }
      },
    };
    // Every 1000th row fails a rule and goes to a dead-letter table on the same server.
    const p = source
      .memory({ schema: Row, rows, batchSize: 100 })
      .expect(
        rule('id not a multiple of 1000', (r) => r.id.mod(1000).ne(0), {
          onFailure: deadLetter(sinks.postgres({ connection, table: dlq, createTable: true })),
        }),
      )
      .sink.postgres({
        connection,
        table,
        mode: 'append',
        createTable: true,
        checkpoint: mkdtempSync(join(tmpdir(), 'pipekit-circuit-')),
      });
    const result = await runPipeline(p, {
      connectors: registry,
      logger,
      metrics: [prom, listener],
      sinkCircuit: { failureThreshold: 2, coolDownMs: 1_000, maxOpenMs: 90_000 },
    }).result;
    await Promise.all(restarts);

    expect(result.stoppedBy).toBe('completed');
    const multiples = rows.filter((r) => r.id % 1000 === 0).length;
    expect(result.sinks.sink_1).toMatchObject({ rowsWritten: total - multiples, circuitOpened: 1 });
    expect(restarts).toHaveLength(2);
    // Each circuit: open after 2 failed writes, half-open probes, closed at the end.
    for (const node of ['sink_1', 'expect_1.expect.deadLetter.0']) {
      const states = circuit.filter((e) => e.node === node).map((e) => e.state);
      expect(states[0], node).toBe('open');
      expect(states, node).toContain('halfOpen');
      expect(states.at(-1), node).toBe('closed');
      expect(circuit.find((e) => e.node === node)).toMatchObject({ consecutiveFailures: 2 });
    }
    expect(promWhileOpen).toMatch(/pipekit_sink_circuit_state\{[^}]*node="sink_1"\} 2/);
    expect(await prom.registry.metrics()).toMatch(
      /pipekit_sink_circuit_opens_total\{[^}]*node="sink_1"\} 1/,
    );
    const [count] = await sql<{ n: number; distinct: number; max: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct, max(id)::int AS max FROM ${table}`,
    );
    expect(count).toEqual({ n: total - multiples, distinct: total - multiples, max: total - 1 });
    const letters = await sql<{ rule: string; record: string }>(`SELECT rule, record FROM ${dlq}`);
    expect(letters).toHaveLength(multiples);
    expect(new Set(letters.map((l) => (JSON.parse(l.record) as { id: number }).id)).size).toBe(
      multiples,
    );
  }, 180_000);
});
