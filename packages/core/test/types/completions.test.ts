/**
 * What an editor offers, asked of the TypeScript language service as an editor asks it: the
 * columns a function takes inside `aggregate` (both forms), the row's columns after a chain.
 */
import { describe, expect, it } from 'vitest';
import { completionsAt } from './language-service.js';

const all = ['amount', 'eventTime', 'eventType', 'quantity', 'userId', 'vip'];
const numeric = ['amount', 'quantity'];
// Orderable: every column of Purchase is a number, string, time or boolean.
const columnsOf = { sum: numeric, avg: numeric, min: all, max: all, count: all } as const;
const anyColumn = ['countDistinct', 'first', 'last'] as const;

// Each probe is an edit the language service re-checks; the first one loads the program. Slow on a
// loaded machine, hence the long timeouts.
const slow = 180_000;

describe('completion', () => {
  it(
    'inside aggregate((a) => ...) offers exactly the columns each function takes',
    () => {
      // One function of each column set (the builder's parameter types are tested in aggregates.test-d.ts).
      for (const [fn, columns] of [
        ['sum', numeric],
        ['max', all],
        ['first', all],
      ] as const)
        expect(
          completionsAt(`p.groupBy('userId').aggregate((a) => ({ t: a.${fn}('|') }));`),
          fn,
        ).toEqual(columns);
    },
    slow,
  );

  it(
    'inside aggregate({ t: sum(|) }) offers exactly the columns each function takes',
    () => {
      for (const [fn, columns] of Object.entries(columnsOf))
        expect(
          completionsAt(`p.groupBy('userId').aggregate({ n: count(), t: ${fn}('|') });`),
          fn,
        ).toEqual(columns);
      for (const fn of anyColumn)
        expect(completionsAt(`p.groupBy('userId').aggregate({ t: ${fn}('|') });`), fn).toEqual(all);
    },
    slow,
  );

  it(
    'inside the object form, whatever the string holds and whatever the other aggregates are',
    () => {
      // A partly typed name, a full valid one, a wrong one: the list is the function's columns.
      for (const typed of ['am|', 'amount|', 'userId|'])
        expect(
          completionsAt(`p.groupBy('userId').aggregate({ t: sum('${typed}') });`),
          typed,
        ).toEqual(numeric);
      // Beside a mistaken aggregate, and after a windowed group-by on a later row.
      expect(
        completionsAt(`p.groupBy('userId').aggregate({ bad: sum('userId'), t: avg('|') });`),
      ).toEqual(numeric);
      expect(
        completionsAt(
          `p.withColumn('net', (r) => r.amount.times(0.8)).drop('vip').watermark('eventTime', '1 minute').window(tumbling('1 minute')).groupBy('userId').aggregate({ t: sum('|') });`,
        ),
      ).toEqual(['amount', 'net', 'quantity']);
    },
    slow,
  );

  it(
    'in sink options that name columns offers the row as it is',
    () => {
      const perUser = `p.groupBy('userId', 'eventType').aggregate({ n: sum('amount') })`;
      expect(completionsAt(`${perUser}.sink.delta({ path: 'x', partitionBy: ['|'] });`)).toEqual([
        'eventType',
        'n',
        'userId',
      ]);
      expect(
        completionsAt(
          `p.select('userId', 'vip').sink.kafka({ brokers: [], topic: 't', key: '|' });`,
        ),
      ).toEqual(['userId', 'vip']);
    },
    slow,
  );

  it(
    'after a chain offers the row as it is at that step',
    () => {
      const chain = `p.withColumn('tax', (r) => r.amount.times(0.2)).drop('vip').select('userId', 'tax')`;
      expect(completionsAt(`${chain}.filter((r) => r.|);`)).toEqual(['tax', 'userId']);
    },
    slow,
  );
});
