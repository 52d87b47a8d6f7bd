import { connect, type Socket } from 'node:net';
import { PipekitError, type SocketSourceSpec } from '@pipekit/core';
import type { Offset, ReadLimits, SourceContext, SourceReader } from '../connector.js';
import type { Row } from '../row.js';

/** How long connecting may take before the run fails (ms). */
const connectTimeoutMs = 10_000;

/**
 * Spark's `socket` source: lines of a TCP connection, numbered as they arrive; the offset is the
 * number of the next line. Lines are kept until committed. Not replayable (as in Spark): a range
 * no longer held (a restart after a crash) reads as nothing, with a warning. The source is
 * exhausted once the server has closed the connection and every line is read.
 */
export class SocketReader implements SourceReader {
  private socket: Socket | null = null;
  private lines: { value: string; at: number }[] = [];
  /** The number of `lines[0]`. */
  private base = 0;
  private partial = '';
  private closed = false;
  private started = false;

  constructor(
    private readonly spec: SocketSourceSpec,
    private readonly ctx: SourceContext,
  ) {}

  private where(): string {
    return `${this.spec.host}:${this.spec.port}`;
  }

  /** Connects once, and numbers the connection's lines from `from` (a restart goes on from there). */
  private async open(from: number): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.base = from;
    const socket = connect({ host: this.spec.host, port: this.spec.port });
    this.socket = socket;
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      const at = this.ctx.scheduler.now();
      for (const p of parts) this.lines.push({ value: p.endsWith('\r') ? p.slice(0, -1) : p, at });
    });
    socket.on('end', () => {
      if (this.partial !== '')
        this.lines.push({ value: this.partial, at: this.ctx.scheduler.now() });
      this.partial = '';
      this.closed = true;
    });
    socket.on('close', () => {
      this.closed = true;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new PipekitError(
              `socket source: no connection to ${this.where()} after ${connectTimeoutMs} ms`,
            ),
          ),
        connectTimeoutMs,
      );
      socket.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(
          new PipekitError(`socket source: cannot connect to ${this.where()}: ${e.message}`, [
            {
              path: ['port'],
              message: 'nothing answers there',
              fix: 'start the server first (e.g. nc -lk <port>)',
            },
          ]),
        );
      });
    });
    socket.on('error', (e) => {
      // After a connection: the stream ends here, as when the server closes it.
      this.ctx.logger.warn(
        { node: this.ctx.nodeId, err: e.message },
        'socket source: connection lost',
      );
      this.closed = true;
    });
  }

  initialOffset(): Offset {
    return 0;
  }

  async planBatch(start: Offset, limits: ReadLimits): Promise<Offset | null> {
    const from = start as number;
    await this.open(from);
    const received = this.base + this.lines.length;
    const cap = limits.allAvailable
      ? Number.POSITIVE_INFINITY
      : Math.min(this.spec.maxLinesPerTrigger, limits.maxRows ?? Number.POSITIVE_INFINITY);
    const end = Math.min(received, from + cap);
    return end > from ? end : null;
  }

  readBatch(start: Offset, end: Offset): { rows: Row[] } {
    const from = start as number;
    const to = end as number;
    if (from < this.base) {
      this.ctx.logger.warn(
        { node: this.ctx.nodeId, lines: `${from}..${to}`, held: this.base },
        'socket source: lines of a run before a restart are gone (a socket cannot be replayed)',
      );
    }
    const rows: Row[] = [];
    for (let n = Math.max(from, this.base); n < to; n++) {
      const line = this.lines[n - this.base];
      if (!line) break;
      rows.push(
        this.spec.includeTimestamp
          ? { value: line.value, timestamp: new Date(line.at) }
          : { value: line.value },
      );
    }
    return { rows };
  }

  commit(end: Offset): void {
    const to = end as number;
    if (to <= this.base) return;
    this.lines = this.lines.slice(to - this.base);
    this.base = to;
  }

  isExhausted(offset: Offset): boolean {
    return this.started && this.closed && (offset as number) >= this.base + this.lines.length;
  }

  close(): void {
    this.socket?.destroy();
  }
}
