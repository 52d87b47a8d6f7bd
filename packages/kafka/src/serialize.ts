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

/** 0: plain values (JSON.stringify as is); 1: Dates too; 2: anything else (bytes, BigInts, nesting). */
function kindOf(row: Row): 0 | 1 | 2 {
  let kind: 0 | 1 = 0;
  for (const k in row) {
    const v = row[k];
    if (typeof v === 'bigint') return 2;
    if (typeof v === 'object' && v !== null) {
      if (!(v instanceof Date)) return 2;
      kind = 1;
    }
  }
  return kind;
}

const pad2 = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const pad3 = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** Day 253402300800000 ms is year 10000, where `toISOString` changes form. */
const lastIsoMs = 253_402_300_800_000;
let lastDay = Number.NaN;
let lastDayText = '';

/**
 * `d.toISOString()` of a valid Date, 3–4× faster: the date part is the built-in's, kept while
 * consecutive times fall on the same day (as event times do), the time of day is formatted here.
 */
export function isoText(d: Date): string {
  const t = d.getTime();
  if (!(t >= 0 && t < lastIsoMs)) return d.toISOString();
  const day = Math.floor(t / 86_400_000);
  if (day !== lastDay) {
    lastDayText = d.toISOString().slice(0, 11);
    lastDay = day;
  }
  let r = t - day * 86_400_000;
  const h = Math.floor(r / 3_600_000);
  r -= h * 3_600_000;
  const m = Math.floor(r / 60_000);
  r -= m * 60_000;
  const sec = Math.floor(r / 1000);
  return `${lastDayText}${pad2[h]}:${pad2[m]}:${pad2[sec]}.${pad3[r - sec * 1000]}Z`;
}

/** JSON of a flat value (text, number, boolean, null, Date); undefined for anything else. */
function flatValueJson(v: unknown): string | undefined {
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? 'null' : `"${isoText(v)}"`;
      return undefined;
    default:
      return undefined;
  }
}

const quotedKeys = new Map<string, string>();

/**
 * JSON of a flat row with Dates: JSON.stringify leaves its fast path for every `toJSON` call
 * (2–3× slower on such rows), so the row is written field by field instead; same text.
 */
function flatJson(row: Row): string {
  let s = '{';
  for (const k in row) {
    const v = row[k];
    if (v === undefined || typeof v === 'function' || typeof v === 'symbol') continue;
    let key = quotedKeys.get(k);
    if (key === undefined) {
      key = JSON.stringify(k);
      if (quotedKeys.size < 10_000) quotedKeys.set(k, key);
    }
    const x = flatValueJson(v) ?? JSON.stringify(v);
    s += s.length === 1 ? `${key}:${x}` : `,${key}:${x}`;
  }
  return `${s}}`;
}

/** A value as JSON text: Dates ISO, bytes base64, BigInts as text. */
export function toJson(v: unknown): string {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return JSON.stringify(v, replacer);
  switch (kindOf(v as Row)) {
    case 0:
      return JSON.stringify(v);
    case 1:
      return flatJson(v as Row);
    default:
      return JSON.stringify(v, replacer);
  }
}

/**
 * `toJson` of rows whose columns are `names`, compiled once per schema: a row with exactly these
 * keys, in this order, and flat values (text, numbers, booleans, nulls, Dates) is written as one
 * concatenation with the keys as constants; any other row goes to `toJson`. Same text either way.
 */
export function rowJson(names: readonly string[]): (row: Row) => string {
  if (names.length === 0 || names.length > 200) return toJson;
  const values = names.map((n, i) => `const v${i} = value(r[${JSON.stringify(n)}]);`);
  const defined = names.map((_, i) => `v${i} === undefined`).join(' || ');
  const text = names
    .map((n, i) => `${JSON.stringify(`${i === 0 ? '{' : ','}${JSON.stringify(n)}:`)} + v${i}`)
    .join(' + ');
  const body = [
    'let i = 0;',
    'for (const k in r) if (k !== names[i++]) return slow(r);',
    `if (i !== ${names.length}) return slow(r);`,
    ...values,
    `if (${defined}) return slow(r);`,
    `return ${text} + '}';`,
  ].join('\n');
  return new Function(
    'names',
    'value',
    'slow',
    `return (r) => {\n${body}\n};\n//# sourceURL=pipekit-kafka-json.js`,
  )(names, flatValueJson, toJson) as (row: Row) => string;
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
  const json = schema ? rowJson(schema.fields.map((f) => f.name)) : toJson;
  return (row) => {
    let value: string;
    if (valueColumns) {
      const o: Row = {};
      for (const c of valueColumns) o[c] = row[c] ?? null;
      value = toJson(o);
    } else value = json(row);
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
  let n = 70 + lengthOf(m.key) + lengthOf(m.value);
  if (m.headers)
    for (const [k, v] of Object.entries(m.headers))
      n += k.length + (typeof v === 'string' ? v.length : 16);
  return n;
}

function lengthOf(v: unknown): number {
  return typeof v === 'string' || v instanceof Buffer ? v.length : 0;
}
