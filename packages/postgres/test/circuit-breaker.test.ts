import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { source } from '@pipekit/core';
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
afterAll(async () => {
  pgService('start');
  await sql(`DROP TABLE IF EXISTS ${table}`);
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
    let stopped: Promise<unknown> | null = null;
    let restarted: Promise<unknown> | null = null;
    let promWhileOpen = '';
    const listener = {
      onProgress: (p: QueryProgress) => {
        // The server goes down once the first two batches are in.
        if (p.batchId === 1 && stopped === null) stopped = service('stop');
      },
      onCircuit: (e: SinkCircuitEvent) => {
        circuit.push(e);
        if (e.state === 'open' && restarted === null)
          restarted = (async () => {
            promWhileOpen = await prom.registry.metrics();
            await stopped;
            await service('start');
          })();
      },
    };
    const p = source.memory({ schema: Row, rows, batchSize: 100 }).sink.postgres({
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
    await restarted;

    expect(result.stoppedBy).toBe('completed');
    expect(result.sinks.sink_1).toMatchObject({ rowsWritten: total, circuitOpened: 1 });
    const states = circuit.map((e) => e.state);
    expect(states[0]).toBe('open');
    expect(states).toContain('halfOpen');
    expect(states.at(-1)).toBe('closed');
    expect(circuit[0]).toMatchObject({ node: 'sink_1', consecutiveFailures: 2 });
    expect(promWhileOpen).toMatch(/pipekit_sink_circuit_state\{[^}]*node="sink_1"\} 2/);
    expect(await prom.registry.metrics()).toMatch(
      /pipekit_sink_circuit_opens_total\{[^}]*node="sink_1"\} 1/,
    );
    const [count] = await sql<{ n: number; distinct: number; max: number }>(
      `SELECT count(*)::int AS n, count(DISTINCT id)::int AS distinct, max(id)::int AS max FROM ${table}`,
    );
    expect(count).toEqual({ n: total, distinct: total, max: total - 1 });
  }, 180_000);
});
