import type { JsonValue } from '../row.js';

/**
 * Operator state as JSON for checkpoints, and back. Plain JSON values stay as they are; what JSON
 * cannot hold is tagged: a Date as `{ $date: epoch ms }`, a Set as `{ $set: [...] }`, `undefined`
 * (an aggregate that has seen no row) as `{ $undef: 1 }`, a BigInt as `{ $big: '123' }`, a
 * non-finite number as `{ $num: 'NaN' }`, any other object as `{ $obj: {...} }`.
 */
export function encodeValue(v: unknown): JsonValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : { $num: String(v) };
  if (v === undefined) return { $undef: 1 };
  if (typeof v === 'bigint') return { $big: v.toString() };
  if (v instanceof Date) return { $date: v.getTime() };
  if (v instanceof Set) return { $set: [...v].map(encodeValue) };
  if (Array.isArray(v)) return v.map(encodeValue);
  if (typeof v === 'object') {
    const o: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) o[k] = encodeValue(x);
    return { $obj: o };
  }
  return String(v);
}

/** The inverse of `encodeValue`. */
export function decodeValue(j: JsonValue): unknown {
  if (j === null || typeof j !== 'object') return j;
  if (Array.isArray(j)) return j.map(decodeValue);
  const o = j as Readonly<Record<string, JsonValue>>;
  if ('$date' in o) return new Date(o.$date as number);
  if ('$set' in o) return new Set((o.$set as JsonValue[]).map(decodeValue));
  if ('$undef' in o) return undefined;
  if ('$big' in o) return BigInt(o.$big as string);
  if ('$num' in o) return Number(o.$num);
  if ('$obj' in o) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(o.$obj as Record<string, JsonValue>))
      out[k] = decodeValue(x);
    return out;
  }
  return o;
}

/** A snapshot's fields, or a clear error when it is not one of this operator's. */
export function snapshotObject(
  snapshot: JsonValue,
  stateId: string,
): Readonly<Record<string, JsonValue>> {
  if (snapshot === null || typeof snapshot !== 'object' || Array.isArray(snapshot))
    throw new Error(`state snapshot of '${stateId}' is not an object`);
  return snapshot as Readonly<Record<string, JsonValue>>;
}
