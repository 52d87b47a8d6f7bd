import { sqlEquals } from './compare.js';
import { commonType, type ExprType, type ExprTypeName } from './expr-type.js';
import { never, returns, type SqlFunction } from './function-def.js';

const isNull = (v: unknown): boolean => v === null || v === undefined;

const commonOf = (args: readonly ExprType[]): ExprTypeName =>
  args.reduce<ExprTypeName>((t, a) => commonType(t, a.type), 'null');

/** coalesce and its two-argument aliases: the first non-NULL argument. */
function coalesceFn(name: string, min: number, max: number): SqlFunction {
  return {
    name,
    minArgs: min,
    maxArgs: max,
    nulls: 'custom',
    returns: commonOf,
    nullable: (args) => args.every((a) => a.nullable),
    impl: (...args) => {
      for (const v of args) if (!isNull(v)) return v;
      return null;
    },
  };
}

export const nullFunctions: readonly SqlFunction[] = [
  coalesceFn('coalesce', 1, Number.POSITIVE_INFINITY),
  coalesceFn('ifnull', 2, 2),
  coalesceFn('nvl', 2, 2),
  {
    name: 'nullif',
    minArgs: 2,
    maxArgs: 2,
    nulls: 'custom',
    returns: (args) => args[0]?.type ?? 'unknown',
    nullable: () => true,
    impl: (a, b) => (isNull(a) ? null : sqlEquals(a, b) === true ? null : a),
  },
  {
    name: 'if',
    minArgs: 3,
    maxArgs: 3,
    nulls: 'custom',
    returns: (args) => commonOf(args.slice(1)),
    nullable: (args) => args.slice(1).some((a) => a.nullable),
    // A NULL condition takes the else branch, as in CASE.
    impl: (cond, then, otherwise) => (cond === true ? then : otherwise),
  },
  {
    name: 'isnull',
    minArgs: 1,
    maxArgs: 1,
    nulls: 'custom',
    returns: returns('boolean'),
    nullable: never,
    impl: isNull,
  },
  {
    name: 'isnotnull',
    minArgs: 1,
    maxArgs: 1,
    nulls: 'custom',
    returns: returns('boolean'),
    nullable: never,
    impl: (v) => !isNull(v),
  },
];
