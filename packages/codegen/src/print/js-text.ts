/** An object key: bare when it is an identifier, quoted otherwise. */
export function propertyKey(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : quote(name);
}

/** A single-quoted JavaScript string. */
export function quote(s: string): string {
  const body = JSON.stringify(s)
    .slice(1, -1)
    .replaceAll("\\'", "'")
    .replaceAll('\\"', '"')
    .replaceAll("'", "\\'");
  return `'${body}'`;
}
