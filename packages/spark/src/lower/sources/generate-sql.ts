import type { GeneratedColumn } from '@pipekit/core';
import { formatSqlString } from '@pipekit/core';

// The local runtime's generator (runtime/src/connectors/generate-values.ts) written in Spark SQL,
// so that one seed gives the same rows on both engines: 32-bit unsigned values live in BIGINTs,
// and a 32-bit multiply is done in 16-bit halves so no BIGINT product overflows.

const mask = '4294967295';

/** The session functions the expressions below call, created once per session. */
export const generatorFunctions: readonly string[] = [
  `CREATE OR REPLACE TEMPORARY FUNCTION pipekit_imul32(a BIGINT, b BIGINT) RETURNS BIGINT RETURN
     (((a & 65535) * b) + shiftleft((shiftright(a, 16) * b) & 65535, 16)) & ${mask}`,
  `CREATE OR REPLACE TEMPORARY FUNCTION pipekit_xorshift(h BIGINT, n INT) RETURNS BIGINT RETURN
     h ^ shiftright(h, n)`,
  `CREATE OR REPLACE TEMPORARY FUNCTION pipekit_mix32(x BIGINT) RETURNS BIGINT RETURN
     pipekit_xorshift(pipekit_imul32(pipekit_xorshift(pipekit_imul32(pipekit_xorshift(x & ${mask}, 16), 2246822507), 13), 3266489909), 16)`,
];

/** murmur3's finaliser on a 32-bit value, as the runtime's `mix` (for constants worked out here). */
function mix(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A double literal that reads back as exactly this number. */
function double(n: number): string {
  return `${String(n)}D`;
}

/** The row hash of `row` (a BIGINT expression < 2^32) under `seed`, as the runtime's `rowHash`. */
export function rowHashSql(seed: number, row: string): string {
  const s = (seed >>> 0).toString();
  return `pipekit_mix32(pipekit_mix32(${s} ^ (${row} & ${mask})) ^ shiftright(${row}, 32) ^ 2654435769)`;
}

/** The SQL of one generated column from the row number and the row's hash (columns `row`, `h`). */
export function generatedColumnSql(
  c: GeneratedColumn,
  columnIndex: number,
  msPerRow: number,
  row: string,
  h: string,
): string {
  const salt = mix(0x27d4eb2f + Math.imul(columnIndex + 1, 0x165667b1));
  const unit = `(pipekit_mix32(${h} ^ ${salt}) / 4294967296D)`;
  const unit2 = `(pipekit_mix32(${h} ^ ${(salt ^ 0x5bd1e995) >>> 0}) / 4294967296D)`;
  switch (c.kind) {
    case 'sequence':
      return row;
    case 'key':
      return `concat(${formatSqlString(c.prefix)}, CAST(floor(${unit} * ${double(c.cardinality)}) AS STRING))`;
    case 'uniform': {
      const span = c.max - c.min;
      return c.integer
        ? `floor(${double(c.min)} + ${unit} * ${double(span + 1)})`
        : `(${double(c.min)} + ${unit} * ${double(span)})`;
    }
    case 'choice': {
      const weights = c.weights ?? c.values.map(() => 1);
      const total = weights.reduce((a, b) => a + b, 0);
      let acc = 0;
      const arms = c.values.slice(0, -1).map((v, i) => {
        acc += weights[i]!;
        return `WHEN ${unit} < ${double(acc / total)} THEN ${formatSqlString(v)}`;
      });
      const last = formatSqlString(c.values[c.values.length - 1]!);
      return arms.length === 0 ? last : `CASE ${arms.join(' ')} ELSE ${last} END`;
    }
    case 'boolean':
      return `(${unit} < ${double(c.probability)})`;
    case 'eventTime': {
      const start = Date.parse(c.start);
      const t = `(${start} + floor(${row} * ${double(msPerRow)}))`;
      const shifted =
        c.outOfOrderShare > 0
          ? `CASE WHEN ${unit} < ${double(c.outOfOrderShare)} THEN ${t} - floor(${unit2} * ${double(c.maxDelay)}) ELSE ${t} END`
          : t;
      return `timestamp_millis(${shifted})`;
    }
  }
}
