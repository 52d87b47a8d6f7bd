import { describe, expect, it } from 'vitest';
import {
  compileExpr,
  functionNames,
  lookupFunction,
  parseSqlExpression,
} from '../../src/expr/index.js';

const ts = new Date('2024-03-10T13:45:30.250Z'); // a Sunday
const run = (text: string, row: Record<string, unknown> = {}): unknown =>
  compileExpr(parseSqlExpression(text))({ ts, ...row });
const iso = (text: string): string | null => {
  const v = run(text);
  return v instanceof Date ? v.toISOString() : (v as null);
};

describe('string functions', () => {
  it.each<[string, unknown]>([
    ["lower('AbC')", 'abc'],
    ["UPPER('straße')", 'STRASSE'],
    ["trim('  a b  ')", 'a b'],
    ["trim('\ta ')", '\ta'],
    ["ltrim('  a ')", 'a '],
    ["rtrim('  a ')", '  a'],
    ["length('héllo')", 5],
    ["length('a😀b')", 3],
    ["substring('Spark SQL', 5)", 'k SQL'],
    ["substring('Spark SQL', 1, 5)", 'Spark'],
    ["substr('Spark SQL', 0, 2)", 'Sp'],
    ["substring('Spark SQL', -3)", 'SQL'],
    ["substring('Spark SQL', -3, 2)", 'SQ'],
    ["substring('Spark', 2, -1)", ''],
    ["substring('Spark', 10)", ''],
    ["substring('a😀b', 2, 1)", '😀'],
    ["concat('a', 1, TRUE)", 'a1true'],
    ["concat('a', NULL)", null],
    ["concat_ws('-', 'a', NULL, 'b')", 'a-b'],
    ["concat_ws(NULL, 'a')", null],
    ["replace('a.b.c', '.', '/')", 'a/b/c'],
    ["replace('abc', 'b')", 'ac'],
    ["replace('abc', '', 'x')", 'abc'],
    ["startswith('spark', 'sp')", true],
    ["endswith('spark', 'sp')", false],
    ["contains('spark', 'ar')", true],
    ["contains(NULL, 'ar')", null],
    ["regexp_like('a1', '\\\\d')", true],
    ["rlike('abc', '^b')", false],
    ["'abc' RLIKE 'b'", true],
  ])('%s → %j', (text, expected) => {
    expect(run(text)).toEqual(expected);
  });
});

describe('math and null functions', () => {
  it.each<[string, unknown]>([
    ['abs(-2.5)', 2.5],
    ['round(2.5)', 3],
    ['round(-2.5)', -3],
    ['round(2.675, 2)', 2.68],
    ['round(1.005, 2)', 1.01],
    ['round(1234.5678, -2)', 1200],
    ['round(0.004, 2)', 0],
    ['floor(-1.5)', -2],
    ['ceil(1.2)', 2],
    ['ceiling(-1.2)', -1],
    ['sqrt(16)', 4],
    ['pow(2, 10)', 1024],
    ['power(9, 0.5)', 3],
    ['exp(0)', 1],
    ['ln(0)', null],
    ['ln(-1)', null],
    ['log10(1000)', 3],
    ['greatest(1, NULL, 3, 2)', 3],
    ['least(5, NULL, 3)', 3],
    ['greatest(NULL, NULL)', null],
    ["greatest('b', 'a')", 'b'],
    ['coalesce(NULL, NULL, 3)', 3],
    ['coalesce(NULL)', null],
    ['nullif(1, 1)', null],
    ['nullif(1, 2)', 1],
    ['ifnull(NULL, 2)', 2],
    ['nvl(1, 2)', 1],
    ["if(NULL, 'y', 'n')", 'n'],
  ])('%s → %j', (text, expected) => {
    expect(run(text)).toEqual(expected);
  });
});

describe('date and time functions (UTC)', () => {
  it.each<[string, unknown]>([
    ['year(ts)', 2024],
    ['month(ts)', 3],
    ['dayofmonth(ts)', 10],
    ['day(ts)', 10],
    ['hour(ts)', 13],
    ['minute(ts)', 45],
    ['second(ts)', 30],
    ['dayofweek(ts)', 1],
    ["dayofweek(DATE '2024-03-16')", 7],
    ["year('2021-06-01 10:00:00')", 2021],
    ["month('garbage')", null],
    ['hour(ms)', 0],
    ["datediff(DATE '2024-03-10', DATE '2024-02-28')", 11],
    ["datediff('2024-01-01', '2024-01-02 23:00:00')", -1],
    ["unix_timestamp(TIMESTAMP '2024-01-01 00:00:00')", 1704067200],
    ["unix_timestamp('2024-01-01 00:00:10')", 1704067210],
    ["unix_timestamp('01/02/2024', 'MM/dd/yyyy')", 1704153600],
    ['unix_millis(ts)', ts.getTime()],
    ["date_format(ts, 'yyyy-MM-dd HH:mm')", '2024-03-10 13:45'],
    ["date_format(ts, 'dd MMM yy, EEE')", '10 Mar 24, Sun'],
  ])('%s → %j', (text, expected) => {
    expect(compileExpr(parseSqlExpression(text))({ ts, ms: Date.UTC(2024, 0, 1, 0, 30) })).toEqual(
      expected,
    );
  });

  it.each<[string, string | null]>([
    ["to_date('2024-03-10 13:45:00')", '2024-03-10T00:00:00.000Z'],
    ['to_date(ts)', '2024-03-10T00:00:00.000Z'],
    ["to_date('10/03/2024', 'dd/MM/yyyy')", '2024-03-10T00:00:00.000Z'],
    ["to_date('31/02/2024', 'dd/MM/yyyy')", null],
    ["to_date('soon')", null],
    ["to_timestamp('2024-03-10 13:45:00')", '2024-03-10T13:45:00.000Z'],
    ["to_timestamp('2024-03-10 01:45:00 PM', 'yyyy-MM-dd hh:mm:ss a')", '2024-03-10T13:45:00.000Z'],
    ["to_timestamp('20240310', 'yyyyMMdd')", '2024-03-10T00:00:00.000Z'],
    ["date_trunc('hour', ts)", '2024-03-10T13:00:00.000Z'],
    ["date_trunc('DAY', ts)", '2024-03-10T00:00:00.000Z'],
    ["date_trunc('month', ts)", '2024-03-01T00:00:00.000Z'],
    ["date_trunc('year', ts)", '2024-01-01T00:00:00.000Z'],
    ["date_trunc('week', ts)", '2024-03-04T00:00:00.000Z'],
    ["date_trunc('quarter', ts)", '2024-01-01T00:00:00.000Z'],
    ["date_trunc('fortnight', ts)", null],
    ['date_add(ts, 1)', '2024-03-11T00:00:00.000Z'],
    ["date_sub(DATE '2024-03-01', 1)", '2024-02-29T00:00:00.000Z'],
  ])('%s → %s', (text, expected) => {
    expect(iso(text)).toBe(expected);
  });

  it('reads epoch-millis numbers as times', () => {
    expect(run('hour(ms)', { ms: Date.UTC(2024, 0, 1, 7) })).toBe(7);
  });
});

describe('the registry', () => {
  it('lists every function the brief names', () => {
    const required =
      'lower upper trim ltrim rtrim length substring substr concat concat_ws replace startswith endswith contains regexp_like rlike coalesce nullif ifnull nvl abs round floor ceil ceiling sqrt pow power exp ln log10 greatest least year month dayofmonth day hour minute second dayofweek to_date to_timestamp date_trunc date_add date_sub datediff unix_timestamp unix_millis current_timestamp current_date';
    expect(required.split(' ').filter((n) => !functionNames().includes(n))).toEqual([]);
  });

  it('describes arity and result type', () => {
    const substring = lookupFunction('substring');
    expect(substring?.minArgs).toBe(2);
    expect(substring?.maxArgs).toBe(3);
    expect(substring?.returns([])).toBe('string');
    expect(lookupFunction('nope')).toBeUndefined();
  });
});
