/**
 * What a JSON text that stops too early leaves open: the innermost object, array or string not
 * closed at the end, with its offset. Strings are skipped with their escapes, so a `{` inside a
 * string is not counted. Null when everything opened is closed.
 */
export function unclosedAtEnd(
  text: string,
): { readonly what: 'object' | 'array' | 'string'; readonly offset: number } | null {
  const open: { what: 'object' | 'array'; offset: number }[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      if (i >= text.length) return { what: 'string', offset: start };
    } else if (c === '{' || c === '[')
      open.push({ what: c === '{' ? 'object' : 'array', offset: i });
    else if (c === '}' || c === ']') open.pop();
  }
  return open.at(-1) ?? null;
}
