import { describe, expect, it } from 'vitest';
import { count, max, PipekitError, sum } from '../../src/index.js';
import { purchases } from '../types/fixtures.js';

describe('aggregate', () => {
  it('gives the same plan from the callback form as from named aggregates', () => {
    const named = purchases()
      .groupBy('userId')
      .aggregate({ n: count(), total: sum('amount'), top: max('eventTime') });
    const callback = purchases()
      .groupBy('userId')
      .aggregate((a) => ({ n: a.count(), total: a.sum('amount'), top: a.max('eventTime') }));
    expect(callback.node.op).toEqual(named.node.op);
    expect(callback.node.schema).toEqual(named.node.schema);
  });

  it('refuses, at build time, a sum of a string column in code the compiler cannot check', () => {
    const untyped = ((a: { sum(c: string): unknown }) => ({ total: a.sum('userId') })) as never;
    expect(() => purchases().groupBy('userId').aggregate(untyped)).toThrow(PipekitError);
    expect(() => purchases().groupBy('userId').aggregate(untyped)).toThrow(
      "aggregates[0].column: sum needs a numeric column; 'userId' is string",
    );
  });
});
