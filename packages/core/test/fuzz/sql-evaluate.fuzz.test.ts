import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpr, parseSqlExpression } from '../../src/expr/index.js';
import type { Schema } from '../../src/schema/data-type.js';
import { fuzzParameters } from './fuzz-settings.js';

/**
 * Compiled expressions against a reference evaluator written here from Spark's rules, on a typed
 * subset (nullable ints and booleans): NULL propagation, three-valued AND/OR/NOT, `<=>`, IN with
 * NULLs, BETWEEN, CASE, coalesce, `/` as double with NULL for a zero divisor, `%` with the
 * dividend's sign. Small values keep every intermediate exact in a double.
 */

type Row = { a: number | null; b: number | null; c: number | null; p: boolean | null };
type Value = number | boolean | null;
/** An expression as SQL text and as the reference's evaluation of it. */
type Case = { text: string; eval: (row: Row) => Value };

const and3 = (l: Value, r: Value): Value =>
  l === false || r === false ? false : l === null || r === null ? null : true;
const or3 = (l: Value, r: Value): Value =>
  l === true || r === true ? true : l === null || r === null ? null : false;
const strict =
  (f: (l: number, r: number) => Value) =>
  (l: Value, r: Value): Value =>
    l === null || r === null ? null : f(l as number, r as number);

const arith: Record<string, (l: Value, r: Value) => Value> = {
  '+': strict((l, r) => l + r),
  '-': strict((l, r) => l - r),
  '*': strict((l, r) => l * r),
  '/': strict((l, r) => (r === 0 ? null : l / r)),
  '%': strict((l, r) => (r === 0 ? null : l % r)),
};
const compare: Record<string, (l: Value, r: Value) => Value> = {
  '=': strict((l, r) => l === r),
  '!=': strict((l, r) => l !== r),
  '<': strict((l, r) => l < r),
  '<=': strict((l, r) => l <= r),
  '>': strict((l, r) => l > r),
  '>=': strict((l, r) => l >= r),
  '<=>': (l, r) => (l === null || r === null ? l === r : l === r),
};

/** SQL IN: TRUE on a match, else NULL when the operand or any item is NULL, else FALSE. */
function in3(x: Value, items: Value[]): Value {
  if (x === null) return null;
  if (items.some((i) => i === x)) return true;
  return items.includes(null) ? null : false;
}

const not3 = (v: Value): Value => (v === null ? null : !v);

const cases = fc.letrec<{ num: Case; bool: Case }>((tie) => {
  const num = tie('num');
  const bool = tie('bool');
  return {
    num: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc
        .constantFrom<'a' | 'b' | 'c'>('a', 'b', 'c')
        .map((k) => ({ text: k, eval: (r: Row) => r[k] })),
      fc.integer({ min: -9, max: 9 }).map((n) => ({ text: `${n}`, eval: () => n })),
      fc.constant({ text: 'CAST(NULL AS INT)', eval: () => null }),
      fc.tuple(num, fc.constantFrom(...Object.keys(arith)), num).map(([l, op, r]) => ({
        text: `(${l.text} ${op} ${r.text})`,
        eval: (row: Row) => (arith[op] as (l: Value, r: Value) => Value)(l.eval(row), r.eval(row)),
      })),
      num.map((x) => ({
        text: `(-(${x.text}))`,
        eval: (r: Row) => {
          const v = x.eval(r);
          return v === null ? null : -(v as number);
        },
      })),
      fc.array(num, { minLength: 1, maxLength: 3 }).map((xs) => ({
        text: `coalesce(${xs.map((x) => x.text).join(', ')})`,
        eval: (r: Row) => xs.map((x) => x.eval(r)).find((v) => v !== null) ?? null,
      })),
      fc.tuple(bool, num, fc.option(num)).map(([w, t, e]) => ({
        text: `CASE WHEN ${w.text} THEN ${t.text}${e === null ? '' : ` ELSE ${e.text}`} END`,
        eval: (r: Row) => (w.eval(r) === true ? t.eval(r) : e === null ? null : e.eval(r)),
      })),
    ),
    bool: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constant({ text: 'p', eval: (r: Row) => r.p }),
      fc.constantFrom<Value>(true, false, null).map((v) => ({
        text: v === null ? 'CAST(NULL AS BOOLEAN)' : String(v).toUpperCase(),
        eval: () => v,
      })),
      fc.tuple(num, fc.constantFrom(...Object.keys(compare)), num).map(([l, op, r]) => ({
        text: `(${l.text} ${op} ${r.text})`,
        eval: (row: Row) =>
          (compare[op] as (l: Value, r: Value) => Value)(l.eval(row), r.eval(row)),
      })),
      fc.tuple(bool, fc.constantFrom('AND', 'OR'), bool).map(([l, op, r]) => ({
        text: `(${l.text} ${op} ${r.text})`,
        eval: (row: Row) => (op === 'AND' ? and3 : or3)(l.eval(row), r.eval(row)),
      })),
      bool.map((x) => ({ text: `(NOT ${x.text})`, eval: (r: Row) => not3(x.eval(r)) })),
      fc.tuple(num, fc.boolean()).map(([x, neg]) => ({
        text: `(${x.text} IS ${neg ? 'NOT ' : ''}NULL)`,
        eval: (r: Row) => (x.eval(r) === null) !== neg,
      })),
      fc
        .tuple(num, fc.boolean(), fc.array(num, { minLength: 1, maxLength: 3 }))
        .map(([x, neg, items]) => ({
          text: `(${x.text} ${neg ? 'NOT ' : ''}IN (${items.map((i) => i.text).join(', ')}))`,
          eval: (r: Row) => {
            const v = in3(
              x.eval(r),
              items.map((i) => i.eval(r)),
            );
            return neg ? not3(v) : v;
          },
        })),
      fc.tuple(num, num, num).map(([x, lo, hi]) => ({
        text: `(${x.text} BETWEEN ${lo.text} AND ${hi.text})`,
        eval: (r: Row) =>
          and3(
            (compare['>='] as (l: Value, r: Value) => Value)(x.eval(r), lo.eval(r)),
            (compare['<='] as (l: Value, r: Value) => Value)(x.eval(r), hi.eval(r)),
          ),
      })),
    ),
  };
});

const intOrNull = fc.option(fc.integer({ min: -5, max: 5 }), { freq: 3 });
const rows = fc.record({
  a: intOrNull,
  b: intOrNull,
  c: intOrNull,
  p: fc.option(fc.boolean(), { freq: 3 }),
});

const schema: Schema = {
  fields: [
    ...['a', 'b', 'c'].map((name) => ({ name, type: 'integer' as const, nullable: true })),
    { name: 'p', type: 'boolean', nullable: true },
  ],
};

/** -0 and 0 are the same SQL value; NaN cannot arise here. */
const normal = (v: unknown): unknown => (Object.is(v, -0) ? 0 : v);

describe('compiled expressions agree with a reference evaluator', () => {
  it.each([
    ['numeric', 'num'],
    ['boolean', 'bool'],
  ] as const)('%s expressions, with and without the schema', (_, which) => {
    fc.assert(
      fc.property(cases[which], fc.array(rows, { minLength: 1, maxLength: 4 }), (c, rs) => {
        const tree = parseSqlExpression(c.text);
        const typed = compileExpr(tree, schema);
        const generic = compileExpr(tree);
        for (const r of rs) {
          const want = normal(c.eval(r));
          expect({ text: c.text, row: r, got: normal(typed(r)) }).toEqual({
            text: c.text,
            row: r,
            got: want,
          });
          expect(normal(generic(r))).toEqual(want);
        }
      }),
      fuzzParameters(300),
    );
  });
});
