/**
 * SQL LIKE as an anchored RegExp: `%` any run, `_` one character, `\` escapes the next
 * character. Built once per literal pattern at compile time.
 *
 * @example
 * likeToRegExp('a\\_%', false).test('a_bc'); // true
 */
export function likeToRegExp(pattern: string, caseInsensitive: boolean): RegExp {
  let source = '';
  // Iterate by code point so `_` matches one character even outside the BMP (the `u` flag).
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i] as string;
    if (ch === '\\' && i + 1 < chars.length) {
      source += escapeRegExp(chars[++i] as string);
    } else if (ch === '%') source += '.*';
    else if (ch === '_') source += '.';
    else source += escapeRegExp(ch);
  }
  return new RegExp(`^${source}$`, caseInsensitive ? 'isu' : 'su');
}

// Only syntax characters may be escaped under the `u` flag.
function escapeRegExp(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

/**
 * A LIKE matcher for patterns only known per row; the last few compiled patterns are kept, so a
 * pattern column with few distinct values costs one RegExp each.
 */
export function likeMatcher(caseInsensitive: boolean): (value: string, pattern: string) => boolean {
  const cache = new Map<string, RegExp>();
  return (value, pattern) => {
    let re = cache.get(pattern);
    if (re === undefined) {
      if (cache.size >= 64) cache.clear();
      re = likeToRegExp(pattern, caseInsensitive);
      cache.set(pattern, re);
    }
    return re.test(value);
  };
}
