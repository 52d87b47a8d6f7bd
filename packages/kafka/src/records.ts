import type { KafkaSourceSpec } from '@pipekit/core';
import type { BadRecord, Row, SourceContext } from '@pipekit/runtime';
import type { IHeaders, KafkaMessage } from 'kafkajs';
import { positionOf } from './offsets.js';

type Include = NonNullable<KafkaSourceSpec['includeColumns']>[number];

function headerText(v: IHeaders[string]): string | null {
  if (v === undefined) return null;
  const one = Array.isArray(v) ? v[v.length - 1] : v;
  return one === undefined ? null : typeof one === 'string' ? one : one.toString('utf8');
}

/** Headers as Spark's map<string,string> column (the last value of a repeated header wins). */
export function headersOf(h: IHeaders | undefined): Record<string, string | null> | null {
  if (!h) return null;
  const out: Record<string, string | null> = {};
  for (const k of Object.keys(h)) out[k] = headerText(h[k]);
  return out;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Turns fetched records into rows of the source's schema: the value by `format` (JSON is parsed
 * and checked), plus the `includeColumns` metadata and the record timestamp as `timestampColumn`.
 * A record that does not fit becomes a bad record whose `record` is the original value text and
 * whose position is `topic/partition@offset`, so a dead-letter topic can keep both.
 */
export function recordDecoder(spec: KafkaSourceSpec, ctx: SourceContext) {
  const include = new Set<Include>(spec.includeColumns ?? []);
  const tsColumn = spec.timestampColumn;
  const format = spec.format;
  const bad = (reason: string, topic: string, partition: number, m: KafkaMessage): BadRecord => ({
    reason,
    node: ctx.nodeId,
    position: positionOf(topic, partition, m.offset),
    record: m.value === null ? null : m.value.toString('utf8'),
  });

  /** Decodes `messages[from, to)` of one partition, appending to `rows` and `badRecords`. */
  return (
    topic: string,
    partition: number,
    messages: readonly KafkaMessage[],
    from: number,
    to: number,
    rows: Row[],
    badRecords: BadRecord[],
  ): void => {
    for (let i = from; i < to; i++) {
      const m = messages[i]!;
      let obj: Record<string, unknown>;
      if (format === 'json') {
        if (m.value === null) {
          badRecords.push(
            bad('null value (tombstone) where a JSON object was expected', topic, partition, m),
          );
          continue;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(m.value.toString('utf8'));
        } catch (e) {
          badRecords.push(
            bad(`invalid JSON: ${e instanceof Error ? e.message : String(e)}`, topic, partition, m),
          );
          continue;
        }
        if (!isPlainObject(parsed)) {
          badRecords.push(
            bad(
              `expected a JSON object, got ${Array.isArray(parsed) ? 'an array' : typeof parsed}`,
              topic,
              partition,
              m,
            ),
          );
          continue;
        }
        obj = parsed;
      } else if (format === 'string')
        obj = { value: m.value === null ? null : m.value.toString('utf8') };
      else obj = { value: m.value === null ? null : new Uint8Array(m.value) };

      if (include.size > 0) {
        if (include.has('key'))
          obj.key = m.key === null || m.key === undefined ? null : m.key.toString('utf8');
        if (include.has('headers')) obj.headers = headersOf(m.headers);
        if (include.has('topic')) obj.topic = topic;
        if (include.has('partition')) obj.partition = partition;
        if (include.has('offset')) obj.offset = Number(m.offset);
        if (include.has('timestamp')) obj.timestamp = new Date(Number(m.timestamp));
      }
      if (tsColumn !== undefined) obj[tsColumn] = new Date(Number(m.timestamp));

      // The position only matters for a bad record, which is rebuilt below with the original bytes.
      const res = ctx.toRow(obj, '');
      if (res.ok) rows.push(res.row);
      else badRecords.push(bad(res.bad.reason, topic, partition, m));
    }
  };
}
