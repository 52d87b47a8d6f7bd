import type { Issue } from '../errors/pipekit-error.js';
import { type Field, formatDataType, isNumericType, type Schema } from '../schema/data-type.js';
import type { Keys, ValueKind } from '../schema/row-type.js';

/**
 * Join keys must be comparable: a string key never equals a numeric one, so such a join matches
 * nothing (a left join silently gives NULLs). Both halves of the rule live here: the type-level one
 * for builders, the runtime one for plans read from JSON (`validatePlan`).
 */

/** The kind of values a key holds, for comparability: equal kinds compare. */
export type KeyKind<T> =
  ValueKind<T> extends 'string' | 'number' | 'time' | 'boolean' ? ValueKind<T> : 'not a key type';

/**
 * A column of rows without a declared schema (`Record<string, unknown>`) has no type to check at
 * compile time: its pairs are left to the runtime check (`joinKeyIssues`), which sees the schemas
 * once they are known.
 */
type PairError<LN extends string, LT, RN extends string, RT> = unknown extends LT
  ? never
  : unknown extends RT
    ? never
    : KnownPairError<LN, LT, RN, RT>;

type KnownPairError<LN extends string, LT, RN extends string, RT> =
  KeyKind<LT> extends KeyKind<RT>
    ? KeyKind<LT> extends 'not a key type'
      ? `join keys ${LN} and ${RN} cannot be compared: use scalar columns (string, number, time, boolean)`
      : never
    : `join keys are not comparable: left ${LN} is ${KeyKind<LT>}, right ${RN} is ${KeyKind<RT>} (cast one side with withColumn)`;

type ListErrors<L, R, K> = K extends readonly (infer N)[]
  ? N extends Keys<L> & Keys<R>
    ? PairError<N, L[N], N, R[N]>
    : never
  : never;

type PairsErrors<L, R, LK, RK> = LK extends readonly string[]
  ? RK extends readonly string[]
    ? number extends LK['length'] | RK['length']
      ? never
      : LK['length'] extends RK['length']
        ? {
            [I in keyof LK]: I extends keyof RK
              ? LK[I] extends Keys<L>
                ? RK[I] extends Keys<R>
                  ? PairError<LK[I], L[LK[I]], RK[I], R[RK[I]]>
                  : never
                : never
              : never;
          }[number]
        : `join needs as many left keys as right keys: ${LK['length']} left, ${RK['length']} right`
    : never
  : never;

/** The reasons the `on` of a join is wrong (a union of messages), never when it is right. */
export type JoinOnErrors<L, R, O> = O extends string
  ? O extends Keys<L> & Keys<R>
    ? PairError<O, L[O], O, R[O]>
    : never
  : O extends { readonly left: infer LK; readonly right: infer RK }
    ? PairsErrors<L, R, LK, RK>
    : ListErrors<L, R, O>;

/** `on` as given when it is right; otherwise the message, which the compiler shows as the expected type. */
export type CheckedJoinOn<L, R, O> = [JoinOnErrors<L, R, O>] extends [never]
  ? O
  : JoinOnErrors<L, R, O>;

type RuntimeKeyKind = 'string' | 'numeric' | 'timestamp' | 'boolean' | 'not a key type';

function keyKind(f: Field): RuntimeKeyKind {
  if (f.type === 'string') return 'string';
  // Epoch milliseconds are numbers at run time: they compare with numbers, not with timestamps.
  if (isNumericType(f.type)) return 'numeric';
  if (f.type === 'timestamp' || f.type === 'date') return 'timestamp';
  if (f.type === 'boolean') return 'boolean';
  return 'not a key type';
}

const castTo: Record<RuntimeKeyKind, string> = {
  string: 'string',
  numeric: 'long',
  timestamp: 'timestamp',
  boolean: 'boolean',
  'not a key type': 'string',
};

/** What is wrong with a join's key pairs, given both sides' schemas (at `on`). */
export function joinKeyIssues(
  left: Schema,
  right: Schema,
  on: { readonly left: readonly string[]; readonly right: readonly string[] },
): Issue[] {
  if (on.left.length !== on.right.length)
    return [
      {
        path: ['on'],
        message: `join needs as many left keys as right keys: ${on.left.length} left, ${on.right.length} right`,
      },
    ];
  return on.left.flatMap((ln, i): Issue[] => {
    const rn = on.right[i]!;
    const lf = left.fields.find((f) => f.name === ln);
    const rf = right.fields.find((f) => f.name === rn);
    if (!lf || !rf) return [];
    const [lk, rk] = [keyKind(lf), keyKind(rf)];
    if (lk === rk && lk !== 'not a key type') return [];
    const types = `left ${ln} is ${formatDataType(lf.type)}, right ${rn} is ${formatDataType(rf.type)}`;
    return [
      lk === rk
        ? {
            path: ['on', 'left', i],
            message: `join keys ${ln} and ${rn} cannot be compared (${types})`,
            fix: 'join on scalar columns: string, number, time or boolean',
          }
        : {
            path: ['on', 'left', i],
            message: `join keys are not comparable: ${types}`,
            fix: `cast one side first, e.g. .withColumn('${rn}', (r) => r.${rn}.cast('${castTo[lk]}')) on the right`,
          },
    ];
  });
}
