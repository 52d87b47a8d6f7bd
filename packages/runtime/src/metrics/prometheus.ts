import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { MetricsListener, QueryProgress, SinkCircuitEvent } from './node-metrics.js';
import { TotalCounter } from './total-counter.js';

/**
 * Prometheus metrics (prom-client) of a query, its sources and nodes, labelled by pipeline, query,
 * source or node (id, and the `.as()` name); with `listen(port)`, served on `/metrics`
 * (`pipe run --metrics-port`). Updated from progress records alone, so any engine's feed it.
 */
export class PrometheusMetrics implements MetricsListener {
  readonly registry = new Registry();
  private server: Server | null = null;
  private readonly labels = ['pipeline', 'query', 'node', 'kind', 'name'] as const;
  private readonly sourceLabels = ['pipeline', 'query', 'source'] as const;
  private readonly queryLabels = ['pipeline', 'query'] as const;
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
  private readonly bad = new TotalCounter(
    this.registry,
    'pipekit_node_bad_records_total',
    'Records refused by a node (any policy)',
    this.labels,
  );
  private readonly dropped = new TotalCounter(
    this.registry,
    'pipekit_node_dropped_rows_total',
    'Refused rows dropped or logged',
    this.labels,
  );
  private readonly deadLettered = new TotalCounter(
    this.registry,
    'pipekit_node_dead_lettered_rows_total',
    'Refused rows written to a dead-letter sink',
    this.labels,
  );
  private readonly late = new TotalCounter(
    this.registry,
    'pipekit_node_late_rows_total',
    'Rows behind the watermark (stateful nodes), under any late policy',
    this.labels,
  );
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

  private gauge(name: string, help: string, labelNames: readonly string[]): Gauge {
    return new Gauge({ name, help, labelNames, registers: [this.registry] });
  }

  private readonly sourceInputRate = this.gauge(
    'pipekit_source_input_rows_per_second',
    "Rows read per second since the previous batch (Spark's inputRowsPerSecond)",
    this.sourceLabels,
  );
  private readonly sourceProcessedRate = this.gauge(
    'pipekit_source_processed_rows_per_second',
    "Rows read per second of batch processing time (Spark's processedRowsPerSecond)",
    this.sourceLabels,
  );
  private readonly sourceBacklog = this.gauge(
    'pipekit_source_backlog_rows',
    'Rows available at the source beyond the last batch (sources that can tell)',
    this.sourceLabels,
  );
  private readonly inputRate = this.gauge(
    'pipekit_query_input_rows_per_second',
    'Rows read per second since the previous batch',
    this.queryLabels,
  );
  private readonly processedRate = this.gauge(
    'pipekit_query_processed_rows_per_second',
    'Rows read per second of batch processing time',
    this.queryLabels,
  );
  private readonly lastDuration = this.gauge(
    'pipekit_query_last_batch_duration_seconds',
    'Processing time of the last micro-batch',
    this.queryLabels,
  );
  private readonly triggerInterval = this.gauge(
    'pipekit_query_trigger_interval_seconds',
    'The trigger interval (processing-time triggers)',
    this.queryLabels,
  );
  private readonly eventTimeLag = this.gauge(
    'pipekit_query_event_time_lag_seconds',
    'Wall clock minus the largest event time seen',
    this.queryLabels,
  );
  private readonly watermarkDelay = this.gauge(
    'pipekit_query_watermark_delay_seconds',
    'Largest event time seen minus the watermark',
    this.queryLabels,
  );

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

  private readonly lastCircuit = new Map<string, string>();

  onCircuit(e: SinkCircuitEvent): void {
    const l = { pipeline: e.pipeline, query: e.queryId, node: e.node };
    this.circuitState.set(l, circuitValue(e.state));
    // Counted when a closed circuit opens (not on each failed half-open probe).
    const key = JSON.stringify(l);
    if (e.state === 'open' && (this.lastCircuit.get(key) ?? 'closed') === 'closed')
      this.circuitOpens.inc(l);
    this.lastCircuit.set(key, e.state);
  }

  onProgress(p: QueryProgress): void {
    this.countExpectations(p);
    for (const c of p.circuits ?? [])
      this.circuitState.set(
        { pipeline: p.pipeline, query: p.queryId, node: c.node },
        circuitValue(c.state),
      );
    const q = { pipeline: p.pipeline, query: p.queryId };
    this.batches.inc(q);
    this.duration.observe(q, p.durationMs / 1000);
    this.lastDuration.set(q, p.durationMs / 1000);
    this.inputRate.set(q, p.inputRowsPerSecond);
    this.processedRate.set(q, p.processedRowsPerSecond);
    if (p.triggerIntervalMs !== null) this.triggerInterval.set(q, p.triggerIntervalMs / 1000);
    if (p.eventTime?.lagMs != null) this.eventTimeLag.set(q, p.eventTime.lagMs / 1000);
    if (p.eventTime?.watermarkDelayMs != null)
      this.watermarkDelay.set(q, p.eventTime.watermarkDelayMs / 1000);
    for (const s of p.sources) {
      const l = { ...q, source: s.name };
      this.sourceInputRate.set(l, s.inputRowsPerSecond);
      this.sourceProcessedRate.set(l, s.processedRowsPerSecond);
      if (s.backlogRows !== null) this.sourceBacklog.set(l, s.backlogRows);
    }
    for (const n of p.nodes) {
      const l = { ...q, node: n.id, kind: n.kind, name: n.name ?? n.id };
      this.rowsIn.inc(l, n.rowsIn);
      this.rowsOut.inc(l, n.rowsOut);
      this.rate.set(l, n.rowsPerSecond);
      this.bad.record(l, n.badRecords);
      this.dropped.record(l, n.dropped);
      this.deadLettered.record(l, n.deadLettered);
      this.late.record(l, n.lateRows);
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

/** The circuit-state gauge's value: 0 closed, 1 half-open, 2 open. */
function circuitValue(state: 'closed' | 'open' | 'halfOpen'): number {
  return state === 'closed' ? 0 : state === 'halfOpen' ? 1 : 2;
}
