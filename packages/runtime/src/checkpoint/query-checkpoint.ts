import { PipekitError } from '@pipekit/core';
import type { Offset } from '../connector.js';
import type { Epoch } from '../graph/batch.js';
import type { Stateful } from '../state/stateful.js';
import type { AtomicWriteSteps } from './atomic-write.js';
import { CommitLog } from './commit-log.js';
import { damagedCheckpointFile } from './errors.js';
import { checkpointLayout, checkpointVersion, defaultBatchesToRetain } from './layout.js';
import { type CheckpointMetadata, openMetadata } from './metadata.js';
import { type OffsetEntry, OffsetLog } from './offset-log.js';
import { StartingOffsets } from './starting-offsets.js';
import { StateStore } from './state-store.js';

/** Where a query resumes, worked out from its checkpoint before its first batch. */
export interface Recovery {
  /** The id of the next new batch. */
  readonly nextBatchId: number;
  /** Each source's position to plan from; a source not in it starts at its `initialOffset()`. */
  readonly positions: ReadonlyMap<string, Offset>;
  /** A batch planned but not committed before the stop or crash: run exactly it again first. */
  readonly replay: Epoch | null;
  /** The last committed batch was the final one: the query has nothing left to do. */
  readonly completed: boolean;
}

/** What the micro-batch loop tells a checkpoint, and asks it. */
export interface LoopCheckpoint {
  /** Reads the logs, restores operator state; called once, before the first batch. */
  recover(): Promise<Recovery>;
  /**
   * Records where sources start that the checkpoint had no position for (their
   * `initialOffset()`), before the first batch: a restart starts them there again.
   */
  started(offsets: ReadonlyMap<string, Offset>): Promise<void>;
  /** Records a batch's planned ranges; resolves before the batch may run. */
  planned(epoch: Epoch, starts: ReadonlyMap<string, Offset>): Promise<void>;
  /** Every sink has the batch: snapshots state, records the commit, drops old batches. */
  committed(epoch: Epoch): Promise<void>;
}

export interface QueryCheckpointOptions {
  readonly dir: string;
  readonly queryId: string;
  readonly pipeline: string;
  readonly sources: readonly string[];
  readonly sinks: readonly string[];
  /** The query's stateful operators; asked when state is restored or snapshot (after the graph is built). */
  readonly stateful: () => readonly Stateful[];
  /**
   * Nodes that hold rows across batches but whose state is not checkpointed (an aggregate or
   * dedupe over bounded input, a hash join): the query cannot resume in the middle.
   */
  readonly unsavedState?: readonly string[];
  /** The query's event-time watermark now (epoch ms; 0 without one), recorded with a planned batch. */
  readonly watermark: () => number;
  /** Clock for the metadata's creation time. */
  readonly now: number;
  /** How many batches the logs keep (Spark's `minBatchesToRetain`); 100 when absent. */
  readonly retain?: number;
  /** File-system steps, for tests of failures half-way. */
  readonly steps?: AtomicWriteSteps;
}

/**
 * A query's checkpoint directory, Spark's `checkpointLocation` (see `checkpointLayout`). The loop
 * writes `offsets/<n>` before batch n runs and `commits/<n>` after every sink has it; a restart
 * resumes after the last commit and replays a batch that was planned but not committed, with the
 * same ranges, so with sinks idempotent per (query id, batch id) every input row is written once.
 */
export class QueryCheckpoint implements LoopCheckpoint {
  private constructor(
    private readonly o: QueryCheckpointOptions,
    readonly metadata: CheckpointMetadata,
    private readonly offsets: OffsetLog,
    private readonly commits: CommitLog,
    private readonly state: StateStore,
    private readonly starts: StartingOffsets,
  ) {}

  static async open(o: QueryCheckpointOptions): Promise<QueryCheckpoint> {
    const layout = checkpointLayout(o.dir);
    const metadata = await openMetadata(layout, o, o.now, o.steps);
    const offsets = new OffsetLog(layout.offsetsDir, o.steps);
    const commits = new CommitLog(layout.commitsDir, o.steps);
    await offsets.open();
    await commits.open();
    return new QueryCheckpoint(
      o,
      metadata,
      offsets,
      commits,
      new StateStore(layout, o.steps),
      new StartingOffsets(layout, o.steps),
    );
  }

  async recover(): Promise<Recovery> {
    // Every retained file is read through its schema first: a damaged one is reported, not skipped.
    const planned = await this.offsets.batchIds();
    const committed = await this.commits.batchIds();
    for (const id of planned) await this.entry(id);
    for (const id of committed) await this.commits.get(id);
    const lastPlanned = planned.at(-1) ?? null;
    const lastCommitted = committed.at(-1) ?? null;
    if (lastPlanned === null) {
      if (lastCommitted !== null)
        throw damagedCheckpointFile(this.commits.pathOf(lastCommitted), [
          { path: [], message: `batch ${lastCommitted} is committed but its offsets are missing` },
        ]);
      // No batch yet: sources start where they started when the query first ran.
      const positions = await this.starts.read(this.o.sources);
      return { nextBatchId: 0, positions, replay: null, completed: false };
    }
    if (lastCommitted !== null && lastCommitted > lastPlanned)
      throw damagedCheckpointFile(this.commits.pathOf(lastCommitted), [
        { path: [], message: `batch ${lastCommitted} is committed but its offsets are missing` },
      ]);
    const entry = await this.entry(lastPlanned);
    if (lastCommitted !== null) await this.state.restore(lastCommitted, this.o.stateful());
    if (lastCommitted !== null && !(lastCommitted === lastPlanned && entry.final))
      this.refuseUnsavedState(lastCommitted);
    if (lastCommitted === lastPlanned) {
      const positions = new Map<string, Offset>();
      for (const [id, r] of Object.entries(entry.sources)) positions.set(id, r.end ?? r.start);
      return { nextBatchId: lastPlanned + 1, positions, replay: null, completed: entry.final };
    }
    // Planned, not committed: the batch before it must be the last committed one.
    if (lastPlanned !== (lastCommitted ?? -1) + 1)
      throw damagedCheckpointFile(this.offsets.pathOf(lastPlanned), [
        {
          path: [],
          message: `batch ${lastPlanned} was planned, but the last committed batch is ${lastCommitted ?? 'none'}: the batches in between are missing`,
        },
      ]);
    const positions = new Map<string, Offset>();
    const reads = new Map<string, { start: Offset; end: Offset } | null>();
    for (const [id, r] of Object.entries(entry.sources)) {
      positions.set(id, r.start);
      reads.set(id, r.end === undefined ? null : { start: r.start, end: r.end });
    }
    return {
      nextBatchId: lastPlanned,
      positions,
      replay: { batchId: lastPlanned, final: entry.final, time: entry.time, reads },
      completed: false,
    };
  }

  /** Resuming in the middle would lose rows held by nodes whose state is not checkpointed. */
  private refuseUnsavedState(lastCommitted: number): void {
    const unsaved = this.o.unsavedState ?? [];
    if (unsaved.length === 0) return;
    throw new PipekitError(
      `query '${this.o.queryId}' cannot resume from its checkpoint after batch ${lastCommitted}`,
      unsaved.map((id) => ({
        path: [id],
        message:
          'this node holds rows across batches (a step over bounded input, or a join) and its state is not checkpointed, so the results would miss the rows read before the stop',
        fix: `delete the checkpoint directory ${this.o.dir} to run the query from the beginning, or let it run to its end`,
      })),
      this.o.dir,
    );
  }

  /** The offsets entry of a batch, which must exist and name exactly this query's sources. */
  private async entry(batchId: number): Promise<OffsetEntry> {
    const path = this.offsets.pathOf(batchId);
    const entry = await this.offsets.get(batchId);
    if (entry === null)
      throw damagedCheckpointFile(path, [{ path: [], message: 'the file vanished' }]);
    const have = Object.keys(entry.sources).sort().join(', ');
    const want = [...this.o.sources].sort().join(', ');
    if (have !== want)
      throw damagedCheckpointFile(path, [
        {
          path: ['sources'],
          message: `has offsets for ${have || 'no source'}, the query reads ${want}`,
        },
      ]);
    return entry;
  }

  started(offsets: ReadonlyMap<string, Offset>): Promise<void> {
    return this.starts.write(offsets);
  }

  async planned(epoch: Epoch, starts: ReadonlyMap<string, Offset>): Promise<void> {
    const sources: Record<string, { start: Offset; end?: Offset }> = {};
    for (const id of this.o.sources) {
      const range = epoch.reads.get(id);
      const start = range?.start ?? starts.get(id);
      if (start === undefined) throw new Error(`no start offset for source ${id}`);
      sources[id] = range ? { start, end: range.end } : { start };
    }
    await this.offsets.add({
      version: checkpointVersion,
      batchId: epoch.batchId,
      time: epoch.time,
      final: epoch.final,
      sources,
      watermark: this.o.watermark(),
    });
  }

  async committed(epoch: Epoch): Promise<void> {
    // State first: a crash before the commit replays the batch from the previous snapshot, and
    // this batch's snapshot is written again.
    await this.state.write(epoch.batchId, this.o.stateful());
    await this.commits.add({
      version: checkpointVersion,
      batchId: epoch.batchId,
      sinks: [...this.o.sinks],
    });
    const keepFrom = epoch.batchId - (this.o.retain ?? defaultBatchesToRetain) + 1;
    if (keepFrom > 0) {
      // Oldest first in the order a restart reads them: never a commit without its offsets.
      await this.commits.purgeBefore(keepFrom);
      await this.offsets.purgeBefore(keepFrom);
      await this.state.purgeBefore(keepFrom);
    }
  }
}
