import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get, type IncomingMessage, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gen, secret, source } from '@pipekit/core';
import type { QueryProgress } from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { layoutDag } from '../src/dag-layout.js';
import { UsageError } from '../src/errors.js';
import { main } from '../src/main.js';
import { dagView, pipelineGraph } from '../src/ui/graph.js';
import { openUi, uiAddress } from '../src/ui/open-ui.js';
import { redactText, redactValue } from '../src/ui/redact.js';
import { readRecording } from '../src/ui/replay.js';
import type { UiServer } from '../src/ui/ui-server.js';

const tmp = mkdtempSync(join(tmpdir(), 'pipekit-ui-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const plan = source.generate({ limit: 10, columns: {} }).sink.postgres({
  connection: { url: 'postgres://app@db.internal/shop', password: secret('PG_PASSWORD') },
  table: 'orders',
}).plan;

function record(over: Partial<QueryProgress> = {}): QueryProgress {
  return {
    pipeline: plan.name,
    queryId: 'q',
    batchId: 0,
    timestamp: new Date().toISOString(),
    durationMs: 2,
    triggerIntervalMs: null,
    numInputRows: 10,
    inputRowsPerSecond: 100,
    processedRowsPerSecond: 5000,
    bufferedRows: 0,
    sources: [
      {
        id: 'generate_1',
        name: 'generate_1',
        description: 'postgres://app:s3cret-in-url@db.internal/shop',
        numInputRows: 10,
        inputRowsPerSecond: 100,
        processedRowsPerSecond: 5000,
        backlogRows: null,
        limitedBy: null,
        startOffset: 0,
        endOffset: 10,
      },
    ],
    eventTime: null,
    nodes: [],
    ...over,
  };
}

function body(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    res.on('data', (d) => (text += String(d)));
    res.on('end', () => resolve(text));
  });
}

function fetchPath(
  port: number,
  path: string,
  o: { host?: string; method?: string } = {},
): Promise<{ status: number; type: string; text: string; csp: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: o.method ?? 'GET',
        headers: { host: o.host ?? `127.0.0.1:${port}` },
      },
      (res) =>
        body(res).then((text) =>
          resolve({
            status: res.statusCode ?? 0,
            type: String(res.headers['content-type']),
            text,
            csp: String(res.headers['content-security-policy']),
          }),
        ),
    );
    req.on('error', reject);
    req.end();
  });
}

/** Reads Server-Sent Events until `count` have come (at most 5 s). */
function readEvents(port: number, count: number, onOpen: () => void) {
  return new Promise<{ event: string; data: unknown }[]>((resolve, reject) => {
    const events: { event: string; data: unknown }[] = [];
    const timer = setTimeout(() => reject(new Error(`only ${events.length} events`)), 5000);
    get({ host: '127.0.0.1', port, path: '/events' }, (res) => {
      let buffer = '';
      res.on('data', (d) => {
        buffer += String(d);
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          const chunk = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(chunk)?.[1] ?? '';
          const data = JSON.parse(/^data: (.*)$/m.exec(chunk)?.[1] ?? 'null');
          events.push({ event, data });
          if (events.length === 1) onOpen();
          if (events.length === count) {
            clearTimeout(timer);
            res.destroy();
            resolve(events);
          }
          end = buffer.indexOf('\n\n');
        }
      });
    }).on('error', reject);
  });
}

async function served(host?: string): Promise<{ ui: UiServer; port: number; stderr: string }> {
  const err = new PassThrough();
  let stderr = '';
  err.on('data', (d) => (stderr += String(d)));
  const ui = await openUi([pipelineGraph(plan)], { port: 0, host }, { title: 'test' }, err);
  const port = Number(/:(\d+)\/\n/.exec(stderr)?.[1]);
  return { ui, port, stderr };
}

describe('the UI server', () => {
  it('serves the page and the vendored chart library, nothing else, to loopback names only', async () => {
    const { ui, port, stderr } = await served();
    try {
      expect(stderr).toBe(`ui: http://127.0.0.1:${port}/\n`);
      const page = await fetchPath(port, '/');
      expect(page.status).toBe(200);
      expect(page.type).toContain('text/html');
      expect(page.text).toContain('<script src="vendor/uPlot.iife.min.js"></script>');
      // No CDN: every script and style the page loads is its own.
      expect(page.text).not.toMatch(/(src|href)="https?:/);
      expect(page.csp).toContain("default-src 'self'");
      const uplot = await fetchPath(port, '/vendor/uPlot.iife.min.js');
      expect(uplot.status).toBe(200);
      expect(uplot.text).toContain('uPlot');
      for (const f of ['/app.js', '/dag.js', '/charts.js', '/format.js', '/style.css'])
        expect((await fetchPath(port, f)).status).toBe(200);
      expect((await fetchPath(port, '/../package.json')).status).toBe(404);
      expect((await fetchPath(port, '/src/main.ts')).status).toBe(404);
      expect((await fetchPath(port, '/', { host: 'attacker.example' })).status).toBe(403);
      expect((await fetchPath(port, '/', { host: `localhost:${port}` })).status).toBe(200);
      expect((await fetchPath(port, '/events', { method: 'POST' })).status).toBe(405);
    } finally {
      await ui.stop();
    }
  });

  it('streams a snapshot, then records and the end; secrets redacted everywhere', async () => {
    const { ui, port } = await served();
    try {
      ui.onProgress(record({ batchId: 0 }));
      const events = await readEvents(port, 3, () => {
        ui.onProgress(record({ batchId: 1 }));
        setTimeout(() => ui.finish({ state: 'failed', message: 'password=hunter2 refused' }), 300);
      });
      expect(events.map((e) => e.event)).toEqual(['snapshot', 'progress', 'status']);
      const snapshot = events[0]!.data as {
        dags: { nodes: { id: string; lines: string[] }[] }[];
        records: QueryProgress[];
        status: { state: string };
      };
      expect(snapshot.status.state).toBe('running');
      expect(snapshot.dags[0]!.nodes.map((n) => n.id)).toEqual(['generate_1', 'sink_1']);
      expect(snapshot.records.map((r) => r.batchId)).toEqual([0]);
      expect((events[1]!.data as QueryProgress[]).map((r) => r.batchId)).toEqual([1]);
      expect(events[2]!.data).toEqual({ state: 'failed', message: 'password=[redacted] refused' });
      const all = JSON.stringify(events);
      expect(all).not.toContain('s3cret');
      expect(all).not.toContain('hunter2');
      expect(all).toContain('postgres://[redacted]@db.internal/shop');
    } finally {
      await ui.stop();
    }
  });

  it('binds 127.0.0.1 unless --ui-host names another interface, which it warns about', async () => {
    const local = await served();
    await local.ui.stop();
    expect(local.stderr).not.toContain('warning');
    const open = await served('0.0.0.0');
    try {
      expect(open.stderr).toMatch(
        /^pipe: warning: the UI is served on 0\.0\.0\.0, not only on this machine: .*there is no login\)\nui: http:\/\/0\.0\.0\.0:\d+\/\n$/,
      );
      expect((await fetchPath(open.port, '/', { host: `192.0.2.1:${open.port}` })).status).toBe(
        200,
      );
    } finally {
      await open.ui.stop();
    }
    expect(() => uiAddress('http', undefined)).toThrow(UsageError);
    expect(uiAddress(undefined, undefined)).toEqual({ port: 4180, host: undefined });
  });
});

describe('what the page is sent', () => {
  it('the graph carries no option values: no connection string, no secret', () => {
    const json = JSON.stringify(pipelineGraph(plan));
    expect(json).not.toContain('PG_PASSWORD');
    expect(json).not.toContain('db.internal');
    expect(json).toContain('orders');
  });

  it('redacts URL credentials, secret pairs and secret-named keys', () => {
    expect(redactText('kafka://u:p@h:9092 token=abc; ok')).toBe(
      'kafka://[redacted]@h:9092 token=[redacted]; ok',
    );
    expect(redactValue({ sasl: { password: 'x' }, apiKey: 'k', n: 3, name: 'ok' })).toEqual({
      sasl: { password: '[redacted]' },
      apiKey: '[redacted]',
      n: 3,
      name: 'ok',
    });
  });
});

describe('the DAG layout (shared with pipe explain)', () => {
  it('places a 50-node plan left to right without overlaps', () => {
    let s = source.generate({ limit: 10, columns: { id: gen.sequence() } });
    const names = Array.from({ length: 48 }, (_, i) => `c${i}`);
    for (const n of names) s = s.withColumn(n, (r) => r.id) as typeof s;
    const view = dagView(pipelineGraph(s.sink.memory({ name: 'm' }).plan));
    expect(view.nodes).toHaveLength(50);
    expect(view.edges).toHaveLength(49);
    const byId = new Map(view.nodes.map((n) => [n.id, n]));
    for (const e of view.edges) {
      const a = byId.get(e.from)!;
      const b = byId.get(e.to)!;
      expect(a.x + a.width).toBeLessThan(b.x);
    }
  });

  it('fans out and in: boxes of one layer do not overlap and stay inside the picture', () => {
    // 5 sources, each through 4 steps, unions of pairs, 10 sinks: 50 nodes.
    const nodes: { id: string; inputs: string[]; lines: string[] }[] = [];
    for (let s = 0; s < 5; s++) {
      nodes.push({ id: `s${s}`, inputs: [], lines: ['source', `topic t${s}`] });
      for (let k = 0; k < 4; k++)
        nodes.push({
          id: `s${s}.${k}`,
          inputs: [k === 0 ? `s${s}` : `s${s}.${k - 1}`],
          lines: ['step'],
        });
    }
    for (let u = 0; u < 5; u++)
      nodes.push({ id: `u${u}`, inputs: [`s${u}.3`, `s${(u + 1) % 5}.3`], lines: ['union'] });
    for (let k = 0; k < 20; k++)
      nodes.push({ id: `k${k}`, inputs: [`u${k % 5}`], lines: ['sink'] });
    expect(nodes).toHaveLength(50);
    const { boxes, width, height } = layoutDag(nodes);
    const all = [...boxes.values()];
    for (const a of all) {
      expect(a.x + a.width).toBeLessThanOrEqual(width);
      expect(a.y + a.height).toBeLessThanOrEqual(height);
      for (const b of all)
        if (a !== b && a.x === b.x)
          expect(a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
    }
  });
});

describe('pipe ui --from', () => {
  it('reads graph, progress and summary lines, skipping others; refuses a file without progress', () => {
    const file = join(tmp, 'rec.jsonl');
    const g = JSON.stringify({ type: 'graph', ...pipelineGraph(plan) });
    const p = JSON.stringify({ type: 'progress', ...record() });
    writeFileSync(
      file,
      `${g}\n+---+ a console table\n${p}\n{"type":"progress","batchId":1,"cut sh\n{"type":"summary","pipeline":"x","stoppedBy":"completed"}\n`,
    );
    const r = readRecording(file);
    expect(r.graphs).toHaveLength(1);
    expect(r.records.map((x) => x.batchId)).toEqual([0]);
    expect(r.records[0]).not.toHaveProperty('type');
    expect(r.unreadable).toBe(1);
    expect(r.status.message).toContain("'x' completed");
    const empty = join(tmp, 'empty.jsonl');
    writeFileSync(empty, `${g}\n`);
    expect(() => readRecording(empty)).toThrow(/has no progress lines .*pipe run <file> --json >/);
    expect(() => readRecording(join(tmp, 'missing.jsonl'))).toThrow(/cannot read .*missing\.jsonl/);
  });

  it('usage: --ui-port needs --ui; pipe ui needs --from', async () => {
    const run = async (...argv: string[]) => {
      const out = new PassThrough();
      const err = new PassThrough() as unknown as NodeJS.WriteStream;
      let text = '';
      (err as unknown as PassThrough).on('data', (d) => (text += String(d)));
      const code = await main(argv, { stdout: out, stderr: err });
      return { code, text };
    };
    expect(await run('run', 'x.ts', '--ui-port', '9')).toEqual({
      code: 2,
      text: 'pipe: error: --ui-port and --ui-host place the live page: give --ui too\n',
    });
    expect((await run('ui')).text).toContain("'pipe ui' needs a recording: pipe ui --from");
    expect((await run('run', 'x.ts', '--ui', '--ui-port', 'x')).text).toContain(
      "--ui-port needs a port number (0 = any free port), got 'x'",
    );
  });
});
