import { type DataType, isNumericType } from '../schema/data-type.js';

/** A static type: a data type, the type of a bare NULL, or unknown (no schema, unknown column). */
export type ExprTypeName = DataType | 'null' | 'unknown';

export interface ExprType {
  readonly type: ExprTypeName;
  readonly nullable: boolean;
}

const decimalPattern = /^decimal\((\d+),(\d+)\)$/;

export function isNumeric(t: ExprTypeName): boolean {
  return t !== 'null' && t !== 'unknown' && isNumericType(t);
}

export function isTime(t: ExprTypeName): boolean {
  return t === 'timestamp' || t === 'date';
}

/** `[precision, scale]` of a decimal type, or of an integral type seen as a decimal (Spark's rule). */
function asDecimal(t: string): [number, number] | null {
  const m = decimalPattern.exec(t);
  if (m) return [Number(m[1]), Number(m[2])];
  const integral: Readonly<Record<string, number>> = { byte: 3, short: 5, integer: 10, long: 20 };
  const p = integral[t];
  return p === undefined ? null : [p, 0];
}

const numericRank: Readonly<Record<string, number>> = {
  byte: 1,
  short: 2,
  integer: 3,
  long: 4,
  float: 6,
  double: 7,
};

/**
 * The type two numeric types widen to, as Spark's implicit casts do: the larger integral type,
 * a decimal wide enough for both, or double as soon as a float or double takes part.
 */
export function widerNumeric(a: DataType, b: DataType): DataType {
  if (a === b) return a;
  const ra = numericRank[a as string] ?? 5;
  const rb = numericRank[b as string] ?? 5;
  if (ra === 5 || rb === 5) {
    const da = asDecimal(a as string);
    const db = asDecimal(b as string);
    if (da === null || db === null) return 'double';
    const scale = Math.max(da[1], db[1]);
    const precision = Math.min(38, Math.max(da[0] - da[1], db[0] - db[1]) + scale);
    return `decimal(${precision},${scale})`;
  }
  return ra >= rb ? a : b;
}

/** The type of a value that is either `a` or `b` (CASE branches, coalesce, greatest). */
export function commonType(a: ExprTypeName, b: ExprTypeName): ExprTypeName {
  if (a === 'unknown' || b === 'unknown') return 'unknown';
  if (a === 'null') return b;
  if (b === 'null') return a;
  if (typeof a === 'string' && a === b) return a;
  if (isNumeric(a) && isNumeric(b)) return widerNumeric(a, b);
  if (isTime(a) && isTime(b)) return 'timestamp';
  // Spark settles a string against an atomic type on string.
  if (a === 'string' || b === 'string') return 'string';
  return 'unknown';
}

/** Spark's human name for a type in messages. */
export function typeLabel(t: ExprTypeName): string {
  if (typeof t === 'string') return t;
  return t.type;
}
