import type { z } from 'zod';
import type { EpochMillis } from './column-types.js';

/** A row as the runtime holds it. */
export type Row = Record<string, unknown>;

/** Flattens intersections so editors show `{ a: string; b: number }`. */
export type Simplify<T> = { [K in keyof T]: T[K] } & {};

type Trim<S extends string> = S extends ` ${infer R}` | `\n${infer R}` | `\t${infer R}`
  ? Trim<R>
  : S extends `${infer L} ` | `${infer L}\n` | `${infer L}\t`
    ? Trim<L>
    : S;

/** The TypeScript type of a Spark type name, lower case: `decimal(10,2)` → number. */
export type SparkTypeToTs<T extends string> = T extends
  | 'string'
  | `varchar(${string})`
  | `char(${string})`
  ? string
  : T extends
        | 'int'
        | 'integer'
        | 'bigint'
        | 'long'
        | 'smallint'
        | 'short'
        | 'tinyint'
        | 'byte'
        | 'float'
        | 'real'
        | 'double'
        | 'decimal'
        | `decimal(${string})`
        | `numeric(${string})`
    ? number
    : T extends 'boolean' | 'bool'
      ? boolean
      : T extends 'timestamp' | 'timestamp_ntz' | 'timestamp_ltz' | 'date'
        ? Date
        : T extends 'binary'
          ? Uint8Array
          : T extends `array<${infer E}>`
            ? SparkTypeToTs<Trim<E>>[]
            : T extends `map<${string}>` | `struct<${string}>`
              ? Record<string, unknown>
              : unknown;

type OpenParens<S extends string> = S extends `${string}(${string}` | `${string}<${string}`
  ? S extends `${string})${string}` | `${string}>${string}`
    ? false
    : true
  : false;

/** Splits a DDL column list on the commas that are not inside `(...)` or `<...>`. */
type SplitColumns<
  S extends string,
  Acc extends string = '',
  Out extends string[] = [],
> = S extends `${infer Head},${infer Tail}`
  ? OpenParens<`${Acc}${Head}`> extends true
    ? SplitColumns<Tail, `${Acc}${Head},`, Out>
    : SplitColumns<Tail, '', [...Out, Trim<`${Acc}${Head}`>]>
  : [...Out, Trim<`${Acc}${S}`>];

type StripComment<S extends string> = S extends `${infer T} comment ${string}` ? Trim<T> : S;
type Unquote<S extends string> = S extends `\`${infer N}\`` ? N : S;

type ColumnEntry<C extends string> = C extends `${infer Name} ${infer Rest}`
  ? StripComment<Lowercase<Trim<Rest>>> extends `${infer T} not null`
    ? [Unquote<Name>, SparkTypeToTs<Trim<T>>]
    : [Unquote<Name>, SparkTypeToTs<StripComment<Lowercase<Trim<Rest>>>> | null]
  : never;

type EntriesToRow<E extends [string, unknown][]> = { [P in E[number] as P[0]]: P[1] };

type Entries<Cols extends string[]> = {
  [I in keyof Cols]: ColumnEntry<Cols[I]>;
} extends infer E extends [string, unknown][]
  ? E
  : never;

/**
 * The row type of a Spark DDL string: `'user_id STRING NOT NULL, amount DOUBLE'` →
 * `{ user_id: string; amount: number | null }` (DDL columns are nullable unless NOT NULL).
 */
export type DdlToRow<S extends string> = string extends S
  ? Row
  : Simplify<EntriesToRow<Entries<SplitColumns<Trim<S>>>>>;

/** A column in a field list: Spark type names, `decimal(p,s)` included; nullable unless `nullable: false`. */
export interface FieldInput {
  readonly name: string;
  readonly type: string;
  readonly nullable?: boolean;
}

export type FieldsToRow<F extends readonly FieldInput[]> = Simplify<{
  [P in F[number] as P['name']]: P['nullable'] extends false
    ? SparkTypeToTs<Lowercase<P['type']>>
    : SparkTypeToTs<Lowercase<P['type']>> | null;
}>;

/** What a source's `schema` option takes: a zod object, a DDL string or a field list. */
export type SchemaInput = z.ZodObject | string | readonly FieldInput[];

export type RowOf<S> = S extends z.ZodObject
  ? z.output<S>
  : S extends string
    ? DdlToRow<S>
    : S extends readonly FieldInput[]
      ? FieldsToRow<S>
      : Row;

/** Column names of a row type. */
export type Keys<R> = keyof R & string;

// A column of unknown type (a source without a schema, a `sql` projection) counts in each set
// below: the compiler cannot tell, so the check is left to the plan's build, which knows the schema.

/** Columns whose values are numbers (nullable or not). */
export type NumericKeys<R> = {
  [K in Keys<R>]: unknown extends R[K] ? K : NonNullable<R[K]> extends number ? K : never;
}[Keys<R>];

/** Columns that can carry event time: Date, or epoch milliseconds declared with `epochMillis()`. */
export type TimeKeys<R> = {
  [K in Keys<R>]: unknown extends R[K]
    ? K
    : NonNullable<R[K]> extends Date | EpochMillis
      ? K
      : never;
}[Keys<R>];

/** Columns with a scalar value (what a group key can be). */
export type ScalarKeys<R> = {
  [K in Keys<R>]: unknown extends R[K]
    ? K
    : NonNullable<R[K]> extends string | number | boolean | Date | bigint
      ? K
      : never;
}[Keys<R>];

/** What a column holds, in words for compile-time messages: `'string'`, `'number'`, `'time'`. */
export type ValueKind<T> = [NonNullable<T>] extends [never]
  ? 'null'
  : [NonNullable<T>] extends [string]
    ? 'string'
    : [NonNullable<T>] extends [number | bigint]
      ? 'number'
      : [NonNullable<T>] extends [Date]
        ? 'time'
        : [NonNullable<T>] extends [boolean]
          ? 'boolean'
          : [NonNullable<T>] extends [readonly unknown[]]
            ? 'array'
            : 'object';
