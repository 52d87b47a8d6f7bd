/**
 * Values as COPY text format data (`COPY ... FROM STDIN`, tab-separated, `\N` for NULL). Values
 * never become SQL text: this is the data stream, escaped as COPY requires.
 */

type Encode = (v: unknown) => string;

const special = /[\\\n\r\t]/;

/** Escapes a field for COPY text: backslash, newline, carriage return and tab. */
export function escapeCopy(s: string): string {
  if (!special.test(s)) return s;
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out;
}

function hex(bytes: Uint8Array): string {
  return `\\x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`;
}

/** The text input form of a scalar value for a column of `pgType` (not yet COPY-escaped). */
function scalarText(v: unknown, pgType: string): string {
  switch (typeof v) {
    case 'string':
      return v;
    case 'number':
    case 'bigint':
      return String(v);
    case 'boolean':
      return v ? 't' : 'f';
    default:
      if (v instanceof Date)
        return pgType === 'date' ? v.toISOString().slice(0, 10) : v.toISOString();
      if (v instanceof Uint8Array) return hex(v);
      return JSON.stringify(v);
  }
}

/** An array literal: `{1,2,NULL}`, `{"a b","c\"d"}`, nested for multi-dimensional arrays. */
function arrayLiteral(v: readonly unknown[], elementType: string): string {
  const parts = v.map((e) => {
    if (e === null || e === undefined) return 'NULL';
    if (Array.isArray(e)) return arrayLiteral(e, elementType);
    const s = scalarText(e, elementType);
    return `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  });
  return `{${parts.join(',')}}`;
}

/** The COPY text encoder for a column of Postgres type `pgType` (its `format_type` text). */
export function encoderFor(pgType: string): Encode {
  if (pgType.endsWith('[]')) {
    const el = pgType.slice(0, -2);
    return (v) => escapeCopy(Array.isArray(v) ? arrayLiteral(v, el) : scalarText(v, pgType));
  }
  if (pgType === 'json' || pgType === 'jsonb')
    // A string is taken as JSON text (what the source gives for a column declared string).
    return (v) => escapeCopy(typeof v === 'string' ? v : JSON.stringify(v));
  if (
    pgType === 'integer' ||
    pgType === 'bigint' ||
    pgType === 'smallint' ||
    pgType === 'double precision' ||
    pgType === 'real'
  )
    return (v) => (typeof v === 'number' ? String(v) : escapeCopy(scalarText(v, pgType)));
  return (v) => (typeof v === 'string' ? escapeCopy(v) : escapeCopy(scalarText(v, pgType)));
}

/**
 * Encodes rows into COPY text chunks of about `chunkBytes` characters, handing each to `emit`
 * (which may wait, for backpressure).
 */
export async function encodeRows(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  encoders: readonly Encode[],
  emit: (chunk: string) => Promise<void> | void,
  chunkBytes = 256 * 1024,
): Promise<void> {
  const n = columns.length;
  let buf = '';
  for (const row of rows) {
    let line = '';
    for (let j = 0; j < n; j++) {
      const v = row[columns[j]!];
      if (j > 0) line += '\t';
      line += v === null || v === undefined ? '\\N' : encoders[j]!(v);
    }
    buf += `${line}\n`;
    if (buf.length >= chunkBytes) {
      await emit(buf);
      buf = '';
    }
  }
  if (buf.length > 0) await emit(buf);
}
