import type { KafkaSinkSpec, Schema } from '@pipekit/core';
import type { Row } from '@pipekit/runtime';
import type { IHeaders, Message } from 'kafkajs';
import { parsePosition } from './offsets.js';

/** Header names on dead-letter records (Kafka Connect names its own `__connect.errors.*`). */
export const deadLetterHeaders = Object.freeze({
  reason: 'pipekit.error.reason',
  node: 'pipekit.error.node',
  position: 'pipekit.source.position',
  topic: 'pipekit.source.topic',
  partition: 'pipekit.source.partition',
  offset: 'pipekit.source.offset',
});

const badRecordFields = ['reason', 'node', 'position', 'record'];

/** Whether a batch holds bad records (core's `badRecordSchema`): the sink is a dead-letter sink. */
export function isBadRecordSchema(schema: Schema | null): boolean {
  return (
    schema !== null &&
    schema.fields.length === badRecordFields.length &&
    schema.fields.every((f, i) => f.name === badRecordFields[i])
  );
}

/** JSON for values and headers: Dates as ISO text (as `toJSON`), bytes as base64, BigInts as text. */
function replacer(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof Uint8Array)
    return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
  return v;
}

/** Whether a row's values need the replacer (a replacer makes JSON.stringify several times slower). */
function plain(row: Row): boolean {
  for (const k in row) {
    const v = row[k];
    if (typeof v === 'bigint') return false;
    if (typeof v === 'object' && v !== null && !(v instanceof Date)) return false;
  }
  return true;
}

export function toJson(v: unknown): string {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && plain(v as Row)
    ? JSON.stringify(v)
    : JSON.stringify(v, replacer);
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'object') return toJson(v);
  return String(v);
}

function keyOf(v: unknown): Buffer | string | null {
  if (v === null || v === undefined) return null;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return text(v);
}

/**
 * Row → Kafka message for `sink.kafka`: the key from the `key` column (the default partitioner
 * hashes it, as Java's does, so one key stays in one partition and in order), headers from the
 * `headers` columns (a map column, such as the source's `headers`, gives one header per entry),
 * the value as JSON of `valueColumns` (all columns when absent).
 *
 * A dead-letter sink (rows of bad records, no key/headers/valueColumns given) writes the original
 * record text as the value and the reason and source position as headers instead.
 */
export function messageEncoder(spec: KafkaSinkSpec, schema: Schema | null): (row: Row) => Message {
  if (isBadRecordSchema(schema) && !spec.key && !spec.headers && !spec.valueColumns)
    return deadLetterMessage;
  const valueColumns = spec.valueColumns;
  const headerColumns = spec.headers ?? [];
  const key = spec.key;
  return (row) => {
    let value: string;
    if (valueColumns) {
      const o: Row = {};
      for (const c of valueColumns) o[c] = row[c] ?? null;
      value = toJson(o);
    } else value = toJson(row);
    const m: Message = { value, key: key === undefined ? null : keyOf(row[key]) };
    if (headerColumns.length > 0) {
      const h: IHeaders = {};
      for (const c of headerColumns) {
        const v = row[c];
        if (v === null || v === undefined) continue;
        if (
          typeof v === 'object' &&
          !(v instanceof Date) &&
          !(v instanceof Uint8Array) &&
          !Array.isArray(v)
        ) {
          for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) h[k] = text(x);
        } else h[c] = v instanceof Uint8Array ? Buffer.from(v) : text(v);
      }
      m.headers = h;
    }
    return m;
  };
}

function deadLetterMessage(row: Row): Message {
  const headers: IHeaders = {
    [deadLetterHeaders.reason]: String(row.reason ?? ''),
    [deadLetterHeaders.node]: String(row.node ?? ''),
  };
  const position = typeof row.position === 'string' ? row.position : null;
  if (position !== null) headers[deadLetterHeaders.position] = position;
  const at = parsePosition(position);
  if (at) {
    headers[deadLetterHeaders.topic] = at.topic;
    headers[deadLetterHeaders.partition] = String(at.partition);
    headers[deadLetterHeaders.offset] = at.offset;
  }
  return { key: null, value: typeof row.record === 'string' ? row.record : null, headers };
}

/** Approximate bytes of a message on the wire, to cut sends below the broker's batch size limit. */
export function sizeOf(m: Message): number {
  let n = 70;
  const add = (v: unknown) => {
    if (typeof v === 'string') n += v.length;
    else if (v instanceof Buffer) n += v.length;
  };
  add(m.key);
  add(m.value);
  if (m.headers)
    for (const [k, v] of Object.entries(m.headers))
      n += k.length + (typeof v === 'string' ? v.length : 16);
  return n;
}
