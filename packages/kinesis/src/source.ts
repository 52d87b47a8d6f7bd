import {
  type _Record,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type KinesisClient,
  type Shard,
} from '@aws-sdk/client-kinesis';
import type { KinesisSourceSpec } from '@pipekit/core';
import {
  type BadRecord,
  type Offset,
  type ReadLimits,
  type ReadResult,
  type Row,
  rowCoercer,
  type SourceContext,
  type SourceReader,
} from '@pipekit/runtime';
import { listShards, seqCompare } from './client.js';
import {
  asShardPositions,
  type ShardPosition,
  type ShardPositions,
  samePosition,
  toOffset,
} from './shard-positions.js';

/** GetRecords calls one replay of a shard range may take before it gives up. */
const maxReplayCalls = 10_000;
/** Empty GetRecords pages a plan follows on a shard that is behind (gaps in a shard's records). */
const maxEmptyPages = 5;

interface Planned {
  readonly from: ShardPosition;
  readonly to: ShardPosition;
  readonly records: readonly _Record[];
}

/**
 * `source.kinesis` on the micro-batch model. The offset is every shard's position (the last
 * sequence number consumed); `planBatch` reads one page of records per readable shard (kept for
 * `readBatch`, so a batch costs one GetRecords per shard) and ends each shard's range at its last
 * record. A replay after a crash, which has no such page, reads the same range again from the
 * shard: after the start's sequence number, up to and including the end's.
 *
 * Resharding: a new shard is read from TRIM_HORIZON once every parent it has is read to its end
 * (or has left the stream), so records of one partition key come in order across a split or merge.
 */
export class KinesisReader implements SourceReader {
  private planned = new Map<string, Planned>();
  /**
   * Each shard's iterator where the last page ended, with the position it stands for: the next
   * page follows it (GetShardIterator is limited to 5 calls a second a shard, and a LATEST start
   * has no position to ask for until its first record). A position that differs (a replay, a
   * restart) or an expired iterator gets a new one from the position.
   */
  private readonly live = new Map<string, { at: ShardPosition; iterator: string }>();
  /** Checks the data against the declared columns without the metadata ones (added after). */
  private readonly toRow: SourceContext['toRow'];

  constructor(
    private readonly spec: KinesisSourceSpec,
    private readonly ctx: SourceContext,
    private readonly client: KinesisClient,
  ) {
    const meta = new Set<string>(spec.includeColumns ?? []);
    this.toRow =
      meta.size === 0 || ctx.schema === null
        ? ctx.toRow
        : rowCoercer({ fields: ctx.schema.fields.filter((f) => !meta.has(f.name)) }, ctx.nodeId);
  }

  /**
   * Every shard at its starting position. LATEST is "from the moment the query started": the
   * first run reads each open shard through a LATEST iterator taken now (kept, see `live`), and
   * the position records the start time, so a restart before a shard's first record reads it with
   * AT_TIMESTAMP of that time and loses nothing written while the query was down. A closed shard
   * gets no new records: at LATEST it is read to its end already.
   */
  async initialOffset(): Promise<Offset> {
    const p = this.spec.startingPosition;
    const shards = await listShards(this.client, this.spec.streamName);
    if (p !== 'LATEST') {
      const from = p === 'TRIM_HORIZON' ? ('TRIM_HORIZON' as const) : Date.parse(p.atTimestamp);
      return toOffset(Object.fromEntries(shards.map((s) => [s.ShardId!, { from }])));
    }
    // Before the iterators: a restart's AT_TIMESTAMP then covers at least what they do.
    const from = Date.now();
    const positions: Record<string, ShardPosition> = {};
    for (const s of shards) {
      const id = s.ShardId!;
      if (s.SequenceNumberRange?.EndingSequenceNumber !== undefined) {
        positions[id] = { from, ended: true };
        continue;
      }
      positions[id] = { from };
      const r = await this.client.send(
        new GetShardIteratorCommand({
          StreamName: this.spec.streamName,
          ShardId: id,
          ShardIteratorType: 'LATEST',
        }),
      );
      if (r.ShardIterator !== undefined)
        this.live.set(id, { at: positions[id]!, iterator: r.ShardIterator });
    }
    return toOffset(positions);
  }

  async planBatch(start: Offset, _limits: ReadLimits): Promise<Offset | null> {
    const positions = asShardPositions(start);
    const shards = await listShards(this.client, this.spec.streamName);
    const next: Record<string, ShardPosition> = { ...positions };
    // Shards made by a reshard since: all their records are new.
    for (const s of shards) if (!(s.ShardId! in next)) next[s.ShardId!] = { from: 'TRIM_HORIZON' };
    this.planned = new Map();
    let moved = false;
    for (const s of this.readable(shards, next)) {
      const id = s.ShardId!;
      const from = next[id]!;
      const page = await this.page(id, from);
      if (page.records.length > 0) {
        const last = page.records.at(-1)!.SequenceNumber!;
        next[id] = { after: last };
        this.planned.set(id, { from, to: next[id]!, records: page.records });
        moved = true;
      } else if (page.ended) {
        // Read to its end: recorded, so its children may be read from the next batch on.
        next[id] = { ...from, ended: true };
        this.planned.set(id, { from, to: next[id]!, records: [] });
        moved = true;
      }
    }
    return moved ? toOffset(next) : null;
  }

  /** Shards not read to their end whose parents are (a parent no longer listed has expired). */
  private readable(shards: readonly Shard[], at: ShardPositions): Shard[] {
    const listed = new Set(shards.map((s) => s.ShardId!));
    const done = (parent: string | undefined) =>
      parent === undefined || at[parent]?.ended === true || !listed.has(parent);
    return shards
      .filter((s) => at[s.ShardId!]?.ended !== true)
      .filter((s) => done(s.ParentShardId) && done(s.AdjacentParentShardId))
      .sort((a, b) => (a.ShardId! < b.ShardId! ? -1 : 1));
  }

  /** One page of records from a position (following a few empty pages of a shard that is behind). */
  private async page(
    shardId: string,
    from: ShardPosition,
  ): Promise<{ records: _Record[]; ended: boolean }> {
    const kept = this.live.get(shardId);
    this.live.delete(shardId);
    let iterator = kept && samePosition(kept.at, from) ? kept.iterator : undefined;
    iterator ??= await this.iterator(shardId, from);
    let records: _Record[] = [];
    for (let i = 0; i < maxEmptyPages && iterator !== undefined; i++) {
      let r: GetRecordsCommandOutput;
      try {
        r = await this.client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: this.spec.maxRecordsPerShard }),
        );
      } catch (e) {
        // Iterators last five minutes: a kept one may have expired while a batch was written.
        if ((e as { name?: string }).name !== 'ExpiredIteratorException' || i > 0) throw e;
        iterator = await this.iterator(shardId, from);
        continue;
      }
      records = r.Records ?? [];
      iterator = r.NextShardIterator;
      if (records.length > 0 || (r.MillisBehindLatest ?? 0) === 0) break;
    }
    if (iterator !== undefined) {
      const at = records.length > 0 ? { after: records.at(-1)!.SequenceNumber! } : from;
      this.live.set(shardId, { at, iterator });
    }
    return { records, ended: records.length === 0 && iterator === undefined };
  }

  private async iterator(shardId: string, p: ShardPosition): Promise<string | undefined> {
    const r = await this.client.send(
      new GetShardIteratorCommand({
        StreamName: this.spec.streamName,
        ShardId: shardId,
        ...(p.after !== undefined
          ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: p.after }
          : p.from === 'TRIM_HORIZON' || p.from === undefined
            ? { ShardIteratorType: 'TRIM_HORIZON' }
            : { ShardIteratorType: 'AT_TIMESTAMP', Timestamp: new Date(p.from) }),
      }),
    );
    return r.ShardIterator;
  }

  async readBatch(start: Offset, end: Offset): Promise<ReadResult> {
    const from = asShardPositions(start);
    const to = asShardPositions(end);
    const rows: Row[] = [];
    const badRecords: BadRecord[] = [];
    for (const id of Object.keys(to).sort()) {
      const a = from[id] ?? { from: 'TRIM_HORIZON' as const };
      const b = to[id]!;
      if (samePosition(a, b) || b.after === undefined) continue;
      const planned = this.planned.get(id);
      const records =
        planned && samePosition(planned.from, a) && samePosition(planned.to, b)
          ? planned.records
          : await this.replay(id, a, b.after);
      for (const r of records) this.decode(id, r, rows, badRecords);
    }
    this.planned = new Map();
    return { rows, badRecords };
  }

  /** The records of a shard after `from` up to and including sequence number `upTo`. */
  private async replay(shardId: string, from: ShardPosition, upTo: string): Promise<_Record[]> {
    const out: _Record[] = [];
    let iterator = await this.iterator(shardId, from);
    for (let i = 0; i < maxReplayCalls && iterator !== undefined; i++) {
      const r = await this.client.send(
        new GetRecordsCommand({ ShardIterator: iterator, Limit: 10_000 }),
      );
      for (const rec of r.Records ?? []) {
        if (seqCompare(rec.SequenceNumber!, upTo) > 0) return out;
        out.push(rec);
        if (rec.SequenceNumber === upTo) return out;
      }
      iterator = r.NextShardIterator;
      if ((r.Records ?? []).length === 0 && (r.MillisBehindLatest ?? 0) === 0) break;
    }
    throw new Error(
      `Kinesis shard ${shardId} of ${this.spec.streamName}: the checkpoint's range ends at sequence number ${upTo}, which the shard no longer holds (past the retention period?)`,
    );
  }

  private decode(shardId: string, r: _Record, rows: Row[], bad: BadRecord[]): void {
    const position = `${this.spec.streamName}/${shardId}/${r.SequenceNumber}`;
    const data = r.Data ?? new Uint8Array();
    let row: Row;
    if (this.spec.format === 'json') {
      const text = Buffer.from(data).toString('utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        bad.push({
          reason: `not JSON: ${(e as Error).message}`,
          node: this.ctx.nodeId,
          position,
          record: text,
        });
        return;
      }
      const coerced = this.toRow(value, position);
      if (!coerced.ok) {
        bad.push(coerced.bad);
        return;
      }
      row = coerced.row;
    } else
      row = { data: this.spec.format === 'string' ? Buffer.from(data).toString('utf8') : data };
    for (const c of this.spec.includeColumns ?? [])
      row[c] =
        c === 'partitionKey'
          ? r.PartitionKey
          : c === 'sequenceNumber'
            ? r.SequenceNumber
            : c === 'shardId'
              ? shardId
              : r.ApproximateArrivalTimestamp;
    rows.push(row);
  }

  commit(): void {
    // Kinesis keeps records for their retention period; nothing to acknowledge.
  }

  isExhausted(): boolean {
    return false;
  }

  close(): void {
    this.client.destroy();
  }
}
