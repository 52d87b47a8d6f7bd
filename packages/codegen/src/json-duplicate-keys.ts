import type { IssuePath } from '@pipekit/core';

export interface DuplicateKey {
  readonly path: IssuePath;
  readonly key: string;
  /** Offset of the second occurrence in the text. */
  readonly offset: number;
}

interface Frame {
  readonly kind: 'object' | 'array';
  readonly path: IssuePath;
  readonly keys: Set<string>;
  /** The key whose value is being read (objects), or the next element's index (arrays). */
  at: string | number;
}

/**
 * The first key written twice in one object of a JSON text that `JSON.parse` accepted.
 * `JSON.parse` (like the JVM parsers the legacy apps used) keeps the last value of a repeated key
 * without a word, so a config with `"amount": "sum(amount)", "amount": "max(amount)"` would lose an
 * aggregation silently; the converter refuses such a config instead.
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      let raw = '';
      for (i++; i < text.length && text[i] !== '"'; i++) {
        if (text[i] === '\\') raw += text[i++];
        raw += text[i];
      }
      const top = stack[stack.length - 1];
      if (expectKey && top?.kind === 'object') {
        const key = JSON.parse(`"${raw}"`) as string;
        if (top.keys.has(key)) return { path: top.path, key, offset: start };
        top.keys.add(key);
        top.at = key;
        expectKey = false;
      }
      continue;
    }
    if (c === '{' || c === '[') {
      const parent = stack[stack.length - 1];
      const path = parent ? [...parent.path, parent.at] : [];
      stack.push({ kind: c === '{' ? 'object' : 'array', path, keys: new Set(), at: 0 });
      expectKey = c === '{';
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',') {
      const top = stack[stack.length - 1];
      if (top?.kind === 'object') expectKey = true;
      else if (top) top.at = (top.at as number) + 1;
    }
  }
  return undefined;
}
