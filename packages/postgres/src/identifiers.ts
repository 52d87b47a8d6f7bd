import { PipekitError } from '@pipekit/core';

/**
 * A quoted SQL identifier. Every table, schema and column name pipekit puts in SQL goes through
 * here: the name is taken literally (`"; DROP TABLE x; --` is a name, not a statement), with
 * embedded double quotes doubled as Postgres requires. Values never go into SQL text: they are
 * parameters or COPY data.
 */
export function quoteIdent(name: string): string {
  if (name.length === 0) throw new PipekitError('an empty SQL identifier');
  if (name.includes('\0'))
    throw new PipekitError(`SQL identifier ${JSON.stringify(name)} holds a NUL character`);
  return `"${name.replaceAll('"', '""')}"`;
}

/** A table name with its optional schema. */
export interface TableName {
  readonly schema: string | undefined;
  readonly table: string;
}

/**
 * `table` as the options give it: `schema.table` is split at the first dot unless `schema` is
 * given explicitly (then `table` is taken whole, so a name with a dot needs `schema`).
 */
export function tableName(table: string, schema?: string): TableName {
  if (schema !== undefined) return { schema, table };
  const dot = table.indexOf('.');
  if (dot > 0 && dot < table.length - 1)
    return { schema: table.slice(0, dot), table: table.slice(dot + 1) };
  return { schema: undefined, table };
}

/** `"schema"."table"` or `"table"`. */
export function quoteTable(name: TableName): string {
  return name.schema === undefined
    ? quoteIdent(name.table)
    : `${quoteIdent(name.schema)}.${quoteIdent(name.table)}`;
}

/** The name for messages: `schema.table`. */
export function displayTable(name: TableName): string {
  return name.schema === undefined ? name.table : `${name.schema}.${name.table}`;
}
