import type { Row } from '@pipekit/core';
import { type DataType as ArrowType, type Table, Type, tableFromIPC } from 'apache-arrow';

/** Signed 128-bit little-endian words (as apache-arrow hands decimals out) to a bigint. */
function wordsToBigInt(words: ArrayLike<number>): bigint {
  let n = 0n;
  for (let i = words.length - 1; i >= 0; i--) n = (n << 32n) | BigInt((words[i] ?? 0) >>> 0);
  const bits = BigInt(words.length * 32);
  return n >= 1n << (bits - 1n) ? n - (1n << bits) : n;
}

/** An unscaled decimal as a JS number (exact when the decimal has ≤ 15 significant digits). */
export function decimalToNumber(words: ArrayLike<number>, scale: number): number {
  const unscaled = wordsToBigInt(words);
  if (scale === 0) return Number(unscaled);
  const negative = unscaled < 0n;
  const digits = (negative ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return Number(negative ? `-${text}` : text);
}

function int64ToNumber(v: bigint): number | bigint {
  // Keep the exact value when a number would round it.
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v;
}

/** Convert a value read by apache-arrow into the plain JS form pipekit rows use. */
export function fromArrowValue(v: unknown, t: ArrowType): unknown {
  if (v === null || v === undefined) return null;
  switch (t.typeId) {
    case Type.Int:
    case Type.Int64:
    case Type.Uint64:
      return typeof v === 'bigint' ? int64ToNumber(v) : v;
    case Type.Timestamp:
    case Type.Date:
      return new Date(Math.trunc(Number(v)));
    case Type.Decimal:
      return decimalToNumber(v as ArrayLike<number>, (t as unknown as { scale: number }).scale);
    case Type.Struct: {
      const out: Row = {};
      const row = v as Record<string, unknown>;
      for (const child of t.children) out[child.name] = fromArrowValue(row[child.name], child.type);
      return out;
    }
    case Type.List:
    case Type.FixedSizeList: {
      const elementType = t.children[0]?.type;
      return [...(v as Iterable<unknown>)].map((e) =>
        elementType ? fromArrowValue(e, elementType) : e,
      );
    }
    case Type.Map: {
      const entry = t.children[0]?.type;
      const [kt, vt] = [entry?.children[0]?.type, entry?.children[1]?.type];
      const out = new Map<unknown, unknown>();
      for (const [k, x] of v as Iterable<[unknown, unknown]>) {
        out.set(kt ? fromArrowValue(k, kt) : k, vt ? fromArrowValue(x, vt) : x);
      }
      return out;
    }
    case Type.Dictionary:
      return fromArrowValue(v, (t as unknown as { dictionary: ArrowType }).dictionary);
    default:
      return v;
  }
}

/** Rows of an apache-arrow table: int64 → number (bigint beyond 2^53), timestamp/date → Date,
 * decimal → number, struct → object, list → array, map → Map. */
export function arrowTableToRows(table: Table): Row[] {
  const fields = table.schema.fields;
  const rows: Row[] = [];
  for (const batch of table.batches) {
    const columns = fields.map((_, i) => batch.getChildAt(i));
    for (let r = 0; r < batch.numRows; r++) {
      const row: Row = {};
      fields.forEach((f, i) => {
        row[f.name] = fromArrowValue(columns[i]?.get(r), f.type);
      });
      rows.push(row);
    }
  }
  return rows;
}

/**
 * Decode Arrow IPC stream bytes (as the native reader returns them) into rows.
 *
 * @example
 * const rows = decodeRows(await nativeRead('/data/events'));
 */
export function decodeRows(ipc: Uint8Array): Row[] {
  return arrowTableToRows(tableFromIPC(ipc));
}
