import type { SourceNode } from '@pipekit/core';
import type { SourceBacklog } from '../connector.js';
import { nodeLabel } from '../errors.js';
import type { Epoch } from '../graph/batch.js';
import type { QueryPlan } from '../graph/compile-plan.js';
import {
  type CheckpointProgress,
  type CircuitProgress,
  type ExpectationProgress,
  eventTimeProgress,
  perSecond,
  type QueryProgress,
  type SourceProgress,
} from '../progress/query-progress.js';
import { type NodeMetrics, nodeProgress } from './node-metrics.js';

/** What a source reads, in a few words: `kafka topic clicks`, `file ./in (csv)`. */
export function describeSource(n: SourceNode): string {
  const s = n.source;
  switch (s.type) {
    case 'kafka':
      return `kafka ${s.topic !== undefined ? `topic ${s.topic}` : s.topics !== undefined ? `topics ${s.topics.join(', ')}` : `topics /${s.topicPattern}/`}`;
    case 'postgres':
      return `postgres ${s.table ?? 'query'}`;
    case 'delta':
      return `delta ${s.path}`;
    case 'file':
      return `file ${s.path} (${s.format})`;
    case 'generate':
      return `generate${s.rowsPerSecond === undefined ? '' : ` ${s.rowsPerSecond} rows/s`}`;
    case 'kinesis':
      return `kinesis stream ${s.streamName}`;
    case 'socket':
      return `socket ${s.host}:${s.port}`;
    default:
      return s.type;
  }
}

/** What a batch measured, for its progress record. */
export interface BatchFacts {
  readonly epoch: Epoch;
  readonly durationMs: number;
  readonly numInputRows: number;
  readonly bufferedRows: number;
  /** Each source's backlog after the batch's end, when it can tell. */
  readonly backlogs: ReadonlyMap<string, SourceBacklog | null>;
  /** The clock when the batch ended (scheduler time). */
  readonly now: number;
  /** The query's expectation rules after the batch; absent when it has no expect steps. */
  readonly expectations?: readonly ExpectationProgress[];
  /** The query's sinks' circuit breakers after the batch. */
  readonly circuits?: readonly CircuitProgress[];
  /** The query's checkpoint, when it has one. */
  readonly checkpoint?: CheckpointProgress;
}

/**
 * Builds a query's progress records, batch after batch (rates need the previous batch's start).
 * The record is engine-neutral; this is the local runtime's way of filling it.
 */
export class BatchProgress {
  private previousStart: number;

  constructor(
    private readonly pipeline: string,
    private readonly q: QueryPlan,
    private readonly metrics: (id: string) => NodeMetrics,
    startedAt: number,
  ) {
    this.previousStart = startedAt;
  }

  record(f: BatchFacts): QueryProgress {
    const { epoch, durationMs } = f;
    // Since the previous batch started (Spark's inputRowsPerSecond); at least this batch's time.
    const sinceLast = Math.max(epoch.time - this.previousStart, durationMs);
    this.previousStart = epoch.time;
    const sources: SourceProgress[] = this.q.sources.map((n) => {
      const read = this.metrics(n.id).batchRowsIn;
      const backlog = f.backlogs.get(n.id) ?? null;
      const range = epoch.reads.get(n.id) ?? null;
      return {
        id: n.id,
        name: nodeLabel(n),
        description: describeSource(n),
        numInputRows: read,
        inputRowsPerSecond: perSecond(read, sinceLast),
        processedRowsPerSecond: perSecond(read, durationMs),
        backlogRows: backlog?.rows ?? null,
        limitedBy: backlog?.limitedBy ?? null,
        startOffset: range?.start ?? null,
        endOffset: range?.end ?? null,
      };
    });
    const clock = this.q.eventTime;
    let maxEventTime: number | null = null;
    for (const w of this.q.watermarks.values())
      if (w.max !== null) maxEventTime = Math.max(maxEventTime ?? w.max, w.max);
    const trigger = this.q.trigger;
    return {
      pipeline: this.pipeline,
      queryId: this.q.id,
      batchId: epoch.batchId,
      timestamp: new Date(epoch.time).toISOString(),
      durationMs: Math.round(durationMs * 1000) / 1000,
      triggerIntervalMs: trigger.type === 'processingTime' ? trigger.interval : null,
      numInputRows: f.numInputRows,
      inputRowsPerSecond: perSecond(f.numInputRows, sinceLast),
      processedRowsPerSecond: perSecond(f.numInputRows, durationMs),
      bufferedRows: f.bufferedRows,
      sources,
      eventTime: clock.hasInputs ? eventTimeProgress(f.now, maxEventTime, clock.watermark) : null,
      nodes: this.q.nodes.map((n) => nodeProgress(this.metrics(n.id), durationMs)),
      ...(f.expectations === undefined ? {} : { expectations: f.expectations }),
      ...(f.circuits === undefined ? {} : { circuits: f.circuits }),
      ...(f.checkpoint === undefined ? {} : { checkpoint: f.checkpoint }),
    };
  }
}
