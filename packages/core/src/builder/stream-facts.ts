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

export function hasWatermarkUpstream(node: BuilderNode): boolean {
  for (const n of upstream(node)) if (n.op.kind === 'watermark') return true;
  return false;
}

/** Whether every source this stream reads from ends (a batch query). */
export function isBounded(node: BuilderNode): boolean {
  for (const n of upstream(node))
    if (n.op.kind === 'source' && !isBoundedSource(n.op.source)) return false;
  return true;
}

export function streamKind(node: BuilderNode): StreamKind {
  for (let n: BuilderNode | undefined = node; n; n = n.inputs[0]) {
    if (n.op.kind === 'aggregate')
      return hasWatermarkUpstream(n) ? 'aggregatedWithWatermark' : 'aggregated';
    if (n.op.kind === 'sideOutput' || n.op.kind === 'source') return 'rows';
  }
  return 'rows';
}
