/** Words of a name: `user-events`, `userEvents`, `/data/user_events.json` → user, events. */
function words(s: string): string[] {
  return s
    .replace(/\.[a-z0-9]+$/i, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '');
}

function cap(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();
}

/** `user-events` → `UserEvent`: a schema describes one record. */
export function typeName(s: string, fallback = 'Record'): string {
  const ws = words(
    s
      .split('/')
      .filter((p) => p !== '' && !p.includes('*'))
      .pop() ?? s,
  );
  if (ws.length === 0) return fallback;
  // `events-topic` describes events: a trailing `topic`/`stream`/`table` after a plural is dropped.
  if (
    ws.length > 1 &&
    /^(topic|stream|table|data)$/i.test(ws[ws.length - 1]!) &&
    /s$/i.test(ws[ws.length - 2]!)
  )
    ws.pop();
  const last = ws[ws.length - 1]!;
  ws[ws.length - 1] = /[^s]s$/i.test(last) && last.length > 3 ? last.slice(0, -1) : last;
  const name = ws.map(cap).join('');
  return /^[0-9]/.test(name) ? `${fallback}${name}` : name;
}

const reserved = new Set([
  'break',
  'case',
  'catch',
  'class',
  'const',
  'continue',
  'debugger',
  'default',
  'delete',
  'do',
  'else',
  'enum',
  'export',
  'extends',
  'false',
  'finally',
  'for',
  'function',
  'if',
  'import',
  'in',
  'instanceof',
  'new',
  'null',
  'return',
  'super',
  'switch',
  'this',
  'throw',
  'true',
  'try',
  'typeof',
  'var',
  'void',
  'while',
  'with',
  'let',
  'static',
  'yield',
  'await',
  'source',
  'pipeline',
  'sinks',
  'secret',
  'z',
]);

/** `kafka_to_delta` → `kafkaToDelta`, safe as a variable. */
export function variableName(s: string, fallback = 'stream'): string {
  const ws = words(s);
  if (ws.length === 0) return fallback;
  const name = ws.map((w, i) => (i === 0 ? w.toLowerCase() : cap(w))).join('');
  if (/^[0-9]/.test(name)) return `${fallback}${cap(name)}`;
  return reserved.has(name) ? `${name}Stream` : name;
}

/** Names made unique with a number: `events`, `events2`. */
export class NameScope {
  private readonly taken = new Set<string>();

  constructor(reservedNames: Iterable<string> = []) {
    for (const n of reservedNames) this.taken.add(n);
  }

  claim(wanted: string): string {
    let name = wanted;
    for (let i = 2; this.taken.has(name); i++) name = `${wanted}${i}`;
    this.taken.add(name);
    return name;
  }
}
