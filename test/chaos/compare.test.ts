import { describe, expect, it } from 'vitest';
import { compareRows, compareUpserts, compareWindows, type Event } from './compare.js';

// The chaos checks must see what they claim to: a lost, a doubled and a wrong row each show.

const e = (id: number, user = `u${id % 2}`): Event => ({ id, user, amount: id, ts: 1_000 * id });
const row = (x: Event) => ({ ...x, ts: new Date(x.ts) });

describe('chaos comparisons', () => {
  it('rows: lost, duplicated and wrong are counted', () => {
    const input = [e(1), e(2), e(3)];
    expect(compareRows(input, input.map(row))).toEqual({
      expected: 3,
      lost: 0,
      duplicated: 0,
      wrong: 0,
    });
    expect(
      compareRows(input, [row(e(1)), row(e(1)), row(e(3)), { ...row(e(2)), amount: 9 }]),
    ).toEqual({
      expected: 3,
      lost: 1,
      duplicated: 1,
      wrong: 1,
    });
  });

  it('upserts: the last event per user, a stale one is lost', () => {
    const input = [e(1), e(2), e(3), e(4)];
    expect(compareUpserts(input, [row(e(3)), row(e(4))])).toMatchObject({ expected: 2, lost: 0 });
    expect(compareUpserts(input, [row(e(1)), row(e(4))])).toMatchObject({ lost: 1 });
  });

  it('windows: counts and sums per window and user', () => {
    const input = [e(1, 'a'), e(2, 'a'), e(3, 'a')];
    const w = (start: number, n: number, total: number) => ({
      window_start: new Date(start),
      user: 'a',
      n,
      total,
    });
    expect(compareWindows(input, [w(0, 1, 1), w(2_000, 2, 5)], 2_000)).toMatchObject({
      expected: 2,
      lost: 0,
      duplicated: 0,
      wrong: 0,
    });
    // [0, 2000) written twice; [2000, 4000) with a wrong count.
    expect(compareWindows(input, [w(0, 1, 1), w(0, 1, 1), w(2_000, 1, 3)], 2_000)).toMatchObject({
      lost: 1,
      duplicated: 1,
      wrong: 1,
    });
  });
});
