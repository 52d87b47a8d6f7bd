import type { ExprType, ExprTypeName } from './expr-type.js';

/**
 * One SQL function: how many arguments it takes, what it returns, and how to run it.
 * The compiler binds `impl` once; rows never look a function up by name.
 */
export interface SqlFunction {
  readonly name: string;
  readonly minArgs: number;
  /** `Number.POSITIVE_INFINITY` for variadic functions. */
  readonly maxArgs: number;
  /**
   * `strict`: the result is NULL when any argument is NULL, and `impl` never sees a null.
   * `custom`: `impl` receives nulls (always `null`, never `undefined`) and decides.
   */
  readonly nulls: 'strict' | 'custom';
  /** The result type for these argument types. */
  readonly returns: (args: readonly ExprType[]) => ExprTypeName;
  /** Whether the result can be NULL; by default when any argument can. */
  readonly nullable?: (args: readonly ExprType[]) => boolean;
  /** With `usesClock`, the first argument is the current time in epoch ms, before the SQL arguments. */
  readonly impl: (...args: unknown[]) => unknown;
  readonly usesClock?: boolean;
  /**
   * What is wrong with the arguments written as literals (a regular expression that does not
   * compile), so the plan is refused before the first row instead of failing on it.
   * `literals[i]` is undefined when argument i is not a literal.
   */
  readonly checkLiterals?: (literals: readonly unknown[]) => string | undefined;
}

/** Helpers for the function tables, so each entry stays one line or a few. */
export const always = (): boolean => true;
export const never = (): boolean => false;
export const returns = (t: ExprTypeName) => (): ExprTypeName => t;
export const sameAsFirst = (args: readonly ExprType[]): ExprTypeName => args[0]?.type ?? 'unknown';
