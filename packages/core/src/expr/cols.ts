import type { Row } from '../schema/row-type.js';
import { type Expr, expr } from './typed-expr.js';

/**
 * The typed columns of a row, as a filter or projection callback receives them: `(r) => r.amount.gt(100)`.
 * Mapped over `keyof R` (homomorphic), so a column keeps the doc comment of its schema field.
 */
export type Cols<R> = { readonly [K in keyof R]-?: Expr<R[K]> };

/**
 * Column references for any name. Which names exist is checked when the step is built, against the
 * schema the step receives, so a misspelled column fails at build time even in untyped code.
 */
export function columnsOf<R = Row>(): Cols<R> {
  return new Proxy({} as Cols<R>, {
    get: (_target, name) => {
      if (typeof name !== 'string') return undefined;
      return expr({ kind: 'column', name });
    },
  });
}
