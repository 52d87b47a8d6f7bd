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
 * COPY text being written into a Buffer: ASCII goes in byte by byte, so the common values
 * (numbers, dates, short plain strings) never become intermediate strings, and the chunk is
 * already the bytes the socket sends.
 */
export class CopyBuffer {
  buf: Buffer;
  pos = 0;

  constructor(
    private readonly chunkBytes: number,
    private readonly full: (chunk: Buffer) => void,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes + 64 * 1024);
  }

  /** Makes room for `n` more bytes, handing the bytes so far on when they do not fit. */
  room(n: number): void {
    if (this.pos + n > this.buf.length) this.flush(n);
  }

  /** Hands the bytes so far on (if any) and starts a fresh buffer of at least `min` bytes. */
  flush(min = 0): void {
    if (this.pos > 0) this.full(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(this.chunkBytes + 64 * 1024, min));
    this.pos = 0;
  }

  /** Whether a chunk's worth is written. */
  get filled(): boolean {
    return this.pos >= this.chunkBytes;
  }

  /** An already escaped COPY field, as UTF-8. */
  raw(s: string): void {
    this.room(s.length * 3 + 1);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** A string, escaped: short plain ASCII byte by byte, anything else through `escapeCopy`. */
  text(s: string): void {
    const n = s.length;
    if (n <= 64) {
      this.room(n + 1);
      const buf = this.buf;
      let pos = this.pos;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c > 127 || c === 92 || c === 9 || c === 10 || c === 13) break;
        buf[pos++] = c;
      }
      if (i === n) {
        this.pos = pos;
        return;
      }
    }
    this.raw(escapeCopy(s));
  }

  /** Digits of a non-negative safe integer. */
  private digits(v: number): void {
    if (v < 2147483648) {
      this.int(v | 0, 0);
      return;
    }
    const buf = this.buf;
    let len = 1;
    for (let x = v; x >= 10; x = Math.floor(x / 10)) len++;
    const end = this.pos + len;
    let x = v;
    for (let at = end - 1; at >= this.pos; at--) {
      buf[at] = 48 + (x % 10);
      x = Math.floor(x / 10);
    }
    this.pos = end;
  }

  /** Digits of an int32 `v >= 0`, left-padded with zeros to `width` (in int32 arithmetic). */
  private int(v: number, width: number): void {
    let len = 1;
    for (let x = v; x >= 10; x = (x / 10) | 0) len++;
    if (len < width) len = width;
    const buf = this.buf;
    const start = this.pos;
    let at = start + len;
    this.pos = at;
    let x = v;
    while (at > start) {
      const q = (x / 10) | 0;
      buf[--at] = 48 + x - q * 10;
      x = q;
    }
  }

  /**
   * A number as `String(v)` writes it. Integers and decimals of up to six places below 1e9 are
   * written from their digits: the fewest places `k` for which `round(v·10^k) / 10^k === v` give
   * the unique decimal of at most 15 digits that reads back as `v`, which is `String(v)`'s
   * shortest round-trip form. Anything else goes through `String`.
   */
  number(v: number): void {
    this.room(32);
    const a = v < 0 ? -v : v;
    if (Number.isSafeInteger(v)) {
      if (v < 0) this.buf[this.pos++] = 45;
      this.digits(a);
      return;
    }
    if (a < 1e9) {
      for (let k = 1; k <= 6; k++) {
        const p = pow10[k]!;
        const r = Math.round(a * p);
        if (r / p === a) {
          if (v < 0) this.buf[this.pos++] = 45;
          const whole = Math.floor(r / p);
          this.int(whole, 0);
          this.buf[this.pos++] = 46;
          this.int(r - whole * p, k);
          return;
        }
      }
    }
    this.raw(String(v));
  }

  /** `YYYY-MM-DD` (date) or `YYYY-MM-DDTHH:MM:SS.sssZ`, as `toISOString` (years 0-9999). */
  date(d: Date, dateOnly: boolean): boolean {
    const ms = d.getTime();
    if (!(ms >= minIsoMs && ms < maxIsoMs)) return false;
    this.room(24);
    const days = Math.floor(ms / 86_400_000);
    // Civil date from days (H. Hinnant's algorithm); all int32 from here.
    const z = (days + 719468) | 0;
    const era = Math.floor(z / 146097) | 0;
    const doe = (z - era * 146097) | 0;
    const yoe = ((doe - ((doe / 1460) | 0) + ((doe / 36524) | 0) - ((doe / 146096) | 0)) / 365) | 0;
    const doy = (doe - (365 * yoe + ((yoe / 4) | 0) - ((yoe / 100) | 0))) | 0;
    const mp = ((5 * doy + 2) / 153) | 0;
    const day = (doy - (((153 * mp + 2) / 5) | 0) + 1) | 0;
    const month = mp < 10 ? mp + 3 : mp - 9;
    const year = (yoe + era * 400 + (month <= 2 ? 1 : 0)) | 0;
    const buf = this.buf;
    let p = this.pos;
    const century = (year / 100) | 0;
    p = pad(buf, p, century);
    p = pad(buf, p, year - century * 100);
    buf[p++] = 45;
    p = pad(buf, p, month);
    buf[p++] = 45;
    p = pad(buf, p, day);
    if (!dateOnly) {
      let t = (ms - days * 86_400_000) | 0;
      buf[p++] = 84;
      const h = (t / 3_600_000) | 0;
      p = pad(buf, p, h);
      t -= h * 3_600_000;
      buf[p++] = 58;
      const m = (t / 60_000) | 0;
      p = pad(buf, p, m);
      t -= m * 60_000;
      buf[p++] = 58;
      const sec = (t / 1000) | 0;
      p = pad(buf, p, sec);
      t -= sec * 1000;
      buf[p++] = 46;
      const hundreds = (t / 100) | 0;
      buf[p++] = 48 + hundreds;
      p = pad(buf, p, t - hundreds * 100);
      buf[p++] = 90;
    }
    this.pos = p;
    return true;
  }
}

const pow10 = Array.from({ length: 7 }, (_, i) => 10 ** i);
/** 0000-01-01 and 10000-01-01 UTC: `toISOString` writes 4-digit years between them. */
const minIsoMs = -62_167_219_200_000;
const maxIsoMs = 253_402_300_800_000;

/** Two digits of an int32 `0 <= v < 100`. */
function pad(buf: Buffer, p: number, v: number): number {
  const tens = (v / 10) | 0;
  buf[p] = 48 + tens;
  buf[p + 1] = 48 + v - tens * 10;
  return p + 2;
}

/** Writes one non-NULL value of a column into the buffer. */
export type FieldWriter = (out: CopyBuffer, v: unknown) => void;

/**
 * The COPY text writer for a column of Postgres type `pgType`: the same text as `encoderFor`,
 * with numbers, strings, booleans and Dates written straight into the buffer.
 */
export function writerFor(pgType: string): FieldWriter {
  const encode = encoderFor(pgType);
  if (pgType.endsWith('[]')) return (out, v) => out.raw(encode(v));
  if (pgType === 'json' || pgType === 'jsonb')
    return (out, v) => (typeof v === 'string' ? out.text(v) : out.raw(encode(v)));
  const dateOnly = pgType === 'date';
  return (out, v) => {
    switch (typeof v) {
      case 'number':
        out.number(v);
        return;
      case 'string':
        out.text(v);
        return;
      case 'boolean':
        out.room(1);
        out.buf[out.pos++] = v ? 116 : 102;
        return;
      default:
        if (v instanceof Date && out.date(v, dateOnly)) return;
        out.raw(encode(v));
    }
  };
}

/**
 * Rows as COPY text, in Buffer chunks of about `chunkBytes`; lazily, so a consumer that waits
 * (stream backpressure) keeps only a few chunks encoded at a time.
 */
export function* copyChunks(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
  writers: readonly FieldWriter[],
  chunkBytes = 256 * 1024,
): Generator<Buffer> {
  const n = columns.length;
  const pending: Buffer[] = [];
  const out = new CopyBuffer(chunkBytes, (chunk) => {
    pending.push(chunk);
  });
  for (const row of rows) {
    if (n === 0) {
      out.room(1);
      out.buf[out.pos++] = 10;
    }
    for (let j = 0; j < n; j++) {
      const v = row[columns[j]!];
      if (v === null || v === undefined) {
        out.room(3);
        out.buf[out.pos++] = 92;
        out.buf[out.pos++] = 78;
      } else writers[j]!(out, v);
      out.room(1);
      out.buf[out.pos++] = j === n - 1 ? 10 : 9;
    }
    if (out.filled) out.flush();
    if (pending.length > 0) yield* pending.splice(0);
  }
  if (out.pos > 0) out.flush();
  yield* pending;
}
