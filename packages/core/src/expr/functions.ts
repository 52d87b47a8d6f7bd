import type { ExprType, ExprTypeName } from './expr-type.js';
import type { SqlFunction } from './function-def.js';
import { datetimeFunctions } from './functions-datetime.js';
import { mathFunctions } from './functions-math.js';
import { nullFunctions } from './functions-null.js';
import { stringFunctions } from './functions-string.js';

export type { SqlFunction } from './function-def.js';

const registry: ReadonlyMap<string, SqlFunction> = new Map(
  [...stringFunctions, ...mathFunctions, ...nullFunctions, ...datetimeFunctions].map((f) => [
    f.name,
    f,
  ]),
);

/** The scalar function of that (lower-case) Spark name, or undefined. */
export function lookupFunction(name: string): SqlFunction | undefined {
  return registry.get(name);
}

/** Every supported scalar function name, sorted. */
export function functionNames(): string[] {
  return [...registry.keys()].sort();
}

/**
 * Aggregate functions the parser accepts in `agg` expressions. They have a result type but no
 * row-level implementation: the runtime's aggregate operators evaluate them, `compileExpr`
 * refuses them. `count(*)` is `count` with no arguments.
 */
export interface AggregateFunction {
  readonly name: string;
  readonly minArgs: number;
  readonly maxArgs: number;
  readonly returns: (args: readonly ExprType[]) => ExprTypeName;
}

const argType = (args: readonly ExprType[]): ExprTypeName => args[0]?.type ?? 'unknown';

function sumType(args: readonly ExprType[]): ExprTypeName {
  const t = argType(args);
  if (t === 'double' || t === 'float') return 'double';
  if (typeof t === 'string' && t.startsWith('decimal')) return t;
  if (t === 'unknown' || t === 'null') return t;
  return 'long';
}

const aggregates: ReadonlyMap<string, AggregateFunction> = new Map(
  [
    {
      name: 'count',
      minArgs: 0,
      maxArgs: Number.POSITIVE_INFINITY,
      returns: () => 'long' as const,
    },
    { name: 'sum', minArgs: 1, maxArgs: 1, returns: sumType },
    { name: 'avg', minArgs: 1, maxArgs: 1, returns: () => 'double' as const },
    { name: 'mean', minArgs: 1, maxArgs: 1, returns: () => 'double' as const },
    { name: 'min', minArgs: 1, maxArgs: 1, returns: argType },
    { name: 'max', minArgs: 1, maxArgs: 1, returns: argType },
    { name: 'first', minArgs: 1, maxArgs: 2, returns: argType },
    { name: 'last', minArgs: 1, maxArgs: 2, returns: argType },
    { name: 'approx_count_distinct', minArgs: 1, maxArgs: 2, returns: () => 'long' as const },
  ].map((f) => [f.name, f]),
);

/** The SQL aggregate function of this name (`sum`, `count`, ...), for the SQL parser; undefined when none. */
export function lookupAggregate(name: string): AggregateFunction | undefined {
  return aggregates.get(name);
}

/** Every supported aggregate function name, sorted. */
export function aggregateNames(): string[] {
  return [...aggregates.keys()].sort();
}
