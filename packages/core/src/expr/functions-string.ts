import { PipekitError } from '../errors/pipekit-error.js';
import { asNumber, asText } from './coerce.js';
import { returns, type SqlFunction } from './function-def.js';

/** Strict string functions: each argument arrives non-null and is read as text. */
function textFn(
  name: string,
  min: number,
  max: number,
  type: 'string' | 'boolean' | 'integer',
  fn: (...a: string[]) => unknown,
): SqlFunction {
  return {
    name,
    minArgs: min,
    maxArgs: max,
    nulls: 'strict',
    returns: returns(type),
    impl: (...args) => {
      const texts = args.map(asText);
      return texts.includes(null) ? null : fn(...(texts as string[]));
    },
  };
}

// Spark trims only the space character (U+0020), not all whitespace.
const trimStart = (s: string): string => s.replace(/^ +/, '');
const trimEnd = (s: string): string => s.replace(/ +$/, '');

const hasSurrogates = /[\uD800-\uDFFF]/;

/** Length in characters (code points), as Spark counts. */
function charLength(s: string): number {
  return hasSurrogates.test(s) ? Array.from(s).length : s.length;
}

/** Spark's `substring(str, pos[, len])`: 1-based, 0 acts as 1, negative counts from the end. */
export function sparkSubstring(s: string, pos: number, len = Number.POSITIVE_INFINITY): string {
  const chars = hasSurrogates.test(s) ? Array.from(s) : null;
  const n = chars ? chars.length : s.length;
  const start = pos > 0 ? pos - 1 : pos < 0 ? n + pos : 0;
  const end = start + len;
  const from = Math.max(start, 0);
  if (from >= end) return '';
  const to = Math.min(end, n);
  return chars ? chars.slice(from, to).join('') : s.slice(from, to);
}

const regexCache = new Map<string, RegExp>();

/** The reason `pattern` is not a regular expression, or undefined when it is one. */
function regExpProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (e) {
    return `invalid regular expression ${JSON.stringify(pattern)}: ${(e as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /s, '')}`;
  }
}

// A pattern from a column is only known per row: a bad one stops the query, as in Spark.
function compileRegExp(pattern: string): RegExp {
  const problem = regExpProblem(pattern);
  if (problem !== undefined) throw new PipekitError(`rlike: ${problem}`, [], undefined);
  return new RegExp(pattern);
}

/** `rlike`: a partial match (Java's `find`), compiled once per distinct pattern. */
function regexpLike(s: string, pattern: string): boolean {
  let re = regexCache.get(pattern);
  if (re === undefined) {
    if (regexCache.size >= 256) regexCache.clear();
    re = compileRegExp(pattern);
    regexCache.set(pattern, re);
  }
  return re.test(s);
}

export const stringFunctions: readonly SqlFunction[] = [
  textFn('lower', 1, 1, 'string', (s) => s.toLowerCase()),
  textFn('upper', 1, 1, 'string', (s) => s.toUpperCase()),
  textFn('trim', 1, 1, 'string', (s) => trimEnd(trimStart(s))),
  textFn('ltrim', 1, 1, 'string', trimStart),
  textFn('rtrim', 1, 1, 'string', trimEnd),
  {
    name: 'length',
    minArgs: 1,
    maxArgs: 1,
    nulls: 'strict',
    returns: returns('integer'),
    // Binary counts bytes; everything else counts characters of its text.
    impl: (v) => (v instanceof Uint8Array ? v.length : charLength(asText(v) ?? '')),
  },
  ...['substring', 'substr'].map(
    (name): SqlFunction => ({
      name,
      minArgs: 2,
      maxArgs: 3,
      nulls: 'strict',
      returns: returns('string'),
      impl: (s, pos, len) => {
        const text = asText(s);
        const p = asNumber(pos);
        const l = len === undefined ? undefined : asNumber(len);
        if (text === null || p === null || l === null) return null;
        return sparkSubstring(text, Math.trunc(p), l === undefined ? undefined : Math.trunc(l));
      },
    }),
  ),
  textFn('concat', 0, Number.POSITIVE_INFINITY, 'string', (...parts) => parts.join('')),
  {
    name: 'concat_ws',
    minArgs: 1,
    maxArgs: Number.POSITIVE_INFINITY,
    nulls: 'custom',
    returns: returns('string'),
    nullable: (args) => args[0]?.nullable ?? true,
    // NULL parts are skipped; only a NULL separator makes the result NULL. Arrays are flattened.
    impl: (sep, ...parts) => {
      const separator = asText(sep);
      if (separator === null) return null;
      const texts: string[] = [];
      for (const part of parts.flat()) {
        const t = part === null || part === undefined ? null : asText(part);
        if (t !== null) texts.push(t);
      }
      return texts.join(separator);
    },
  },
  textFn('replace', 2, 3, 'string', (s, search, replacement = '') =>
    search === '' ? s : s.replaceAll(search, replacement),
  ),
  textFn('startswith', 2, 2, 'boolean', (s, prefix) => s.startsWith(prefix)),
  textFn('endswith', 2, 2, 'boolean', (s, suffix) => s.endsWith(suffix)),
  textFn('contains', 2, 2, 'boolean', (s, part) => s.includes(part)),
  ...['regexp_like', 'rlike', 'regexp'].map(
    (name): SqlFunction => ({
      ...textFn(name, 2, 2, 'boolean', regexpLike),
      checkLiterals: ([, pattern]) =>
        typeof pattern === 'string' ? regExpProblem(pattern) : undefined,
    }),
  ),
];
