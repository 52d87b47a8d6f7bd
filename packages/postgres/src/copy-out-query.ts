/**
 * `COPY ... TO STDOUT` as a pg query that hands each row's bytes to a `CopyTextParser` where they
 * lie in the socket's chunks: the server sends one CopyData message per row, so the rows need no
 * reassembly (only a message cut by a chunk boundary is copied). The socket is read only when the
 * reader asks for more rows, so an unread COPY holds the server back (bounded memory).
 *
 * It takes over the connection's socket as pg-copy-streams does: pg's `data` listener is removed
 * while the COPY runs and given back what follows CopyDone (CommandComplete, ReadyForQuery) or an
 * ErrorResponse, so pg reports the end and errors to `handle*` as for any query.
 */
import type { Row } from '@pipekit/core';
import type { CopyTextParser } from './copy-out.js';

/** The parts of pg's Connection this uses. */
interface PgConnection {
  readonly stream: NodeJS.ReadableStream;
  query(text: string): void;
}

type DataListener = (chunk: Buffer) => void;

const copyData = 100; // 'd'
const copyDone = 99; // 'c'
const errorResponse = 69; // 'E'

export class CopyOutQuery {
  private conn: PgConnection | undefined;
  private pgData: DataListener | undefined;
  /** A message cut by the end of the last chunk. */
  private rest: Buffer | undefined;
  /** Past CopyDone or an error: the socket is pg's again. */
  private detached = false;
  private finished = false;
  private error: Error | undefined;
  private wake: (() => void) | undefined;
  private readonly onReadable = () => this.notify();

  constructor(
    readonly text: string,
    private readonly parser: CopyTextParser,
  ) {}

  /** Called by pg's client when the query's turn comes. */
  submit(connection: PgConnection): void {
    this.conn = connection;
    const stream = connection.stream;
    const listeners = stream.listeners('data') as DataListener[];
    if (listeners.length !== 1) throw new Error('postgres COPY: unexpected socket listeners');
    this.pgData = listeners[0]!;
    stream.removeListener('data', this.pgData);
    stream.pause();
    stream.on('readable', this.onReadable);
    connection.query(this.text);
  }

  handleError(err: Error): void {
    this.error ??= err;
    // A lost connection ends the query without ReadyForQuery.
    if (!this.detached) this.detach(undefined);
    this.finished = true;
    this.notify();
  }

  handleCommandComplete(): void {}

  handleReadyForQuery(): void {
    this.finished = true;
    this.notify();
  }

  /**
   * Parses what the socket holds (waiting for data when it holds nothing) into `out`, the first
   * `skip` rows only counted. Returns how many were skipped, or null when the COPY has ended.
   * @throws the server's error, or the connection's.
   */
  async read(out: Row[], skip: number): Promise<number | null> {
    for (;;) {
      if (this.error) throw this.error;
      if (this.finished) {
        if (this.rest !== undefined) throw new Error('postgres COPY data ended mid-message');
        this.parser.end();
        return null;
      }
      const before = out.length;
      let skipped = 0;
      // One chunk with a whole row in it is enough: the caller asks again for more.
      while (!this.detached && skipped === 0 && out.length === before) {
        const chunk = this.conn!.stream.read() as Buffer | null;
        if (chunk === null) break;
        skipped += this.parse(chunk, out, skip);
      }
      if (skipped > 0 || out.length > before) return skipped;
      if (this.error || this.finished) continue;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = undefined;
    }
  }

  private notify(): void {
    this.wake?.();
  }

  /** Parses the messages of one chunk; returns the rows skipped. */
  private parse(chunk: Buffer, out: Row[], skip: number): number {
    const b = this.rest === undefined ? chunk : Buffer.concat([this.rest, chunk]);
    this.rest = undefined;
    let i = 0;
    let skipped = 0;
    while (i + 5 <= b.length) {
      const code = b[i]!;
      const end = i + 1 + b.readUInt32BE(i + 1);
      if (code === errorResponse) {
        this.detach(b.subarray(i));
        return skipped;
      }
      if (end > b.length) break;
      if (code === copyData) {
        if (skipped < skip) skipped++;
        else this.parser.row(b, i + 5, end, out);
      } else if (code === copyDone) {
        this.detach(b.subarray(end));
        return skipped;
      }
      // CopyOutResponse, NoticeResponse, ParameterStatus, NotificationResponse: nothing to do.
      i = end;
    }
    if (i < b.length) this.rest = b.subarray(i);
    return skipped;
  }

  /** Gives the socket back to pg, with the bytes it should parse first. */
  private detach(unread: Buffer | undefined): void {
    this.detached = true;
    const conn = this.conn;
    if (conn === undefined || this.pgData === undefined) return;
    const stream = conn.stream;
    stream.removeListener('readable', this.onReadable);
    stream.on('data', this.pgData);
    if (unread !== undefined && unread.length > 0) this.pgData(unread);
    process.nextTick(() => stream.resume());
  }
}
