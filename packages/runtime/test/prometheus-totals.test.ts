import { describe, expect, it } from 'vitest';
import { emptyNodeProgress, PrometheusMetrics } from '../src/index.js';
import type { NodeProgress, QueryProgress } from '../src/metrics/node-metrics.js';

function progress(batchId: number, node: Partial<NodeProgress>): QueryProgress {
  const n = emptyNodeProgress('parse_1', 'map', node);
  return {
    pipeline: 'p',
    queryId: 'q',
    batchId,
    durationMs: 5,
    inputRowsPerSecond: 0,
    processedRowsPerSecond: 0,
    triggerIntervalMs: null,
    sources: [],
    nodes: [n],
  } as unknown as QueryProgress;
}

const series = (text: string, name: string) =>
  new RegExp(`^${name}\\{[^}]*node="parse_1"[^}]*\\} (\\d+)$`, 'm').exec(text)?.[1];

describe('Prometheus running totals', () => {
  it('are counters that grow by what the totals grew, batch after batch', async () => {
    const prom = new PrometheusMetrics();
    prom.onProgress(progress(0, { badRecords: 0, dropped: 0, lateRows: 0 }));
    let text = await prom.registry.metrics();
    expect(text).toContain('# TYPE pipekit_node_bad_records_total counter');
    expect(text).toContain('# TYPE pipekit_node_dropped_rows_total counter');
    expect(text).toContain('# TYPE pipekit_node_dead_lettered_rows_total counter');
    expect(text).toContain('# TYPE pipekit_node_late_rows_total counter');
    expect(series(text, 'pipekit_node_bad_records_total')).toBe('0');

    prom.onProgress(progress(1, { badRecords: 3, dropped: 3, lateRows: 2 }));
    prom.onProgress(progress(2, { badRecords: 3, dropped: 3, lateRows: 2 }));
    prom.onProgress(progress(3, { badRecords: 7, dropped: 5, deadLettered: 2, lateRows: 4 }));
    text = await prom.registry.metrics();
    expect(series(text, 'pipekit_node_bad_records_total')).toBe('7');
    expect(series(text, 'pipekit_node_dropped_rows_total')).toBe('5');
    expect(series(text, 'pipekit_node_dead_lettered_rows_total')).toBe('2');
    expect(series(text, 'pipekit_node_late_rows_total')).toBe('4');
  });
});
