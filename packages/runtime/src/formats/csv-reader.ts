import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { ToRowResult } from '../connector.js';
import type { BadRecord, Row } from '../row.js';

/** How a CSV file is read: a header line or not, the delimiter, the schema's column names. */
export interface CsvReadOptions {
  readonly header: boolean;
  readonly delimiter: string;
  /** Without a header: the columns in order (the schema's); null gives `_c0`, `_c1`, ... as Spark. */
  readonly columns: readonly string[] | null;
}

/** Rows and bad records read so far; a file comes in several of these. */
export interface CsvChunk {
  readonly rows: Row[];
  readonly badRecords: BadRecord[];
}

/** A parsed record as csv-parse hands it over with `raw`. */
interface ParsedRecord {
  readonly record: string[];
  readonly raw: string;
}

/** A parse error of a record csv-parse skipped: how many records it had handed over before. */
type SkipError = (Error & { records?: number }) | undefined;

const CR = 13;
const LF = 10;
const QUOTE = 34;

/** Line breaks in `text` (`\r\n`, `\n`, `\r`); with `leading`, only those before anything else. */
function lineBreaks(text: string, leading = false): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === CR) {
      n++;
      if (text.charCodeAt(i + 1) === LF) i++;
    } else if (c === LF) n++;
    else if (leading) break;
  }
  return n;
}

/** A record's text for a bad record: the raw text without the line breaks around it. */
const trimBreaks = (raw: string | undefined) => (raw ?? '').replace(/^[\r\n]+|[\r\n]+$/g, '');

/**
 * Empty fields of a record made NULL unless written `""` (Spark 3: an empty quoted field is the
 * empty string). Which ones were quoted is read off the raw text, and only for records that have
 * an empty field: csv-parse's `cast` callback says it too, but builds a context object per field
 * and made reading ten times slower (bench/csv.bench.ts).
 */
function withNulls(fields: string[], raw: string, delimiter: number): (string | null)[] {
  if (!fields.includes('')) return fields;
  const out: (string | null)[] = fields;
  let i = 0;
  while (raw.charCodeAt(i) === CR || raw.charCodeAt(i) === LF) i++;
  for (let f = 0; f < fields.length; f++) {
    const quotedEmpty = raw.charCodeAt(i) === QUOTE && raw.charCodeAt(i + 1) === QUOTE;
    if (fields[f] === '' && !quotedEmpty) out[f] = null;
    // To the next field: past a quoted part (doubled quotes inside), then to the delimiter.
    if (raw.charCodeAt(i) === QUOTE) {
      for (i++; i < raw.length; i++) {
        if (raw.charCodeAt(i) !== QUOTE) continue;
        if (raw.charCodeAt(i + 1) === QUOTE) i++;
        else break;
      }
    }
    while (i < raw.length && raw.charCodeAt(i) !== delimiter) i++;
    i++;
  }
  return out;
}

/**
 * Reads CSV (RFC 4180: quoted fields hold delimiters, doubled quotes and newlines; `\n`, `\r\n`
 * or `\r` end a record; a UTF-8 byte order mark is dropped) through csv-parse's streaming parser,
 * so a file is never held whole: rows come in chunks of about `chunkRows` as the input is read,
 * and reading waits while the consumer does. With a header the first record names the columns.
 * Empty unquoted fields are NULL, empty lines skipped. A record with the wrong number of fields,
 * one the parser cannot read (a quote never closed), or a value not of the schema is a bad record
 * at `file:line` (the line the record starts on).
 */
export async function* readCsv(
  input: Readable | AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  file: string,
  options: CsvReadOptions,
  toRow: (record: unknown, position: string) => ToRowResult,
  nodeId: string,
  chunkRows = 10_000,
): AsyncGenerator<CsvChunk, void, undefined> {
  let chunk: CsvChunk = { rows: [], badRecords: [] };
  const delimiter = options.delimiter.charCodeAt(0);
  // Records the parser skipped, with how many records came before: the parser may run ahead of
  // the loop below, so they join the chunks where they were in the file.
  const unreadable: { after: number; error: Error | undefined; raw: string }[] = [];
  // Line numbers are counted off the raw text (csv-parse's `info` would double the parse time).
  let nextLine = 1;
  let records = 0;
  const startLine = (raw: string) => {
    const line = nextLine + lineBreaks(raw, true);
    nextLine += lineBreaks(raw);
    return line;
  };
  const skipped = (u: (typeof unreadable)[number]): BadRecord => ({
    reason: u.error?.message ?? 'unreadable CSV record',
    node: nodeId,
    position: `${file}:${startLine(u.raw)}`,
    record: trimBreaks(u.raw),
  });
  const parser = parse({
    delimiter: options.delimiter,
    record_delimiter: ['\r\n', '\n', '\r'],
    bom: true,
    raw: true,
    // Field counts are checked here (a bad record, not an error); a quote inside an unquoted
    // field is text, as in most CSV writers' output.
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_skip: (error, raw) => {
      unreadable.push({ after: (error as SkipError)?.records ?? 0, error, raw: raw ?? '' });
    },
  });
  const source = input instanceof Readable ? input : Readable.from(input);
  source.on('error', (e) => parser.destroy(e));
  source.pipe(parser);
  let names = options.header ? null : options.columns;
  let first = options.header;
  try {
    for await (const { record: parsed, raw } of parser as AsyncIterable<ParsedRecord>) {
      while (unreadable.length > 0 && unreadable[0]!.after <= records)
        chunk.badRecords.push(skipped(unreadable.shift()!));
      records++;
      const line = startLine(raw);
      const fields = withNulls(parsed, raw, delimiter);
      if (first) {
        first = false;
        names = fields.map((f, i) => f ?? `_c${i}`);
        continue;
      }
      const cols = names ?? fields.map((_f, j) => `_c${j}`);
      const position = `${file}:${line}`;
      if (fields.length !== cols.length) {
        chunk.badRecords.push({
          reason: `expected ${cols.length} fields, got ${fields.length}`,
          node: nodeId,
          position,
          record: trimBreaks(raw),
        });
      } else {
        const record: Row = {};
        for (let j = 0; j < cols.length; j++) record[cols[j]!] = fields[j];
        const r = toRow(record, position);
        if (r.ok) chunk.rows.push(r.row);
        else chunk.badRecords.push(r.bad);
      }
      if (chunk.rows.length + chunk.badRecords.length >= chunkRows) {
        yield chunk;
        chunk = { rows: [], badRecords: [] };
      }
    }
  } finally {
    // The consumer stopped early (or reading failed): stop reading the file.
    source.unpipe(parser);
    source.destroy();
    parser.destroy();
  }
  for (const u of unreadable) chunk.badRecords.push(skipped(u));
  if (chunk.rows.length + chunk.badRecords.length > 0) yield chunk;
}

/** Every row and bad record of CSV text or a stream (a whole file's worth: for small inputs). */
export async function parseCsv(
  input: Parameters<typeof readCsv>[0] | string,
  file: string,
  options: CsvReadOptions,
  toRow: (record: unknown, position: string) => ToRowResult,
  nodeId: string,
): Promise<CsvChunk> {
  const rows: Row[] = [];
  const badRecords: BadRecord[] = [];
  const from = typeof input === 'string' ? [input] : input;
  for await (const chunk of readCsv(from, file, options, toRow, nodeId)) {
    for (const r of chunk.rows) rows.push(r);
    for (const b of chunk.badRecords) badRecords.push(b);
  }
  return { rows, badRecords };
}
