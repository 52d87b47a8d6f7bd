/**
 * The Spark engine on the Spark-parity scenarios: each scenario's pipeline (built as a user
 * would, the same as the local runtime's parity test) is lowered and run on the local Spark
 * Connect server, and its micro-batches are compared with the fixture real Spark produced from a
 * hand-written PySpark job: batch ids, input rows, watermark, state rows, and the rows the sink
 * received. This proves the lowering (the fixtures prove Spark).
 */

import type { QueryProgress } from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type FixtureBatch,
  fixture,
  names,
  pipelineOf,
  rowSet,
  scenario,
  scratch,
  writeBatches,
} from '../../../test/spark-parity/scenario-pipeline.js';
import { runOnSpark } from '../src/index.js';
import { remote } from './remote.js';

const { dir: work, remove } = scratch();
afterAll(remove);

describe('the Spark engine equals the Spark parity fixtures', () => {
  for (const name of names) {
    const f = fixture(name);
    if ('rejected' in f) continue;
    const s = scenario(name);
    // Spark refuses distinct aggregations on streams; the refusal has its own test.
    if (s.aggregates.some((a) => a.fn === 'countDistinct')) continue;
    it(name, async () => {
      const progress: QueryProgress[] = [];
      const run = runOnSpark(pipelineOf(s, writeBatches(s, work)).plan, {
        remote,
        pollMs: 250,
        metrics: [{ onProgress: (p) => progress.push(p) }],
      });
      const result = await run.result;
      expect(result.stoppedBy).toBe('completed');
      expect(progress.map((p) => p.batchId)).toEqual(f.batches.map((b) => b.batchId));
      f.batches.forEach((want: FixtureBatch, i) => {
        const got = progress[i]!;
        const at = `${name} batch ${want.batchId}`;
        const node = (kind: string) => got.nodes.find((n) => n.kind === kind);
        expect(got.numInputRows, `${at} input rows`).toBe(want.numInputRows);
        expect(node('watermark')?.watermark ?? null, `${at} watermark`).toBe(want.watermark);
        expect(node('aggregate')?.stateRows, `${at} state rows`).toBe(want.stateRows);
      });
      // The memory sink holds what every batch wrote (append, update) or the last result (complete).
      const written =
        s.outputMode === 'complete'
          ? (f.batches.at(-1)?.rows ?? [])
          : f.batches.flatMap((b) => b.rows);
      expect(rowSet(result.memory.get('out') ?? [])).toEqual(rowSet(written));
    });
  }
});
