/** A row as the runtime holds it: a plain object; timestamps are `Date`s, epoch-millis columns numbers. */
export type Row = Record<string, unknown>;

/** A JSON value: what an offset is made of, so checkpoints can store it as it is. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

export type MaybePromise<T> = T | Promise<T>;

/**
 * A record that could not go on, as the `badRecords` side output and dead-letter sinks see it
 * (core's `badRecordSchema`): why, which node, where in the source, and the record as text.
 */
export interface BadRecord {
  readonly reason: string;
  readonly node: string;
  /** Where it came from: `file.jsonl:17`, `batch 3 row 12`; null when unknown. */
  readonly position: string | null;
  /** The record as JSON (or the raw line when it was not JSON); null when unknown. */
  readonly record: string | null;
}

/** The text of a record for a bad-record row; never throws (cycles, BigInts). */
export function recordText(record: unknown): string | null {
  if (record === undefined) return null;
  if (typeof record === 'string') return record;
  try {
    return (
      JSON.stringify(record, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) ?? null
    );
  } catch {
    return String(record);
  }
}
