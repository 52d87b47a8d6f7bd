import { PipekitError } from '@pipekit/core';
import type { Offset } from '@pipekit/runtime';

/**
 * A Kafka source's position, as Spark's Kafka source stores it: `{ topic: { partition: next } }`,
 * where `next` is the offset of the next record to read. Plain JSON, so checkpoints keep it as is.
 */
export type PartitionOffsets = Readonly<Record<string, Readonly<Record<string, number>>>>;

/** One partition's range `[from, until)` of a batch. */
export interface PartitionRange {
  readonly topic: string;
  readonly partition: number;
  readonly from: number;
  readonly until: number;
}

/** Reads an offset the runtime hands back; throws when it is not the shape this source wrote. */
export function asPartitionOffsets(o: Offset): PartitionOffsets {
  if (typeof o !== 'object' || o === null || Array.isArray(o))
    throw new PipekitError(
      `a Kafka offset must be {topic: {partition: offset}}, got ${JSON.stringify(o)}`,
    );
  for (const [topic, parts] of Object.entries(o)) {
    if (typeof parts !== 'object' || parts === null || Array.isArray(parts))
      throw new PipekitError(`Kafka offset for topic '${topic}' must be {partition: offset}`);
    for (const [p, v] of Object.entries(parts))
      if (!Number.isSafeInteger(v) || !/^\d+$/.test(p))
        throw new PipekitError(
          `Kafka offset ${topic}/${p} must be an integer, got ${JSON.stringify(v)}`,
        );
  }
  return o as PartitionOffsets;
}

/** The partitions of `end` that have records after `start`, sorted by topic then partition. */
export function rangesOf(start: PartitionOffsets, end: PartitionOffsets): PartitionRange[] {
  const out: PartitionRange[] = [];
  for (const topic of Object.keys(end).sort()) {
    const parts = end[topic]!;
    for (const p of Object.keys(parts).sort((a, b) => Number(a) - Number(b))) {
      const until = parts[p]!;
      const from = start[topic]?.[p];
      // A partition new in `end` starts where the plan found it; its start is stored in `end`'s plan.
      if (from === undefined)
        throw new PipekitError(`Kafka batch end names ${topic}/${p}, which its start lacks`);
      if (until > from) out.push({ topic, partition: Number(p), from, until });
    }
  }
  return out;
}

/** Total records (an upper bound: compaction and transaction markers leave gaps) in a range. */
export function rangeSize(ranges: readonly PartitionRange[]): number {
  let n = 0;
  for (const r of ranges) n += r.until - r.from;
  return n;
}

/**
 * Caps `latest` so that at most `limit` offsets are taken after `start`, spread over partitions in
 * proportion to their backlog (Spark's `maxOffsetsPerTrigger`), largest remainders first so the
 * total is exactly `min(limit, backlog)` and every partition with a backlog moves when it can.
 */
export function rateLimit(
  start: PartitionOffsets,
  latest: PartitionOffsets,
  limit: number,
): PartitionOffsets {
  const sizes: { topic: string; p: string; from: number; size: number }[] = [];
  let total = 0;
  for (const [topic, parts] of Object.entries(latest))
    for (const [p, until] of Object.entries(parts)) {
      const from = start[topic]?.[p] ?? until;
      if (until > from) {
        sizes.push({ topic, p, from, size: until - from });
        total += until - from;
      }
    }
  if (total <= limit) return latest;
  const shares = sizes.map((s) => {
    const exact = (limit * s.size) / total;
    return { ...s, take: Math.floor(exact), rest: exact - Math.floor(exact) };
  });
  let left = limit - shares.reduce((n, s) => n + s.take, 0);
  for (const s of [...shares].sort(
    (a, b) => b.rest - a.rest || a.topic.localeCompare(b.topic) || Number(a.p) - Number(b.p),
  )) {
    if (left <= 0) break;
    if (s.take < s.size) {
      s.take++;
      left--;
    }
  }
  const out: Record<string, Record<string, number>> = {};
  for (const [topic, parts] of Object.entries(latest)) out[topic] = { ...parts };
  for (const s of shares) out[s.topic]![s.p] = s.from + s.take;
  return out;
}

/** Per partition, the smaller of two positions (partitions only in `a` keep theirs). */
export function minOffsets(a: PartitionOffsets, b: PartitionOffsets): PartitionOffsets {
  const out: Record<string, Record<string, number>> = {};
  for (const [topic, parts] of Object.entries(a)) {
    out[topic] = {};
    for (const [p, v] of Object.entries(parts)) {
      const w = b[topic]?.[p];
      out[topic][p] = w === undefined ? v : Math.min(v, w);
    }
  }
  return out;
}

/** Whether every partition of `bound` is reached by `at`. */
export function reached(at: PartitionOffsets, bound: PartitionOffsets): boolean {
  for (const [topic, parts] of Object.entries(bound))
    for (const [p, v] of Object.entries(parts)) if ((at[topic]?.[p] ?? -1) < v) return false;
  return true;
}

/** Whether two positions are the same. */
export function sameOffsets(a: PartitionOffsets, b: PartitionOffsets): boolean {
  return reached(a, b) && reached(b, a);
}

/** `topic/partition@offset`: a record's position in bad records, logs and dead-letter headers. */
export function positionOf(topic: string, partition: number, offset: string | number): string {
  return `${topic}/${partition}@${offset}`;
}

/** The inverse of `positionOf`; null for other positions (topic names cannot hold `/` or `@`). */
export function parsePosition(
  position: string | null,
): { topic: string; partition: number; offset: string } | null {
  const m = position === null ? null : /^([A-Za-z0-9._-]+)\/(\d+)@(\d+)$/.exec(position);
  return m ? { topic: m[1]!, partition: Number(m[2]), offset: m[3]! } : null;
}
