/**
 * Number conversions that follow Spark (and so Java) rather than JavaScript: HALF_UP rounding,
 * `Double.toString`, and the strict string-to-number parsing of CAST.
 */

/**
 * Rounds half away from zero at `scale` decimal places (negative: tens, hundreds, ...).
 * Like Spark, it rounds the shortest decimal text of the double, not its binary value, so
 * `round(2.675, 2)` is `2.68` although 2.675 is stored as 2.67499999....
 */
export function roundHalfUp(x: number, scale: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const [mantissa = '', exponent = '0'] = x.toExponential().split('e');
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace('-', '').replace('.', '');
  // digits[i] has place value 10^(exp - i); keep those at or above 10^-scale.
  const keep = Number(exponent) + scale + 1;
  if (keep < 0) return 0;
  if (keep >= digits.length) return x;
  const roundUp = (digits[keep] as string) >= '5';
  const kept = BigInt(digits.slice(0, keep) || '0') + (roundUp ? 1n : 0n);
  if (kept === 0n) return 0;
  return Number(`${negative ? '-' : ''}${kept}e${-scale}`);
}

/** Java's `Double.toString`: `1.0`, `0.001`, `1.0E7`, `1.5E-4`, `NaN`, `Infinity`. */
export function javaDoubleToString(d: number): string {
  return javaStyle(d, String(d), d.toExponential());
}

/** Java's `Float.toString` for a float stored in a double: the fewest digits that read back as the float. */
export function javaFloatToString(f: number): string {
  if (!Number.isFinite(f) || f === 0) return javaDoubleToString(f);
  let p = 1;
  while (p < 9 && Math.fround(Number(f.toPrecision(p))) !== f) p++;
  const shortest = Number(f.toPrecision(p));
  return javaStyle(shortest, String(shortest), shortest.toExponential());
}

function javaStyle(d: number, plain: string, exponential: string): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Number.POSITIVE_INFINITY) return 'Infinity';
  if (d === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) return plain.includes('.') ? plain : `${plain}.0`;
  const [m = '', e = ''] = exponential.split('e');
  return `${m.includes('.') ? m : `${m}.0`}E${e.replace('+', '')}`;
}

const doublePattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?[dDfF]?$/;
const specialDoubles: Readonly<Record<string, number>> = {
  nan: Number.NaN,
  infinity: Number.POSITIVE_INFINITY,
  '+infinity': Number.POSITIVE_INFINITY,
  inf: Number.POSITIVE_INFINITY,
  '+inf': Number.POSITIVE_INFINITY,
  '-infinity': Number.NEGATIVE_INFINITY,
  '-inf': Number.NEGATIVE_INFINITY,
};

/** Spark's CAST(string AS DOUBLE): trimmed decimal text, `NaN`, `Infinity`; null otherwise. */
export function parseSparkDouble(text: string): number | null {
  const t = text.trim();
  if (doublePattern.test(t)) return Number(t.replace(/[dDfF]$/, ''));
  // Own entries only: 'constructor' is not a number.
  const lower = t.toLowerCase();
  return Object.hasOwn(specialDoubles, lower) ? (specialDoubles[lower] as number) : null;
}

/** Bit widths of Spark's integral types. */
export const integralBits = { byte: 8, short: 16, integer: 32, long: 64 } as const;
export type IntegralType = keyof typeof integralBits;

const integralPattern = /^[+-]?\d+(?:\.\d*)?$/;

/**
 * Spark's CAST(string AS INT/...): trimmed digits, a fraction is allowed and truncated, out of
 * range or malformed gives null.
 */
export function parseSparkIntegral(text: string, type: IntegralType): number | null {
  const t = text.trim();
  if (!integralPattern.test(t)) return null;
  const whole = BigInt(t.split('.')[0] as string);
  const bits = BigInt(integralBits[type] - 1);
  if (whole < -(1n << bits) || whole >= 1n << bits) return null;
  return Number(whole);
}

/**
 * Spark's CAST(number AS INT/...) when not ANSI: a double truncates and saturates at the int
 * range (Scala's `toInt`), then narrows like Java for byte and short; an integral value wraps.
 * `fromDouble` says the source is a float/double/decimal; unknown sources go by the value.
 */
export function toIntegral(value: number, type: IntegralType, fromDouble = false): number {
  if (Number.isNaN(value)) return 0;
  const bits = integralBits[type];
  if (bits === 64) {
    return Math.trunc(Math.min(Math.max(value, -(2 ** 63)), 2 ** 63 - 1));
  }
  let n: number;
  if (Number.isInteger(value) && !fromDouble) n = Number(BigInt.asIntN(32, BigInt(value)));
  else n = Math.trunc(Math.min(Math.max(value, -(2 ** 31)), 2 ** 31 - 1));
  if (bits === 32) return n;
  return Number(BigInt.asIntN(bits, BigInt(n)));
}
