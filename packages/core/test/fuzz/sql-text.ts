import fc from 'fast-check';
import { functionNames } from '../../src/expr/index.js';

/**
 * Spark SQL expression texts written the way people write them: any case for keywords, optional
 * parentheses, both quote styles, `<>`/`==`, simple CASE, IS DISTINCT FROM. Generated as text (not
 * through our printer) so the parser sees input the printer would never produce.
 */

const kw = (word: string): fc.Arbitrary<string> =>
  fc.constantFrom(word.toUpperCase(), word.toLowerCase(), word[0]?.toUpperCase() + word.slice(1));

const plainNames = ['a', 'b', 'x', 'y', 'amount', 'event_type', '_c0', 'Ts'];
const quotedNames = ['`my col`', '`select`', '`a``b`', '`and`', '`é`', '`1x`', '`from`'];

const column = fc.oneof(fc.constantFrom(...plainNames), fc.constantFrom(...quotedNames));

const integer = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }).map(String),
  fc.bigInt({ min: 0n, max: 2n ** 63n }).map((n) => `${n}`),
  fc.nat().map((n) => `${n}L`),
);

const double = fc.oneof(
  fc
    .double({ noNaN: true, noDefaultInfinity: true, min: -1e300, max: 1e300 })
    .map((d) => (Number.isInteger(d) ? `${d}.0` : String(d))),
  fc.nat(999).map((n) => `${n}D`),
  fc.tuple(fc.nat(99), fc.nat(99)).map(([a, b]) => `${a}.${b}e-3`),
  fc.nat(99).map((n) => `.${n}`),
);

/** A string literal with its contents escaped by hand: doubled quotes and backslash escapes. */
const stringLiteral = fc.oneof(
  fc
    .string({ unit: 'grapheme', maxLength: 8 })
    .map((s) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`),
  fc.string({ maxLength: 6 }).map((s) => `"${s.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`),
  fc.constantFrom("'constructor'", "'toString'", "'__proto__'", "'hasOwnProperty'"),
  fc.constantFrom("'it\\'s'", "'tab\\there'", "'100\\%'", "'a' 'b'", "'\\u0041'", "''"),
);

const dateLiteral = fc
  .date({
    min: new Date('0001-01-01T00:00:00Z'),
    max: new Date('9999-12-31T23:59:59Z'),
    noInvalidDate: true,
  })
  .chain((d) =>
    fc.constantFrom(
      `DATE '${d.toISOString().slice(0, 10)}'`,
      `TIMESTAMP '${d.toISOString().replace('T', ' ').replace('Z', '')}'`,
      `timestamp '${d.toISOString()}'`,
    ),
  );

const literal = fc.oneof(
  integer,
  double,
  stringLiteral,
  dateLiteral,
  kw('null'),
  kw('true'),
  kw('false'),
);

const binaryOps = [
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
  '=',
  '==',
  '!=',
  '<>',
  '<',
  '<=',
  '>',
  '>=',
  '<=>',
];
const types = [
  'INT',
  'bigint',
  'STRING',
  'double',
  'BOOLEAN',
  'date',
  'timestamp',
  'decimal(10,2)',
  'DECIMAL',
  'varchar(5)',
  'float',
  'smallint',
  // Keys of Object.prototype: lookups in plain-object tables must not find them.
  'constructor',
  'toString',
];

const names = functionNames();

/** An expression text of bounded depth. */
export const sqlText: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => {
  const e = tie('expr');
  const wrap = (a: fc.Arbitrary<string>) =>
    fc.tuple(a, fc.boolean()).map(([s, paren]) => (paren ? `(${s})` : s));
  return {
    expr: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      column,
      literal,
      wrap(fc.tuple(e, fc.constantFrom(...binaryOps), e).map(([l, op, r]) => `${l} ${op} ${r}`)),
      wrap(
        fc.tuple(e, fc.constantFrom('AND', 'or', 'And'), e).map(([l, op, r]) => `${l} ${op} ${r}`),
      ),
      wrap(fc.tuple(kw('not'), e).map(([n, x]) => `${n} ${x}`)),
      wrap(e.map((x) => `-${x}`)),
      wrap(fc.tuple(e, fc.boolean()).map(([x, n]) => `${x} IS ${n ? 'NOT ' : ''}NULL`)),
      wrap(
        fc
          .tuple(e, fc.boolean(), fc.array(e, { minLength: 1, maxLength: 3 }))
          .map(([x, n, list]) => `${x} ${n ? 'NOT ' : ''}IN (${list.join(', ')})`),
      ),
      wrap(
        fc
          .tuple(e, fc.boolean(), fc.constantFrom('LIKE', 'ilike', 'RLIKE', 'regexp'), e)
          .map(([x, n, op, p]) => `${x} ${n ? 'NOT ' : ''}${op} ${p}`),
      ),
      wrap(
        fc
          .tuple(e, fc.boolean(), e, e)
          .map(([x, n, lo, hi]) => `${x} ${n ? 'NOT ' : ''}BETWEEN ${lo} AND ${hi}`),
      ),
      wrap(
        fc
          .tuple(e, fc.boolean(), fc.constantFrom('TRUE', 'false', 'DISTINCT FROM'), e)
          .map(
            ([x, n, what, y]) =>
              `${x} IS ${n ? 'NOT ' : ''}${what}${what === 'DISTINCT FROM' ? ` ${y}` : ''}`,
          ),
      ),
      fc.tuple(e, fc.constantFrom(...types)).map(([x, t]) => `CAST(${x} AS ${t})`),
      fc
        .tuple(fc.array(fc.tuple(e, e), { minLength: 1, maxLength: 3 }), fc.option(e))
        .map(
          ([bs, other]) =>
            `CASE${bs.map(([w, t]) => ` WHEN ${w} THEN ${t}`).join('')}${other === null ? '' : ` ELSE ${other}`} END`,
        ),
      fc
        .tuple(e, fc.array(fc.tuple(e, e), { minLength: 1, maxLength: 2 }))
        .map(([x, bs]) => `case ${x}${bs.map(([w, t]) => ` when ${w} then ${t}`).join('')} end`),
      fc
        .tuple(fc.constantFrom(...names), fc.array(e, { maxLength: 3 }))
        .map(([f, args]) => `${f}(${args.join(', ')})`),
      fc.constantFrom(
        'count(*)',
        'current_date',
        'current_timestamp()',
        '`weird fn`(a)',
        'constructor(a)',
      ),
    ),
  };
}).expr;

/** One random edit of a text: a character deleted, inserted or replaced, or a slice dropped. */
export function mutatedText(base: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const noise = fc.oneof(
    fc.constantFrom(...`()'"\`,.-+*/%=<>!|eE\\ \n\t0123456789aAnNdD`.split('')),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  );
  return fc
    .tuple(base, fc.nat(), fc.nat(), fc.constantFrom('delete', 'insert', 'replace', 'cut'), noise)
    .map(([text, i, j, how, ch]) => {
      const at = text.length === 0 ? 0 : i % (text.length + 1);
      switch (how) {
        case 'delete':
          return text.slice(0, at) + text.slice(at + 1);
        case 'insert':
          return text.slice(0, at) + ch + text.slice(at);
        case 'replace':
          return text.slice(0, at) + ch + text.slice(at + 1);
        default:
          return text.slice(0, at) + text.slice(at + (j % 8) + 1);
      }
    });
}
