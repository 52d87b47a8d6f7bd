/**
 * Checking and converting single JS values into what an Arrow column stores, shared by the
 * typed-array column encoders (`arrow-columns.ts`) and the nested-type path (`arrow-encode.ts`).
 * A value that does not fit throws {@link EncodeError}; `encodeRows` turns it into a
 * `SCHEMA_MISMATCH` naming the table, row and column.
 */

/** A value that does not fit its column; the message starts with the row and column. */
export class EncodeError extends Error {}

export const fail = (where: string, message: string): never => {
  throw new EncodeError(`${where}: ${message}`);
};

/** Epoch milliseconds of a Date, ISO string or epoch-ms number (rounded to whole ms). */
export function toMillis(v: unknown, where: string): number {
  const ms =
    v instanceof Date
      ? v.getTime()
      : typeof v === 'string'
        ? Date.parse(v)
        : typeof v === 'number'
          ? v
          : NaN;
  if (!Number.isFinite(ms))
    fail(where, `expected a Date, ISO string or epoch ms, got ${String(v)}`);
  return Math.round(ms);
}

/** Epoch ms of the UTC day of a value ('YYYY-MM-DD' parses as UTC midnight). */
export function toDayMillis(v: unknown, where: string): number {
  const ms = toMillis(v, where);
  return Math.floor(ms / 86_400_000) * 86_400_000;
}

export function toInteger(v: unknown, where: string, bits: 8 | 16 | 32): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    fail(where, `expected an integer, got ${String(v)}`);
  const n = v as number;
  const limit = 2 ** (bits - 1);
  if (n < -limit || n >= limit) fail(where, `${n} does not fit in ${bits} bits`);
  return n;
}

const int64Min = -(2n ** 63n);
const int64Max = 2n ** 63n - 1n;

export function toBigInt(v: unknown, where: string): bigint {
  if (typeof v === 'bigint') {
    if (v < int64Min || v > int64Max) fail(where, `${v} does not fit in 64 bits`);
    return v;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  return fail(where, `expected a safe integer or bigint, got ${String(v)}`);
}

/** Scaled two's-complement 128-bit little-endian words of a decimal value. */
export function decimalWords(
  v: unknown,
  precision: number,
  scale: number,
  where: string,
): Uint32Array {
  let text: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || Math.abs(v) >= 1e21) fail(where, `cannot store ${v} as decimal`);
    text = v.toFixed(scale);
  } else if (typeof v === 'bigint') {
    text = `${v}${scale > 0 ? `.${'0'.repeat(scale)}` : ''}`;
  } else if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v)) {
    const [int = '0', frac = ''] = v.split('.');
    if (frac.length > scale) fail(where, `${v} has more than ${scale} decimal places`);
    text = `${int}.${frac.padEnd(scale, '0')}`;
  } else {
    return fail(where, `expected a number, bigint or decimal string, got ${String(v)}`);
  }
  const negative = text.startsWith('-');
  const digits = text
    .replace(/^-/, '')
    .replace('.', '')
    .replace(/^0+(?=\d)/, '');
  if (digits.length > precision) fail(where, `${text} exceeds decimal(${precision},${scale})`);
  let unscaled = BigInt(digits) * (negative ? -1n : 1n);
  if (unscaled < 0n) unscaled += 1n << 128n;
  const words = new Uint32Array(4);
  for (let i = 0; i < 4; i++) {
    words[i] = Number((unscaled >> BigInt(32 * i)) & 0xffffffffn);
  }
  return words;
}

/**
 * The unscaled integer of a number stored at `scale` (`pow10` = 10^scale): the value
 * `decimalWords` derives from `toFixed(scale)`, or undefined when plain arithmetic could disagree
 * with it, so the caller takes the exact string path. The product is off the exact decimal by at
 * most half an ulp, so it rounds the same way unless it lies within that of a .5 tie.
 */
export function unscaledDecimal(v: number, pow10: number): number | undefined {
  const scaled = v * pow10;
  const size = Math.abs(scaled);
  if (!(size < 2 ** 51)) return undefined;
  const frac = size - Math.trunc(size);
  if (Math.abs(frac - 0.5) <= size * 2 ** -51 + 2 ** -60) return undefined;
  const r = Math.round(scaled);
  return r === 0 ? 0 : r;
}
