import { SqlParseError } from './sql-parse-error.js';

export type SqlTokenKind =
  | 'ident' // a bare word; keywords are bare words too, told apart by the parser
  | 'quotedIdent' // `a column`
  | 'number'
  | 'string'
  | 'op' // operators and punctuation: ( ) , + - * / % = == != <> < <= > >= <=> || !
  | 'eof';

export interface SqlToken {
  readonly kind: SqlTokenKind;
  /** The source text of the token. */
  readonly text: string;
  /** Identifier name, unescaped string contents, or the operator. */
  readonly value: string;
  /** Offset of the first character. */
  readonly start: number;
  /** For numbers: whether the text had a fraction, an exponent or a `D` suffix. */
  readonly fractional?: boolean;
}

// Longest first, so `<=>` wins over `<=` and `<`.
const operators = [
  '<=>',
  '<=',
  '>=',
  '<>',
  '!=',
  '==',
  '||',
  '=',
  '<',
  '>',
  '+',
  '-',
  '*',
  '/',
  '%',
  '(',
  ')',
  ',',
  '!',
];

const identStart = /[A-Za-z_]/;
const identPart = /[A-Za-z0-9_]/;
const digit = /[0-9]/;

// Spark's unescapeSQLString: `\%` and `\_` keep their backslash so LIKE patterns still see it.
const escapes: Readonly<Record<string, string>> = {
  '0': '\0',
  b: '\b',
  n: '\n',
  r: '\r',
  t: '\t',
  Z: '\x1a',
  '%': '\\%',
  _: '\\_',
};

/**
 * Splits a Spark SQL expression into tokens. Whitespace and `--` / `/* *\/` comments are skipped.
 * Strings take `'...'` or `"..."` (Spark's default, non-ANSI mode), with a doubled quote or a
 * backslash escape for the quote itself.
 */
export function tokenizeSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i] as string;
    if (/\s/.test(ch)) {
      i++;
    } else if (text.startsWith('--', i)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end + 1;
    } else if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      if (end === -1) throw new SqlParseError(text, i, 'unterminated comment');
      i = end + 2;
    } else if (identStart.test(ch)) {
      let j = i + 1;
      while (j < text.length && identPart.test(text[j] as string)) j++;
      const word = text.slice(i, j);
      tokens.push({ kind: 'ident', text: word, value: word, start: i });
      i = j;
    } else if (digit.test(ch) || (ch === '.' && digit.test(text[i + 1] ?? ''))) {
      i = readNumber(text, i, tokens);
    } else if (ch === "'" || ch === '"') {
      i = readString(text, i, tokens);
    } else if (ch === '`') {
      i = readQuotedIdent(text, i, tokens);
    } else {
      const op = operators.find((o) => text.startsWith(o, i));
      if (op === undefined) throw new SqlParseError(text, i, `unexpected character '${ch}'`);
      tokens.push({ kind: 'op', text: op, value: op, start: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'eof', text: '', value: '', start: text.length });
  return tokens;
}

function readNumber(text: string, start: number, tokens: SqlToken[]): number {
  const match = /^(\d*)(\.\d*)?([eE][+-]?\d+)?/.exec(text.slice(start)) as RegExpExecArray;
  let end = start + match[0].length;
  let fractional = match[2] !== undefined || match[3] !== undefined;
  // Spark's type suffixes: 10L is a bigint, 1D a double. Both are plain numbers here.
  const suffix = text[end];
  if (suffix === 'L' || suffix === 'l') end++;
  else if (suffix === 'D' || suffix === 'd') {
    fractional = true;
    end++;
  }
  if (identPart.test(text[end] ?? '')) {
    throw new SqlParseError(text, end, `unexpected character '${text[end]}' after a number`);
  }
  const digits = match[0];
  tokens.push({ kind: 'number', text: text.slice(start, end), value: digits, start, fractional });
  return end;
}

function readString(text: string, start: number, tokens: SqlToken[]): number {
  const quote = text[start] as string;
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new SqlParseError(text, start, 'unterminated string');
    const ch = text[i] as string;
    if (ch === quote) {
      if (text[i + 1] === quote) {
        value += quote;
        i += 2;
        continue;
      }
      i++;
      break;
    }
    if (ch === '\\' && i + 1 < text.length) {
      const next = text[i + 1] as string;
      value += escapes[next] ?? next;
      i += 2;
      continue;
    }
    value += ch;
    i++;
  }
  tokens.push({ kind: 'string', text: text.slice(start, i), value, start });
  return i;
}

function readQuotedIdent(text: string, start: number, tokens: SqlToken[]): number {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new SqlParseError(text, start, 'unterminated quoted identifier');
    const ch = text[i] as string;
    if (ch === '`') {
      if (text[i + 1] === '`') {
        value += '`';
        i += 2;
        continue;
      }
      i++;
      break;
    }
    value += ch;
    i++;
  }
  if (value === '') throw new SqlParseError(text, start, 'empty quoted identifier');
  tokens.push({ kind: 'quotedIdent', text: text.slice(start, i), value, start });
  return i;
}
