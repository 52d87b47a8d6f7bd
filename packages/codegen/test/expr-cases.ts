import type { Schema } from '@pipekit/core';

/** Conditions over `schema` whose typed code must build the same tree (and compile). */
export const schema: Schema = {
  fields: [
    { name: 'amount', type: 'double', nullable: true },
    { name: 'qty', type: 'integer', nullable: false },
    { name: 'country', type: 'string', nullable: true },
    { name: 'ts', type: 'timestamp', nullable: false },
    { name: 'flag', type: 'boolean', nullable: true },
    { name: 'raw', type: 'binary', nullable: true },
    { name: 'odd name', type: 'string', nullable: true },
  ],
};

export const typed = [
  "amount > 100 AND country = 'DE'",
  "amount > 5000 OR country NOT IN ('US', 'CA')",
  'qty * 2 + 1 >= amount',
  "lower(country) LIKE 'd%'",
  "country NOT LIKE '%x%'",
  "country ILIKE 'de'",
  'amount BETWEEN 1 AND 10',
  'amount IS NULL OR country IS NOT NULL',
  'NOT flag',
  'flag = true',
  "ts >= TIMESTAMP '2024-01-01 00:00:00'",
  "ts < '2024-01-01'",
  'year(ts) = 2024 AND month(ts) > 6',
  "CAST(qty AS STRING) = '5'",
  'CAST(country AS INT) > 3',
  'coalesce(amount, 0) > 10',
  "CASE WHEN amount > 10 THEN 'big' ELSE 'small' END = 'big'",
  '-amount < 5',
  'abs(amount) > 1',
  "startswith(country, 'D')",
  "concat(country, 'x') = 'DEx'",
  "substring(country, 1, 2) = 'DE'",
  "date_trunc('hour', ts) = ts",
  'amount <=> NULL',
  'round(amount, 2) > 1',
  'length(trim(`odd name`)) > 0',
  "sha2(country, 256) = 'x'",
  'amount > 1.5',
];

export const asSql = [
  "ts > DATE '2024-01-01'",
  "country || 'x' = 'DEx'",
  'amount NOT BETWEEN 1 AND 2',
  "country NOT ILIKE 'x'",
  "raw = 'x'",
];
