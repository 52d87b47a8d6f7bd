import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MetricsListener, QueryProgress } from '@pipekit/runtime';
import { type DagView, dagView, type PipelineGraph } from './graph.js';
import { redactText, redactValue } from './redact.js';
import { staticFile } from './static-files.js';

/** Where a run is: live (`running`, then how it ended) or a recording (`replay`). */
export interface UiStatus {
  readonly state: 'running' | 'completed' | 'stopped' | 'failed' | 'replay';
  readonly message?: string;
}

export interface UiServerOptions {
  /** The interface to serve on (127.0.0.1 unless the user asks for another). */
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** The page's title line: the pipeline file, or the recording. */
  readonly title: string;
  readonly status?: UiStatus;
}

/** The timelines show this much; older records are dropped. */
export const windowMs = 10 * 60_000;
/** At most this many records per query are kept (a query of tiny batches makes many). */
const maxRecords = 3000;
/**
 * New records go to open pages at most once a second: a batch a millisecond costs one write a
 * second, and the page (on the same machine, often) redraws as seldom.
 */
const flushEveryMs = 1000;

const loopback = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/**
 * The live UI's server (`pipe run --ui`, `pipe ui --from`): serves the static page and, over
 * Server-Sent Events, a snapshot (DAGs, the last 10 minutes of progress records, status) then new
 * records as batches end. A consumer of progress records alone, so any engine's run can be shown.
 * Everything sent is redacted as logs are.
 */
export class UiServer implements MetricsListener {
  private readonly dags: DagView[];
  private readonly records = new Map<string, QueryProgress[]>();
  private pending: QueryProgress[] = [];
  private readonly clients = new Set<ServerResponse>();
  private flushTimer: NodeJS.Timeout | null = null;
  private status: UiStatus;
  private server: Server | null = null;

  constructor(
    graphs: readonly PipelineGraph[],
    private readonly o: UiServerOptions,
  ) {
    this.dags = graphs.map(dagView);
    this.status = o.status ?? { state: 'running' };
  }

  /** Pages open now. */
  get viewers(): number {
    return this.clients.size;
  }

  onProgress(p: QueryProgress): void {
    const key = `${p.pipeline}\u0000${p.queryId}`;
    let list = this.records.get(key);
    if (!list) {
      list = [];
      this.records.set(key, list);
    }
    list.push(p);
    // Trimmed in steps, not a shift per batch.
    if (list.length > maxRecords + maxRecords / 4) list.splice(0, list.length - maxRecords);
    if (this.clients.size === 0) return;
    this.pending.push(p);
    this.flushTimer ??= setTimeout(() => this.flush(), flushEveryMs);
  }

  /** The run ended: open pages say how. */
  finish(status: UiStatus): void {
    this.status = status;
    this.flush();
    this.broadcast('status', this.statusForPage());
  }

  /** Serves the page; resolves with its address. */
  async listen(): Promise<{ port: number; url: string }> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(redactText(String(e)));
      });
    });
    this.server = server;
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.o.port, this.o.host, () =>
        resolve((server.address() as AddressInfo).port),
      );
    });
    const host = this.o.host.includes(':') ? `[${this.o.host}]` : this.o.host;
    return { port, url: `http://${host}:${port}/` };
  }

  /**
   * Ends open pages' streams and stops serving. (Not the listener's `close`, which a run calls at
   * its end: a file's pipelines share the page, and it says how they ended before it goes.)
   */
  async stop(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    for (const c of this.clients) c.end();
    this.clients.clear();
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // On loopback, a page of another site that resolves its name to 127.0.0.1 (DNS rebinding)
    // must not read the run: only requests that name a loopback host are answered.
    const hostname = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (loopback.has(this.o.host) && !loopback.has(hostname)) {
      res.writeHead(403, { 'content-type': 'text/plain' }).end('forbidden host\n');
      return;
    }
    if (req.method !== 'GET') {
      res.writeHead(405, { allow: 'GET' }).end();
      return;
    }
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname).slice(1);
    if (path === 'events') return this.subscribe(res);
    const file = await staticFile(path);
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    res
      .writeHead(200, {
        'content-type': file.type,
        'content-length': file.body.length,
        'cache-control': 'no-cache',
        'content-security-policy':
          "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:",
        'x-content-type-options': 'nosniff',
      })
      .end(file.body);
  }

  private subscribe(res: ServerResponse): void {
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(`event: snapshot\ndata: ${JSON.stringify(this.snapshot())}\n\n`);
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  private snapshot() {
    const records: QueryProgress[] = [];
    for (const list of this.records.values()) {
      const newest = Date.parse(list.at(-1)!.timestamp);
      records.push(...list.filter((p) => Date.parse(p.timestamp) >= newest - windowMs));
    }
    return {
      title: redactText(this.o.title),
      status: this.statusForPage(),
      windowMs,
      dags: this.dags,
      records: redactValue(records),
    };
  }

  private statusForPage(): UiStatus {
    return redactValue(this.status) as UiStatus;
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.broadcast('progress', redactValue(batch));
  }

  private broadcast(event: string, data: unknown): void {
    if (this.clients.size === 0) return;
    const text = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const c of this.clients) c.write(text);
  }
}
