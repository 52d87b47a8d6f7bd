/**
 * Doc comments written on zod fields stay on the row's columns through the steps that keep the
 * column (as an editor shows them: hover and completion details), asked of the language service.
 */
import { describe, expect, it } from 'vitest';
import { completionDocAt, hoverAt } from './language-service.js';

const amountDoc = 'What was paid, in euros, tax included.';
const userDoc = "Who bought: the shop's user id.";
const pageDoc = "The page's path, without the query string.";
const clicks = `source.memory({ schema: Click })`;

/** The doc comment an editor shows when hovering `r.amount` in a filter after `chain`. */
const hoverDoc = (chain: string, column = 'amount') =>
  hoverAt(`${chain}.filter((r) => r.${column}|.isNotNull());`).doc;

// Each probe is an edit the language service re-checks (slow on a loaded machine).
const slow = 180_000;

describe('doc comments of zod fields on row columns', () => {
  it(
    'show at the source step',
    () => {
      expect(hoverDoc('p')).toBe(amountDoc);
      expect(completionDocAt(`p.filter((r) => r.|);`, 'amount')).toBe(amountDoc);
    },
    slow,
  );

  it(
    'stay after withColumn, select, drop, filter, join and a group key',
    () => {
      const cases: [string, string, string][] = [
        ["p.withColumn('net', (r) => r.amount.times(0.8))", 'amount', amountDoc],
        ["p.select('userId', 'amount')", 'amount', amountDoc],
        ["p.drop('vip')", 'amount', amountDoc],
        ['p.filter((r) => r.amount.gt(0))', 'amount', amountDoc],
        [`p.join(${clicks}, { on: 'userId' })`, 'amount', amountDoc],
        [`p.join(${clicks}, { on: 'userId', type: 'left' })`, 'page', pageDoc],
        ["p.groupBy('userId').aggregate({ n: count() })", 'userId', userDoc],
        [
          "p.withColumn('net', (r) => r.amount.times(0.8)).select('userId', 'amount', 'net').filter((r) => r.net.gt(1)).drop('net')",
          'amount',
          amountDoc,
        ],
      ];
      for (const [chain, column, doc] of cases) expect(hoverDoc(chain, column), chain).toBe(doc);
      expect(
        completionDocAt(`p.withColumn('x', (r) => r.amount).filter((r) => r.|);`, 'amount'),
      ).toBe(amountDoc);
    },
    slow,
  );

  it(
    'do not move to a column that only shares a name',
    () => {
      // Replaced by withColumn: a new column, no longer the schema's field.
      expect(hoverDoc("p.withColumn('net', (r) => r.amount.times(0.8))", 'net')).toBe('');
    },
    slow,
  );
});
