import { PipekitError } from '@pipekit/core';
import type { Row } from '@pipekit/runtime';
import type { TestResult } from './test-pipeline.js';

/**
 * The rows of one sink (a memory sink's name, or a sink node id): in the end, or in micro-batch
 * `batch`. An unknown sink or batch is an error listing the ones there are.
 */
export function rowsOf(result: TestResult, sink: string, batch?: number): readonly Row[] {
  if (!(sink in result.sinks))
    throw new PipekitError(`no sink '${sink}'`, [
      { path: ['sinks'], message: `the sinks are ${Object.keys(result.sinks).join(', ')}` },
    ]);
  if (batch === undefined) return result.sinks[sink]!;
  const b = result.batches.find((x) => x.batchId === batch);
  if (!b)
    throw new PipekitError(`no micro-batch ${batch}`, [
      {
        path: ['batches'],
        message: `the batches are ${result.batches.map((x) => x.batchId).join(', ') || 'none'}`,
      },
    ]);
  return b.sinks[sink] ?? [];
}

function compare(a: unknown, b: unknown): number {
  const x = a instanceof Date ? a.getTime() : a;
  const y = b instanceof Date ? b.getTime() : b;
  if (x === y) return 0;
  if (x === null || x === undefined) return -1;
  if (y === null || y === undefined) return 1;
  return (x as number | string) < (y as number | string) ? -1 : 1;
}

/** A copy of `rows` sorted by columns (nulls first): compare outputs whose order is not defined. */
export function sortedBy(rows: readonly Row[], ...columns: readonly string[]): Row[] {
  return [...rows].sort((a, b) => {
    for (const c of columns) {
      const d = compare(a[c], b[c]);
      if (d !== 0) return d;
    }
    return 0;
  });
}
