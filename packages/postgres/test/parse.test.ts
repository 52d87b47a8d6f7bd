import { describe, expect, it } from 'vitest';
import { typeParsers } from '../src/types.js';

const parse = (oid: number, s: string) =>
  (typeParsers.getTypeParser as (o: number) => (s: string) => unknown)(oid)(s);

describe('text parsers (no server needed)', () => {
  it.each([
    [1184, '2024-05-01 12:34:56.789123+00', '2024-05-01T12:34:56.789Z'],
    [1184, '2024-05-01 12:34:56+05:30', '2024-05-01T07:04:56.000Z'],
    [1184, '1969-12-31 23:59:59.5-01', '1970-01-01T00:59:59.500Z'],
    [1114, '2024-02-29 00:00:00.1', '2024-02-29T00:00:00.100Z'],
    [1082, '2024-02-29', '2024-02-29T00:00:00.000Z'],
  ])('time oid %i %s', (oid, text, iso) => {
    expect((parse(oid, text) as Date).toISOString()).toBe(iso);
  });

  it('arrays: quoting, escapes, NULL, nesting', () => {
    expect(parse(1009, '{a,"b c","d\\"e","f\\\\g",NULL,"NULL"}')).toEqual([
      'a',
      'b c',
      'd"e',
      'f\\g',
      null,
      'NULL',
    ]);
    expect(parse(1007, '{{1,2},{3,NULL}}')).toEqual([
      [1, 2],
      [3, null],
    ]);
    expect(parse(1007, '{}')).toEqual([]);
  });
});
