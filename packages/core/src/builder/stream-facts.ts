import { isBoundedSource } from '../plan/bounded.js';
import type { BuilderNode } from './graph.js';
import { upstream } from './graph.js';
import type { StreamKind } from './stream-types.js';

/** The column of the nearest watermark on the main input path, if the rows still carry it. */
export function watermarkColumn(node: BuilderNode): string | undefined {
  for (let n: BuilderNode | undefined = node; n; n = n.inputs[0]) {
    if (n.op.kind === 'watermark') return n.op.column;
    if (n.op.kind === 'aggregate' || n.op.kind === 'map' || n.op.kind === 'select')
      return undefined;
  }
  return undefined;
}

/** Whether every source this stream reads from ends (a batch query). */
export function isBounded(node: BuilderNode): boolean {
  for (const n of upstream(node))
    if (n.op.kind === 'source' && !isBoundedSource(n.op.source)) return false;
  return true;
}

/**
 * Whether an aggregation's results become final, so it can append: its window is on a watermarked
 * column, or (without a window) a watermarked column is one of its keys, as in Spark.
 */
function finalizedByWatermark(n: BuilderNode): boolean {
  if (n.op.kind !== 'aggregate') return false;
  const marks = new Set<string>();
  for (const u of upstream(n)) if (u.op.kind === 'watermark') marks.add(u.op.column);
  return n.op.window ? marks.has(n.op.window.column) : n.op.keys.some((k) => marks.has(k));
}

export function streamKind(node: BuilderNode): StreamKind {
  for (let n: BuilderNode | undefined = node; n; n = n.inputs[0]) {
    if (n.op.kind === 'aggregate')
      return finalizedByWatermark(n) ? 'aggregatedWithWatermark' : 'aggregated';
    if (n.op.kind === 'sideOutput' || n.op.kind === 'source') return 'rows';
  }
  return 'rows';
}
