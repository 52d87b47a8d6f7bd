import { asNumber } from './coerce.js';
import { compareValues } from './compare.js';
import { commonType, type ExprType, type ExprTypeName } from './expr-type.js';
import { always, returns, type SqlFunction, sameAsFirst } from './function-def.js';
import { roundHalfUp } from './spark-number.js';

/** Strict numeric functions: arguments arrive non-null and are read as numbers. */
function mathFn(
  name: string,
  arity: number,
  type: ExprTypeName | ((a: readonly ExprType[]) => ExprTypeName),
  fn: (...a: number[]) => number | null,
): SqlFunction {
  return {
    name,
    minArgs: arity,
    maxArgs: arity,
    nulls: 'strict',
    returns: typeof type === 'function' ? type : returns(type),
    impl: (...args) => {
      const nums = args.map(asNumber);
      return nums.includes(null) ? null : fn(...(nums as number[]));
    },
  };
}

// Spark's logarithms give NULL, not -Infinity or NaN, at and below zero.
const positiveLog =
  (log: (x: number) => number) =>
  (x: number): number | null =>
    x <= 0 ? null : log(x);

/** greatest/least: NULL arguments are skipped; NULL only when all are NULL. */
function extremeFn(name: string, wantSign: 1 | -1): SqlFunction {
  return {
    name,
    minArgs: 2,
    maxArgs: Number.POSITIVE_INFINITY,
    nulls: 'custom',
    returns: (args) => args.reduce<ExprTypeName>((t, a) => commonType(t, a.type), 'null'),
    nullable: (args) => args.every((a) => a.nullable),
    impl: (...args) => {
      let best: unknown = null;
      for (const v of args) {
        if (v === null || v === undefined) continue;
        if (best === null || compareValues(v, best) === wantSign) best = v;
      }
      return best;
    },
  };
}

export const mathFunctions: readonly SqlFunction[] = [
  mathFn('abs', 1, sameAsFirst, Math.abs),
  {
    name: 'round',
    minArgs: 1,
    maxArgs: 2,
    nulls: 'strict',
    returns: sameAsFirst,
    impl: (x, scale) => {
      const n = asNumber(x);
      const s = scale === undefined ? 0 : asNumber(scale);
      return n === null || s === null ? null : roundHalfUp(n, Math.trunc(s));
    },
  },
  mathFn('floor', 1, 'long', Math.floor),
  mathFn('ceil', 1, 'long', Math.ceil),
  mathFn('ceiling', 1, 'long', Math.ceil),
  mathFn('sqrt', 1, 'double', Math.sqrt),
  mathFn('pow', 2, 'double', Math.pow),
  mathFn('power', 2, 'double', Math.pow),
  mathFn('exp', 1, 'double', Math.exp),
  { ...mathFn('ln', 1, 'double', positiveLog(Math.log)), nullable: always },
  { ...mathFn('log10', 1, 'double', positiveLog(Math.log10)), nullable: always },
  { ...mathFn('log2', 1, 'double', positiveLog(Math.log2)), nullable: always },
  mathFn('signum', 1, 'double', Math.sign),
  extremeFn('greatest', 1),
  extremeFn('least', -1),
];
