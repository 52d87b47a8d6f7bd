import type pg from 'pg';
import { quoteTable, type TableName } from './identifiers.js';
import type { PgColumn } from './types.js';

/**
 * The columns of a table, in order, as the catalog has them; null when there is no such table.
 * The name goes to the server as a parameter (`to_regclass($1)`), quoted, never spliced.
 */
export async function tableColumns(client: pg.Client, name: TableName): Promise<PgColumn[] | null> {
  const r = await client.query<[string, string, boolean, boolean]>({
    text: `SELECT a.attname, format_type(a.atttypid, a.atttypmod), NOT a.attnotnull, c.oid IS NOT NULL
             FROM (SELECT to_regclass($1) AS oid) c
             LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum`,
    values: [quoteTable(name)],
    rowMode: 'array',
  });
  if (r.rows.length === 0 || r.rows[0]![3] === false) return null;
  return r.rows
    .filter((x) => x[0] !== null)
    .map(([n, type, nullable]) => ({ name: n, type, nullable }));
}

/** The primary key columns of a table, in key order (empty when it has none). */
export async function primaryKey(client: pg.Client, name: TableName): Promise<string[]> {
  const r = await client.query<[string]>({
    text: `SELECT a.attname
             FROM pg_index i
             CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = to_regclass($1) AND i.indisprimary
            ORDER BY k.n`,
    values: [quoteTable(name)],
    rowMode: 'array',
  });
  return r.rows.map((x) => x[0]);
}
