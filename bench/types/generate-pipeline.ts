/**
 * Pipelines as a user writes them, generated: a 20-column schema and a chain of `steps` mixed steps
 * (filter, withColumn, drop, select, dedupe), for the types benchmark to type-check and complete in.
 */

const kinds = ['string', 'number', 'nullableNumber', 'date', 'boolean'] as const;
type Kind = (typeof kinds)[number];

const zodOf: Record<Kind, string> = {
  string: 'z.string()',
  number: 'z.number()',
  nullableNumber: 'z.number().nullable()',
  date: 'z.date()',
  boolean: 'z.boolean()',
};

/** Column `i` of the schema: `s0`, `n1`, `q2`, `t3`, `b4`, `s5`, ... */
function schemaColumn(i: number): { name: string; kind: Kind } {
  const kind = kinds[i % kinds.length]!;
  return { name: `${kind === 'nullableNumber' ? 'q' : kind[0]}${i}`, kind };
}

export interface GeneratedPipeline {
  /** The file's text, with the chain's last expression left open where `tail` says. */
  readonly text: string;
  /** The columns the row has after the last step, in order. */
  readonly columns: readonly string[];
}

/**
 * `tail`: `'complete'` ends the chain with `;`, `'member'` leaves `r.` open inside a last filter
 * (completion of columns), `'method'` leaves `.` open after the last step (completion of methods).
 */
export function generatePipeline(
  steps: number,
  tail: 'complete' | 'member' | 'method',
  columns = 20,
): GeneratedPipeline {
  const schema = Array.from({ length: columns }, (_, i) => schemaColumn(i));
  const cols = new Map(schema.map((c) => [c.name, c.kind]));
  const lines: string[] = [];
  const added: string[] = [];
  for (let i = 0; i < steps; i++) {
    switch (i % 6) {
      case 0:
        lines.push(`.filter((r) => r.n1.gt(${i}))`);
        break;
      case 1:
        lines.push(`.withColumn('w${i}', (r) => r.n1.times(2))`);
        cols.set(`w${i}`, 'number');
        added.push(`w${i}`);
        break;
      case 2:
        lines.push(`.withColumn('u${i}', (r) => r.s0.upper())`);
        cols.set(`u${i}`, 'string');
        break;
      case 3: {
        const gone = added.shift();
        if (gone) {
          lines.push(`.drop('${gone}')`);
          cols.delete(gone);
        } else lines.push(`.dedupe('s0')`);
        break;
      }
      case 4:
        lines.push(`.filter((r) => r.u${i - 2}.startsWith('a').and(r.b4.not()))`);
        break;
      default:
        lines.push(`.select(${[...cols.keys()].map((c) => `'${c}'`).join(', ')})`);
    }
  }
  const end = tail === 'complete' ? ';' : tail === 'member' ? '\n  .filter((r) => r.);' : '\n  .;';
  const text = [
    `import { source } from '@pipekit/core';`,
    `import { z } from 'zod';`,
    ``,
    `const Row = z.object({`,
    ...schema.map((c) => `  ${c.name}: ${zodOf[c.kind]},`),
    `});`,
    ``,
    `export const stream = source`,
    `  .memory({ schema: Row })`,
    ...lines.map((l) => `  ${l}`),
  ].join('\n');
  return { text: `${text}${end}\n`, columns: [...cols.keys()] };
}

/** A small pipeline with one duration in it: what an editor re-checks on each key stroke. */
export function durationPipeline(edit: number): string {
  return [
    `import { count, every, source, sum, tumbling } from '@pipekit/core';`,
    `import { z } from 'zod';`,
    ``,
    `const Purchase = z.object({ userId: z.string(), amount: z.number(), eventTime: z.date() });`,
    ``,
    `export const revenue = source`,
    `  .memory({ schema: Purchase })`,
    `  .filter((r) => r.amount.gt(${edit % 10}))`,
    `  .watermark('eventTime', '15 minutes')`,
    `  .window(tumbling('5 minutes'))`,
    `  .groupBy('userId')`,
    `  .aggregate({ purchases: count(), revenue: sum('amount') })`,
    `  .sink.memory({ name: 'revenue', trigger: every('5 seconds') });`,
    ``,
  ].join('\n');
}
