import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sqlFunctionReference } from '../../src/expr/function-reference.js';
import { functionNames } from '../../src/expr/functions.js';

describe('docs/reference/sql-functions.md', () => {
  const page = readFileSync(
    new URL('../../../../docs/reference/sql-functions.md', import.meta.url),
    'utf8',
  );

  it('is what the function registry generates (npm run docs writes it)', () => {
    expect(page).toBe(sqlFunctionReference());
  });

  it('lists every registered function', () => {
    for (const name of functionNames()) expect(page).toContain(`| \`${name}\` |`);
  });
});
