import type { GeneratedColumn } from '@pipekit/core';
import { formatSqlString } from '@pipekit/core';

// The local runtime's generator (runtime/src/connectors/generate-values.ts) in Spark SQL, so that
// one seed gives the same rows on both engines. 32-bit unsigned values live in BIGINTs, and a
// 32-bit multiply is done in 16-bit halves so no BIGINT product overflows. Each step of the hash
// binds its value to a lambda variable: written out, an expression that uses its input twice
// doubles at every step, and the optimizer would write it out when it pushes a filter down.

const mask = '4294967295';

/** Columns computed together (each from columns of earlier stages), in order. */
export type Stage = ReadonlyArray<readonly [name: string, sql: string]>;

function imul(a: string, b: number): string {
  return `(((${a} & 65535) * ${b}) + shiftleft((shiftright(${a}, 16) * ${b}) & 65535, 16)) & ${mask}`;
}

/** `body` with `value` bound to the variable `name`, evaluated once. */
function bind(value: string, name: string, body: string): string {
  return `element_at(transform(array(${value}), ${name} -> ${body}), 1)`;
}

/** murmur3's finaliser of the 32-bit value `input`, as the runtime's `mix`. */
export function mixSql(input: string): string {
  return bind(
    `(${input}) & ${mask}`,
    'm0',
    bind(
      'm0 ^ shiftright(m0, 16)',
      'm1',
      bind(
        imul('m1', 0x85ebca6b),
        'm2',
        bind(
          'm2 ^ shiftright(m2, 13)',
          'm3',
          bind(imul('m3', 0xc2b2ae35), 'm4', 'm4 ^ shiftright(m4, 16)'),
        ),
      ),
    ),
  );
}

/** Stage lists run side by side: stage i of each list is computed together. */
export function together(lists: readonly Stage[][]): Stage[] {
  const n = Math.max(0, ...lists.map((l) => l.length));
  return Array.from({ length: n }, (_, i) => lists.flatMap((l) => l[i] ?? []));
}

/** The runtime's `mix`, for the constants worked out here. */
function mix(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The stage that makes `h`, the runtime's `rowHash(seed, row)`, from the BIGINT column `row`. */
export function rowHashStages(seed: number, row: string, h: string): Stage[] {
  const seeded = mixSql(`${seed >>> 0} ^ (${row} & ${mask})`);
  return [[[h, mixSql(`${seeded} ^ shiftright(${row}, 32) ^ 2654435769`)]]];
}

/** A double literal that reads back as exactly this number. */
function double(n: number): string {
  return `${String(n)}D`;
}

/** The hashes one column draws from the row's hash: `unit` always, `unit2` for event times. */
export function columnHashStages(c: GeneratedColumn, index: number, h: string): Stage[][] {
  if (c.kind === 'sequence') return [];
  const salt = mix(0x27d4eb2f + Math.imul(index + 1, 0x165667b1));
  const unit: Stage = [[`__u${index}`, mixSql(`${h} ^ ${salt}`)]];
  if (c.kind !== 'eventTime' || c.outOfOrderShare === 0) return [[unit]];
  return [[unit], [[[`__v${index}`, mixSql(`${h} ^ ${(salt ^ 0x5bd1e995) >>> 0}`)]]]];
}

/** A generated column's value from the row number and its hashes (see `columnHashStages`). */
export function generatedColumnSql(
  c: GeneratedColumn,
  index: number,
  msPerRow: number,
  row: string,
): string {
  const unit = `(__u${index} / 4294967296D)`;
  const unit2 = `(__v${index} / 4294967296D)`;
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
      const t = `(${Date.parse(c.start)} + floor(${row} * ${double(msPerRow)}))`;
      const shifted =
        c.outOfOrderShare > 0
          ? `CASE WHEN ${unit} < ${double(c.outOfOrderShare)} THEN ${t} - floor(${unit2} * ${double(c.maxDelay)}) ELSE ${t} END`
          : t;
      return `timestamp_millis(${shifted})`;
    }
  }
}
