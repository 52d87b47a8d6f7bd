import type { MetricsListener, QueryProgress, SinkCircuitEvent } from './node-metrics.js';

/** Each batch's progress as one JSON line (`pipe run --json`). */
export class JsonLinesMetrics implements MetricsListener {
  constructor(private readonly out: NodeJS.WritableStream = process.stdout) {}

  onCircuit(e: SinkCircuitEvent): void {
    this.out.write(`${JSON.stringify({ type: 'circuit', ...e })}\n`);
  }

  onProgress(p: QueryProgress): void {
    this.out.write(`${JSON.stringify({ type: 'progress', ...p })}\n`);
  }
}
