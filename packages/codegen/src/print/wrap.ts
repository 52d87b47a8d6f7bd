/** Breaks a line of prose at spaces; continuation lines of a list item (`- `) are indented. */
export function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = line.startsWith('- ') ? '  ' : '';
  const out: string[] = [];
  let current = '';
  for (const word of line.split(' ')) {
    if (current !== '' && current.length + word.length + 1 > width) {
      out.push(current);
      current = indent + word;
    } else current = current === '' ? word : `${current} ${word}`;
  }
  if (current !== '') out.push(current);
  return out;
}
