import { compact, span } from './format.js';
import type { QueryProgress } from './query-progress.js';

/**
 * The one-line summary of a batch, for a terminal:
 * `clicks: batch 12 | 20.0k rows in 8.2 ms of 1.0 s | in 20.0k/s, done 2.4M/s | waiting 180k (batchSize) | lag 12 s, watermark −10 s | written 1.2M | state 10.0k | bad 3`.
 * "in" is rows read per second since the last batch (what arrives), "done" rows per second of
 * processing (what the query could take); "lag" is the clock minus the newest event time.
 */
export function progressText(p: QueryProgress): string {
  const sinks = p.nodes.filter((n) => n.kind === 'sink');
  const written = sinks.reduce((a, n) => a + n.totalRowsOut, 0);
  const bad = p.nodes.reduce((a, n) => a + n.badRecords, 0);
  const state = p.nodes.reduce((a, n) => a + n.stateRows, 0);
  const waiting = p.sources.filter((s) => s.backlogRows !== null && s.backlogRows > 0);
  const backlog = waiting.reduce((a, s) => a + s.backlogRows!, 0);
  const limits = [...new Set(waiting.map((s) => s.limitedBy).filter((l) => l !== null))];
  const et = p.eventTime;
  const interval = p.triggerIntervalMs === null ? '' : ` of ${span(p.triggerIntervalMs)}`;
  return [
    `${p.queryId}: batch ${p.batchId}`,
    `${compact(p.numInputRows)} rows in ${span(p.durationMs)}${interval}`,
    `in ${compact(p.inputRowsPerSecond)}/s, done ${compact(p.processedRowsPerSecond)}/s`,
    ...(backlog > 0
      ? [`waiting ${compact(backlog)}${limits.length > 0 ? ` (${limits.join(', ')})` : ''}`]
      : []),
    ...(et?.lagMs != null
      ? [
          `lag ${span(et.lagMs)}${et.watermarkDelayMs === null ? '' : `, watermark −${span(et.watermarkDelayMs)}`}`,
        ]
      : []),
    `written ${compact(written)}`,
    ...(state > 0 ? [`state ${compact(state)}`] : []),
    ...(bad > 0 ? [`bad ${compact(bad)}`] : []),
  ].join(' | ');
}

/** A batch's progress as one JSON line (`{"type":"progress",...}`), newline included. */
export function progressJson(p: QueryProgress): string {
  return `${JSON.stringify({ type: 'progress', ...p })}\n`;
}
