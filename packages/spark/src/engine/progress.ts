import { type PlanFacts, type PlanNode, type SinkNode, upstreamNodes } from '@pipekit/core';
import {
  emptyNodeProgress,
  eventTimeProgress,
  type NodeProgress,
  type QueryProgress,
  type SourceProgress,
} from '@pipekit/runtime';
import type { SparkProgress } from '../session/streaming-query.js';

/** The nodes a sink's query runs, in plan order. */
export function queryNodes(sink: SinkNode, facts: PlanFacts): PlanNode[] {
  const inQuery = new Set(upstreamNodes(sink.id, (id) => facts.get(id)?.node));
  return [...facts.values()].map((f) => f.node).filter((n) => inQuery.has(n));
}

const stateful = new Set(['aggregate', 'dedupe', 'join']);

/**
 * Spark's `StreamingQueryProgress` as the local runtime's progress record, so the progress line,
 * JSON lines and Prometheus show a Spark query as they show a local one. Sources take Spark's
 * source entries in plan order; stateful nodes its state operators in plan order; watermark nodes
 * the query's watermark (Spark keeps one per query).
 */
export function toQueryProgress(
  p: SparkProgress,
  pipeline: string,
  queryId: string,
  nodes: readonly PlanNode[],
  totals: Map<string, { rowsIn: number; rowsOut: number }>,
  triggerIntervalMs: number | null,
): QueryProgress {
  const durationMs = p.batchDuration ?? p.durationMs?.triggerExecution ?? 0;
  const perSecond = (rows: number) => (durationMs > 0 ? Math.round((rows * 1000) / durationMs) : 0);
  let source = 0;
  let state = 0;
  const watermark =
    p.eventTime?.watermark !== undefined ? new Date(p.eventTime.watermark).toISOString() : null;
  const out = nodes.map((n): NodeProgress => {
    const total = totals.get(n.id) ?? { rowsIn: 0, rowsOut: 0 };
    totals.set(n.id, total);
    if (n.kind === 'source') {
      const rows = p.sources[source++]?.numInputRows ?? 0;
      total.rowsOut += rows;
      return emptyNodeProgress(n.id, n.kind, {
        rowsOut: rows,
        rowsPerSecond: perSecond(rows),
        totalRowsOut: total.rowsOut,
      });
    }
    if (n.kind === 'sink') {
      const rows = Math.max(0, p.sink.numOutputRows);
      total.rowsIn += rows;
      return emptyNodeProgress(n.id, n.kind, { rowsIn: rows, totalRowsIn: total.rowsIn });
    }
    if (n.kind === 'watermark') return emptyNodeProgress(n.id, n.kind, { watermark });
    if (stateful.has(n.kind)) {
      const op = p.stateOperators?.[state++];
      return emptyNodeProgress(n.id, n.kind, {
        stateRows: op?.numRowsTotal ?? 0,
        stateBytes: op?.memoryUsedBytes ?? 0,
        lateRows: op?.numRowsDroppedByWatermark ?? 0,
      });
    }
    return emptyNodeProgress(n.id, n.kind);
  });
  const sourceNodes = nodes.filter((n) => n.kind === 'source');
  const sources = p.sources.map(
    (sp, i): SourceProgress => ({
      id: sourceNodes[i]?.id ?? `source_${i + 1}`,
      name: sourceNodes[i]?.name ?? sourceNodes[i]?.id ?? sp.description,
      description: sp.description,
      numInputRows: sp.numInputRows,
      inputRowsPerSecond: Math.round(sp.inputRowsPerSecond ?? 0),
      processedRowsPerSecond: Math.round(sp.processedRowsPerSecond ?? 0),
      backlogRows: null,
      limitedBy: null,
      startOffset: sp.startOffset ?? null,
      endOffset: sp.endOffset ?? null,
    }),
  );
  const parse = (t: string | undefined) => (t === undefined ? null : Date.parse(t));
  const hasWatermark = nodes.some((n) => n.kind === 'watermark');
  return {
    pipeline,
    queryId,
    batchId: p.batchId,
    timestamp: p.timestamp,
    durationMs,
    triggerIntervalMs,
    numInputRows: sources.reduce((n, s) => n + s.numInputRows, 0),
    inputRowsPerSecond: sources.reduce((n, s) => n + s.inputRowsPerSecond, 0),
    processedRowsPerSecond: sources.reduce((n, s) => n + s.processedRowsPerSecond, 0),
    bufferedRows: 0,
    sources,
    eventTime: hasWatermark
      ? eventTimeProgress(Date.now(), parse(p.eventTime?.max), parse(p.eventTime?.watermark))
      : null,
    nodes: out,
  };
}
