import type { PostgresSourceSpec } from '@pipekit/core';
import { PipekitError } from '@pipekit/core';
import type pg from 'pg';
import { quoteIdent } from './identifiers.js';
import type { Relation } from './relation.js';
import { oid } from './types.js';

/**
 * One slice of a parallel read: a WHERE clause on the partition column. Its bounds are written as
 * literals, because the read is a `COPY (SELECT ...)`, which takes no parameters; they are numbers
 * and ISO timestamps pipekit computed (never text from elsewhere), checked by `literal`.
 */
export interface Partition {
  readonly where: string;
}

const whole: Partition = { where: '' };

/** A bound as a quoted SQL literal (typed by the column it is compared with). */
export function literal(v: number | string): string {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
  if (!/^[-+0-9.eE:TZ ]+$/.test(s))
    throw new PipekitError(`partition bound ${JSON.stringify(v)} is not a number or timestamp`);
  return `'${s}'`;
}

/**
 * Splits a read into `numPartitions` ranges of `partitionColumn`, as Spark's JDBC source: equal
 * strides between lowerBound and upperBound (the column's min and max when not given); the first
 * range also takes values below the lower bound and NULLs, the last those above the upper bound,
 * so no row is lost whatever the bounds. Works on numeric, date and timestamp columns.
 */
export async function partitionsOf(
  client: pg.Client,
  spec: PostgresSourceSpec,
  rel: Relation,
): Promise<Partition[]> {
  const n = spec.numPartitions ?? 1;
  if (spec.partitionColumn === undefined || n <= 1) return [whole];
  const col = quoteIdent(spec.partitionColumn);
  const probe = await client.query({
    text: `SELECT ${col} FROM ${rel.from} LIMIT 0`,
    rowMode: 'array',
  });
  const typeId = probe.fields[0]?.dataTypeID;
  const isTime = typeId === oid.date || typeId === oid.timestamp || typeId === oid.timestamptz;
  const isNumber =
    typeId !== undefined &&
    [oid.int2, oid.int4, oid.int8, oid.float4, oid.float8, oid.numeric].includes(typeId as never);
  if (!isTime && !isNumber)
    throw new PipekitError(
      `partitionColumn '${spec.partitionColumn}' must be a numeric, date or timestamp column`,
      [{ path: ['partitionColumn'], message: `${rel.what} has it as type oid ${typeId}` }],
    );
  const asNumber = (v: number | string, path: string): number => {
    const x = isTime ? (typeof v === 'number' ? v : Date.parse(v)) : Number(v);
    if (!Number.isFinite(x))
      throw new PipekitError(
        `${path} ${JSON.stringify(v)} is not a ${isTime ? 'date/time' : 'number'}`,
      );
    return x;
  };
  let lower = spec.lowerBound === undefined ? undefined : asNumber(spec.lowerBound, 'lowerBound');
  let upper = spec.upperBound === undefined ? undefined : asNumber(spec.upperBound, 'upperBound');
  if (lower === undefined || upper === undefined) {
    const expr = (f: string) =>
      isTime ? `(extract(epoch from ${f}(${col})) * 1000)::float8` : `${f}(${col})::float8`;
    const r = await client.query({
      text: `SELECT ${expr('min')}, ${expr('max')} FROM ${rel.from}`,
      rowMode: 'array',
    });
    const [min, max] = (r.rows[0] ?? []) as (number | null)[];
    lower ??= min ?? 0;
    upper ??= max ?? 0;
  }
  if (upper <= lower) return [whole];
  const stride = (upper - lower) / n;
  const bounds: string[] = [];
  for (let i = 1; i < n; i++) {
    const b = lower + stride * i;
    bounds.push(
      literal(isTime ? new Date(b).toISOString() : isInteger(typeId) ? Math.floor(b) : b),
    );
  }
  const parts: Partition[] = [];
  for (let i = 0; i < n; i++) {
    if (i === 0) parts.push({ where: `WHERE ${col} < ${bounds[0]} OR ${col} IS NULL` });
    else if (i === n - 1) parts.push({ where: `WHERE ${col} >= ${bounds[i - 1]}` });
    else parts.push({ where: `WHERE ${col} >= ${bounds[i - 1]} AND ${col} < ${bounds[i]}` });
  }
  return parts;
}

function isInteger(typeId: number | undefined): boolean {
  return typeId === oid.int2 || typeId === oid.int4 || typeId === oid.int8;
}
