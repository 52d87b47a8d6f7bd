import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsListener, QueryProgress, SinkCircuitEvent } from './node-metrics.js';

/**
 * Prometheus metrics of every node (prom-client), labelled by pipeline, query and node; with
 * `listen(port)`, served on `/metrics` (`pipe run --metrics-port`).
 */
export class PrometheusMetrics implements MetricsListener {
  readonly registry = new Registry();
  private server: Server | null = null;
  private readonly labels = ['pipeline', 'query', 'node', 'kind'] as const;
  private readonly rowsIn = new Counter({
    name: 'pipekit_node_rows_in_total',
    help: 'Rows into a node',
    labelNames: this.labels,
    registers: [this.registry],
  });
  private readonly rowsOut = new Counter({
    name: 'pipekit_node_rows_out_total',
    help: 'Rows out of a node',
    labelNames: this.labels,
    registers: [this.registry],
  });
  private readonly rate = new Gauge({
    name: 'pipekit_node_rows_per_second',
    help: 'Rows out of a node per second in the last batch',
    labelNames: this.labels,
    registers: [this.registry],
  });
  private readonly bad = new Gauge({
    name: 'pipekit_node_bad_records',
    help: 'Records refused by a node (any policy)',
    labelNames: this.labels,
    registers: [this.registry],
  });
  private readonly dropped = new Gauge({
    name: 'pipekit_node_dropped_rows',
    help: 'Refused rows dropped or logged',
    labelNames: this.labels,
    registers: [this.registry],
  });
  private readonly deadLettered = new Gauge({
    name: 'pipekit_node_dead_lettered_rows',
    help: 'Refused rows written to a dead-letter sink',
    labelNames: this.labels,
    registers: [this.registry],
  });
  private readonly state = new Gauge({
    name: 'pipekit_node_state_rows',
    help: 'Rows, groups or keys held in state',
    labelNames: this.labels,
    registers: [this.registry],
  });
  private readonly watermark = new Gauge({
    name: 'pipekit_node_watermark_seconds',
    help: 'Watermark (epoch seconds)',
    labelNames: this.labels,
    registers: [this.registry],
  });
  private readonly batches = new Counter({
    name: 'pipekit_query_batches_total',
    help: 'Micro-batches run',
    labelNames: ['pipeline', 'query'],
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'pipekit_query_batch_duration_seconds',
    help: 'Micro-batch processing time',
    labelNames: ['pipeline', 'query'],
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registers: [this.registry],
  });

  private readonly expectationRows = new Counter({
    name: 'pipekit_expectation_rows_total',
    help: 'Rows checked by an expectation rule, by result (passed or failed)',
    labelNames: ['pipeline', 'query', 'node', 'rule', 'on_failure', 'result'],
    registers: [this.registry],
  });

  private readonly circuitState = new Gauge({
    name: 'pipekit_sink_circuit_state',
    help: "A sink's circuit breaker: 0 closed, 1 half-open, 2 open",
    labelNames: ['pipeline', 'query', 'node'],
    registers: [this.registry],
  });
  private readonly circuitOpens = new Counter({
    name: 'pipekit_sink_circuit_opens_total',
    help: "Times a sink's circuit breaker opened",
    labelNames: ['pipeline', 'query', 'node'],
    registers: [this.registry],
  });

  onCircuit(e: SinkCircuitEvent): void {
    const l = { pipeline: e.pipeline, query: e.queryId, node: e.node };
    const value = e.state === 'closed' ? 0 : e.state === 'halfOpen' ? 1 : 2;
    this.circuitState.set(l, value);
    // Counted when a closed circuit opens (not on each failed half-open probe).
    const key = JSON.stringify(l);
    if (e.state === 'open' && (this.lastCircuit.get(key) ?? 'closed') === 'closed')
      this.circuitOpens.inc(l);
    this.lastCircuit.set(key, e.state);
  }
  private readonly lastCircuit = new Map<string, string>();

  onProgress(p: QueryProgress): void {
    this.countExpectations(p);
    this.batches.inc({ pipeline: p.pipeline, query: p.queryId });
    this.duration.observe({ pipeline: p.pipeline, query: p.queryId }, p.durationMs / 1000);
    for (const n of p.nodes) {
      const l = { pipeline: p.pipeline, query: p.queryId, node: n.id, kind: n.kind };
      this.rowsIn.inc(l, n.rowsIn);
      this.rowsOut.inc(l, n.rowsOut);
      this.rate.set(l, n.rowsPerSecond);
      this.bad.set(l, n.badRecords);
      this.dropped.set(l, n.dropped);
      this.deadLettered.set(l, n.deadLettered);
      this.state.set(l, n.stateRows);
      if (n.watermark !== null) this.watermark.set(l, Date.parse(n.watermark) / 1000);
    }
  }

  private countExpectations(p: QueryProgress): void {
    for (const e of p.expectations ?? []) {
      const l = {
        pipeline: p.pipeline,
        query: p.queryId,
        node: e.node,
        rule: e.rule,
        on_failure: e.onFailure,
      };
      this.expectationRows.inc({ ...l, result: 'passed' }, e.passed);
      this.expectationRows.inc({ ...l, result: 'failed' }, e.failed);
    }
  }

  /** Serves `/metrics` on the port (0: any free port); resolves with the port. */
  listen(port: number, host = '127.0.0.1'): Promise<number> {
    const server = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end('see /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => res.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (e: unknown) => res.writeHead(500).end(String(e)),
      );
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
    });
  }

  /** Stops serving. */
  close(): Promise<void> {
    const s = this.server;
    this.server = null;
    return new Promise((resolve) => (s ? s.close(() => resolve()) : resolve()));
  }
}
