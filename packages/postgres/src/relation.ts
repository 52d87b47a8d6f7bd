import type { PostgresSourceSpec, Schema } from '@pipekit/core';
import { displayTable, quoteIdent, quoteTable, tableName } from './identifiers.js';

/** What a source reads, as SQL pieces: never a value inside, only quoted names and the user's query. */
export interface Relation {
  /** `"schema"."table"` or `(<query>) AS "pipekit_q"`. */
  readonly from: string;
  /** The select list: the declared columns, quoted, or `*`. */
  readonly columns: string;
  /** For messages: `table orders` / `the query`. */
  readonly what: string;
}

export function relationOf(spec: PostgresSourceSpec, schema: Schema | null): Relation {
  const columns =
    schema && schema.fields.length > 0
      ? schema.fields.map((f) => quoteIdent(f.name)).join(', ')
      : '*';
  if (spec.table !== undefined) {
    const name = tableName(spec.table);
    return { from: quoteTable(name), columns, what: `table ${displayTable(name)}` };
  }
  // A trailing semicolon would end the subquery early; the user's query is trusted SQL (it is code).
  const query = (spec.query ?? '').trim().replace(/;\s*$/, '');
  return { from: `(${query}) AS "pipekit_q"`, columns, what: 'the query' };
}
