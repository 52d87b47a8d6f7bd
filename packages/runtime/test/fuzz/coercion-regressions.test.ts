import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatParquet, readParquet } from '../../src/formats/parquet.js';
import { rowCoercer } from '../../src/schema/coerce.js';

// Counterexamples the row-coercion fuzzer found, kept so the fixes stay fixed.

describe('fuzz regressions: row coercion', () => {
  // seed 1409261524: a column named __proto__ set the row's prototype and vanished from the row.
  it('a column named __proto__ is an own property of the row', () => {
    const coerce = rowCoercer(
      {
        fields: [
          { name: '__proto__', type: 'string', nullable: true },
          { name: 'x y', type: 'timestamp', nullable: false },
        ],
      },
      'n1',
    );
    const r = coerce(JSON.parse('{"__proto__":"p","x y":0}'), 'f:1');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(Object.hasOwn(r.row, '__proto__')).toBe(true);
      expect(Object.getOwnPropertyDescriptor(r.row, '__proto__')?.value).toBe('p');
      expect(Object.getPrototypeOf(r.row)).toBe(Object.prototype);
    }
  });

  // seed 2040397566 / 140539482: 8640000000000001 ms became an Invalid Date in the row.
  it.each(['timestamp', 'date'] as const)('a %s beyond the Date range is a bad record', (type) => {
    const coerce = rowCoercer({ fields: [{ name: 'a', type, nullable: false }] }, 'n1');
    expect(coerce({ a: 8640000000000001 }, 'f:1')).toMatchObject({
      ok: false,
      bad: { reason: "column 'a': expected " + type + ', got 8640000000000001 (out of range)' },
    });
    expect(coerce({ a: 8640000000000001n }, 'f:1').ok).toBe(false);
  });

  // seed -323131849 / -187852201: -129 passed as a byte, -32769 as a short (fast path and slow).
  it.each([
    ['byte', -129, 127],
    ['short', -32769, 32767],
    ['integer', 3_000_000_000, -2147483648],
    ['long', 2 ** 64, 2 ** 53],
  ] as const)('%s: %d is out of range, %d is fine', (type, outside, inside) => {
    const coerce = rowCoercer({ fields: [{ name: 'n', type, nullable: false }] }, 'n1');
    for (const raw of [outside, String(outside), BigInt(outside)]) {
      const r = coerce({ n: raw }, 'f:1');
      expect(r.ok).toBe(false);
      if (!r.ok)
        expect(r.bad.reason).toMatch(new RegExp(`^column 'n': .* is out of range for ${type}`));
    }
    expect(coerce({ n: inside }, 'f:1')).toEqual({ ok: true, row: { n: inside } });
  });
});

describe('fuzz regressions: Parquet rows', () => {
  // The Parquet fuzzer's counterexample: a column named __proto__ holding a Date made the read
  // row a Date-prototyped object, and the coercer then threw a TypeError describing it.
  it('a column named __proto__ is read as a column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pipekit-parquet-proto-'));
    try {
      const row = {};
      Object.defineProperty(row, '__proto__', { value: new Date(0), enumerable: true });
      const file = join(dir, 'p.parquet');
      writeFileSync(
        file,
        formatParquet([row], { fields: [{ name: '__proto__', type: 'date', nullable: false }] }),
      );
      const [read] = await readParquet(file);
      expect(Object.getPrototypeOf(read)).toBe(Object.prototype);
      expect(Object.getOwnPropertyDescriptor(read, '__proto__')?.value).toEqual(new Date(0));
      const coerce = rowCoercer({ fields: [{ name: 'a', type: 'string', nullable: false }] }, 'n');
      expect(coerce(read, 'p.parquet:1')).toMatchObject({
        ok: false,
        bad: { reason: "column 'a' is missing or null but not nullable" },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
