import type { KafkaMessage } from 'kafkajs';

/** At most this many records are kept, over all partitions. */
const limit = 250_000;

interface Ahead {
  /** The messages cover offsets `[start, end)` (gaps are markers or compacted records). */
  readonly start: number;
  readonly end: number;
  readonly messages: readonly KafkaMessage[];
}

/** The index of the first message at or after `offset` (messages are in offset order). */
function indexOf(messages: readonly KafkaMessage[], offset: number, from = 0): number {
  let i = from;
  while (i < messages.length && Number(messages[i]!.offset) < offset) i++;
  return i;
}

/**
 * Records a fetch brought beyond the range being read. kafkajs fetches up to
 * `maxBytesPerPartition` per partition whatever the range's end, and has decoded it all; keeping
 * the rest for the next read (which usually starts exactly there) halves the records fetched and
 * decoded. Bounded: one fetch per partition and `limit` records in all; records at an offset never
 * change, so a kept record is as good as a fetched one.
 */
export class ReadAhead {
  private readonly byPartition = new Map<string, Ahead>();
  private count = 0;

  keep(
    topic: string,
    partition: number,
    start: number,
    end: number,
    messages: readonly KafkaMessage[],
  ): void {
    const key = `${topic}\u0000${partition}`;
    this.drop(key);
    if (this.count + messages.length > limit) return;
    this.byPartition.set(key, { start, end, messages });
    this.count += messages.length;
  }

  /**
   * Hands the kept messages in `[next, until)` to `take` (as a slice `[from, to)` of an array) and
   * returns the partition's new next offset; keeps what lies beyond `until`. Kept records that do
   * not continue at `next` are dropped.
   */
  take(
    topic: string,
    partition: number,
    next: number,
    until: number,
    take: (messages: readonly KafkaMessage[], from: number, to: number) => void,
  ): number {
    const key = `${topic}\u0000${partition}`;
    const a = this.byPartition.get(key);
    if (!a) return next;
    this.drop(key);
    if (a.start > next || a.end <= next) return next;
    const from = indexOf(a.messages, next);
    const to = indexOf(a.messages, until, from);
    if (to > from) take(a.messages, from, to);
    if (a.end > until) this.keep(topic, partition, until, a.end, a.messages.slice(to));
    return Math.min(until, a.end);
  }

  private drop(key: string): void {
    const a = this.byPartition.get(key);
    if (!a) return;
    this.byPartition.delete(key);
    this.count -= a.messages.length;
  }
}
