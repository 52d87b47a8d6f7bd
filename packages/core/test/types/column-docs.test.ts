/**
 * Doc comments written on zod fields stay on the row's columns through the steps that keep the
 * column (as an editor shows them: hover and completion details), asked of the language service.
 */
import { describe, expect, it } from 'vitest';
import { completionDocAt, hoverAt } from './language-service.js';

const amountDoc = 'What was paid, in euros, tax included.';
const userIdDoc = "Who bought: the shop's user id.";
const pageDoc = "The page's path, without the query string.";

/** The doc comment an editor shows when hovering `r.amount` in a filter after `chain`. */
const hoverDoc = (chain: string, column = 'amount') =>
  hoverAt(`${clicks}${chain}.filter((r) => r.${column}|.isNotNull());`).doc;
/** A second stream for the joins. */
const clicks = 'const clicks = source.memory({ schema: Click });\n';

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

  it(
    "stay through steps that change the row, on every column still the source's",
    () => {
      const chains = [
        "p.withColumn('double', (r) => r.amount.times(2))",
        "p.select('userId', 'amount')",
        "p.select({ amount: 'amount', buyer: 'userId' })",
        "p.drop('vip', 'quantity')",
        "p.join(clicks, { on: 'userId' })",
        "p.join(clicks, { on: 'userId', type: 'full' })",
      ];
      for (const chain of chains) {
        expect(hoverDoc(chain), chain).toBe(amountDoc);
        expect(completionDocAt(`${clicks}${chain}.filter((r) => r.|);`, 'amount'), chain).toBe(
          amountDoc,
        );
      }
    },
    slow,
  );

  it(
    "in a join, each side's columns keep their own schema's doc; the left's keys keep the left's",
    () => {
      const joined = "p.join(clicks, { on: 'userId' })";
      expect(hoverDoc(joined, 'page')).toBe(pageDoc);
      expect(hoverDoc(joined, 'userId')).toBe(userIdDoc);
      expect(hoverDoc("clicks.join(p, { on: 'userId' })", 'userId')).toBe('');
    },
    slow,
  );

  it(
    'stay on the group keys of an aggregation; the window bounds have theirs',
    () => {
      const byUser =
        "p.groupBy('userId', 'amount').aggregate({ n: count(), total: sum('quantity') })";
      expect(hoverDoc(byUser)).toBe(amountDoc);
      expect(hoverDoc(byUser, 'userId')).toBe(userIdDoc);
      const windowed =
        "p.watermark('eventTime', '1 minute').window(tumbling('5 minutes')).groupBy('userId').aggregate({ n: count() })";
      expect(hoverDoc(windowed, 'userId')).toBe(userIdDoc);
      expect(hoverDoc(windowed, 'window_start')).toMatch(/^Where the window starts/);
    },
    slow,
  );

  it(
    "are gone where the column is no longer the source's: replaced, renamed, aggregated",
    () => {
      expect(hoverDoc("p.withColumn('amount', (r) => r.amount.times(2))")).toBe('');
      expect(hoverDoc("p.select({ buyer: 'userId' })", 'buyer')).toBe('');
      expect(hoverDoc("p.groupBy('userId').aggregate({ amount: sum('amount') })")).toBe('');
    },
    slow,
  );

  it(
    'stay through a 100-step chain of mixed row-changing steps',
    () => {
      expect(hoverDoc(longChain(100))).toBe(amountDoc);
      expect(hoverDoc(longChain(100), 'page')).toBe(pageDoc);
    },
    slow,
  );

  // What holds: every step that keeps a column as it is (same name, same values) keeps its doc,
  // through chains of any length (rows are laid over fixed declarations, see step-rows.ts, so no
  // row refers to the one before: no TS2589, the 200-step type test passes). A column renamed by a
  // projection (`{ buyer: 'userId' }`) loses it: TypeScript links declarations only through mapped
  // types that keep key names; the same for the right side's `x_right`.
});

/** `steps` steps that each change the row (withColumn, drop, select by name and by projection, join). */
function longChain(steps: number): string {
  const columns = ['userId', 'eventType', 'amount', 'quantity', 'eventTime', 'vip'];
  const parts: string[] = [];
  for (let i = 0; i < steps; i++) {
    const added = `w${i - (i % 5)}`;
    switch (i % 5) {
      case 0:
        parts.push(`.withColumn('${added}', (r) => r.amount.times(2))`);
        break;
      case 1:
        parts.push(`.select(${[...columns, added].map((c) => `'${c}'`).join(', ')})`);
        break;
      case 2:
        parts.push(`.select({ ${[...columns, added].map((c) => `${c}: '${c}'`).join(', ')} })`);
        break;
      case 3:
        parts.push(`.drop('${added}')`);
        break;
      default:
        parts.push(
          i === 49 ? `.join(clicks, { on: 'userId', type: 'left' })` : `.dedupe('userId')`,
        );
        if (i === 49) columns.push('page', 'ts');
    }
  }
  return `p${parts.join('\n  ')}`;
}
