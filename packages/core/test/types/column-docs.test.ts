/**
 * Doc comments written on zod fields stay on the row's columns through the steps that keep the
 * column (as an editor shows them: hover and completion details), asked of the language service.
 */
import { describe, expect, it } from 'vitest';
import { completionDocAt, hoverAt } from './language-service.js';

const amountDoc = 'What was paid, in euros, tax included.';

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
    'stay through steps that keep the row (filter, expect, dedupe)',
    () => {
      for (const chain of ['p.filter((r) => r.amount.gt(0))', "p.dedupe('userId')"])
        expect(hoverDoc(chain), chain).toBe(amountDoc);
    },
    slow,
  );

  // Not yet: after a step that changes the row (withColumn, select, drop, join, aggregate) the doc
  // is lost. Rows mapped over the previous row keep it, but then each row refers to the one before,
  // and the compiler re-instantiating a row walks that history: past ~130 steps it hits its depth
  // limit (TS2589). See bench/results/types.json, howToReadSession2.
});
