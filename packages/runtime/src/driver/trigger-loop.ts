import type { Trigger } from '@pipekit/core';
import type { SchedulerLike } from 'rxjs';
import type { LoopCheckpoint } from '../checkpoint/query-checkpoint.js';
import type { Offset, ReadLimits, SourceReader } from '../connector.js';
import type { Epoch } from '../graph/batch.js';

/** Rows per batch at most under the continuous trigger: small batches, low latency. */
export const continuousBatchRows = 1_000;
/** How long the continuous trigger waits before asking idle sources again (ms). */
export const continuousPollMs = 10;

export interface LoopSource {
  readonly id: string;
  readonly reader: SourceReader;
}

export interface LoopOptions {
  readonly trigger: Trigger;
  readonly sources: readonly LoopSource[];
  readonly scheduler: SchedulerLike;
  readonly signal: AbortSignal;
  /** Runs one micro-batch through the graph; resolves when every sink has written it. */
  readonly runBatch: (epoch: Epoch) => Promise<void>;
  /** The query's checkpoint: where to resume, and the log of planned and committed batches. */
  readonly checkpoint?: LoopCheckpoint;
  /**
   * Event time: whether a batch is due although no source has new data (Spark's no-data
   * micro-batch: the watermark moved and a stateful node would emit or evict by it). `time` is now.
   */
  readonly wantsNoDataBatch?: (time: number) => boolean;
}

export interface LoopResult {
  readonly batches: number;
  readonly stoppedBy: 'completed' | 'stopped';
}

/** Waits `ms` on the scheduler's clock (virtual in tests); gives up at once when stopped. */
export function sleep(scheduler: SchedulerLike, ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      sub.unsubscribe();
      resolve();
    };
    const sub = scheduler.schedule(done, Math.max(0, ms));
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Lets I/O and signals in between two back-to-back batches. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function limitsOf(trigger: Trigger): ReadLimits {
  if (trigger.type === 'once') return { allAvailable: true };
  if (trigger.type === 'continuous') return { maxRows: continuousBatchRows };
  return {};
}

/**
 * A query's micro-batch loop, pull-based: it plans the next batch only after every sink has
 * written the last one, so a slow sink slows the sources and at most one batch is in flight.
 *
 * - `every(interval)`: a batch at each tick (at once when a batch ran over its tick).
 * - `once()`: one batch of everything available, then stop.
 * - `availableNow()`: what is available at the start, in batches within the sources' limits, then stop.
 * - `continuous()`: small batches back to back while data comes; a short poll when idle.
 *
 * Every trigger stops when all sources are exhausted, after a last batch marked `final` in which
 * stateful nodes emit what they hold. A stop request (the signal) ends the loop after the batch
 * in flight. When no source has new data but `wantsNoDataBatch` says the watermark moved, a batch
 * without rows runs (at a tick; under `availableNow` before it stops), as Spark's no-data batch.
 */
export async function runTriggerLoop(o: LoopOptions): Promise<LoopResult> {
  const { trigger, sources, scheduler, signal, checkpoint } = o;
  // Checkpoint: resume after the last committed batch (operator state is restored by now).
  const recovery = await checkpoint?.recover();
  if (recovery?.completed) return { batches: 0, stoppedBy: 'completed' };
  const offsets = new Map<string, Offset>();
  const starts = new Map<string, Offset>();
  for (const s of sources) {
    const recovered = recovery?.positions.get(s.id);
    const offset = recovered ?? (await s.reader.initialOffset());
    offsets.set(s.id, offset);
    if (recovered === undefined) starts.set(s.id, offset);
  }
  // Fixed before any batch: a query stopped before its first batch resumes from the same start.
  if (starts.size > 0) await checkpoint?.started(starts);
  const firstBatchId = recovery?.nextBatchId ?? 0;
  let batchId = firstBatchId;
  // Checkpoint: a batch planned before a crash or stop and not committed runs again first, with
  // the same ranges and instant; sinks that already have it write nothing (idempotent per batch).
  if (recovery?.replay) {
    const epoch = recovery.replay;
    await o.runBatch(epoch);
    await checkpoint?.committed(epoch);
    batchId++;
    for (const s of sources) {
      const range = epoch.reads.get(s.id);
      if (!range) continue;
      await s.reader.commit(range.end);
      offsets.set(s.id, range.end);
    }
    if (epoch.final) return { batches: 1, stoppedBy: 'completed' };
  }
  if (trigger.type === 'availableNow')
    for (const s of sources) await s.reader.prepareForAvailableNow?.();
  const limits = limitsOf(trigger);
  let nextTick = scheduler.now();
  while (!signal.aborted) {
    const time = scheduler.now();
    const ends = await Promise.all(
      sources.map(async (s) => {
        const start = offsets.get(s.id)!;
        return s.reader.isExhausted(start) ? null : s.reader.planBatch(start, limits);
      }),
    );
    const hasData = ends.some((e) => e !== null);
    const exhausted = sources.every((s, i) => s.reader.isExhausted(ends[i] ?? offsets.get(s.id)!));
    // Event time: no new data, but the watermark moved: one batch to emit and evict by it.
    const noData =
      !hasData && !exhausted && trigger.type !== 'once' && (o.wantsNoDataBatch?.(time) ?? false);
    if (hasData || exhausted || noData) {
      const reads = new Map(
        sources.map(
          (s, i) =>
            [s.id, ends[i] === null ? null : { start: offsets.get(s.id)!, end: ends[i]! }] as const,
        ),
      );
      const epoch: Epoch = { batchId, final: exhausted, time, reads };
      await checkpoint?.planned(epoch, offsets); // before the batch runs, as Spark's offset log
      await o.runBatch(epoch);
      await checkpoint?.committed(epoch); // every sink has it; before sources may forget it
      batchId++;
      for (const [i, s] of sources.entries()) {
        const end = ends[i];
        if (end === null || end === undefined) continue;
        await s.reader.commit(end);
        offsets.set(s.id, end);
      }
    }
    if (exhausted) return { batches: batchId - firstBatchId, stoppedBy: 'completed' };
    if (trigger.type === 'once') return { batches: batchId - firstBatchId, stoppedBy: 'completed' };
    // Nothing more under availableNow: drained, unless a stop cut a source's wait for rows short.
    if (trigger.type === 'availableNow' && !hasData && !noData)
      return {
        batches: batchId - firstBatchId,
        stoppedBy: signal.aborted ? 'stopped' : 'completed',
      };
    if (trigger.type === 'processingTime') {
      nextTick += trigger.interval;
      const now = scheduler.now();
      if (nextTick > now) await sleep(scheduler, nextTick - now, signal);
      else {
        nextTick = now;
        await yieldToEventLoop();
      }
    } else if (trigger.type === 'continuous' && !hasData)
      await sleep(scheduler, continuousPollMs, signal);
    else await yieldToEventLoop();
  }
  return { batches: batchId - firstBatchId, stoppedBy: 'stopped' };
}
