import { expectationText } from './expectation-metrics.js';
import type { MetricsListener, QueryProgress, SinkCircuitEvent } from './node-metrics.js';

function compact(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(n);
}

/** The one-line summary of a batch: `clicks: batch 12 | 10.0k rows in 4.1 ms (2.4M rows/s) | out 1.2M | bad 3`. */
export function progressText(p: QueryProgress): string {
  const sinks = p.nodes.filter((n) => n.kind === 'sink');
  const written = sinks.reduce((a, n) => a + n.totalRowsOut, 0);
  const bad = p.nodes.reduce((a, n) => a + n.badRecords, 0);
  const state = p.nodes.reduce((a, n) => a + n.stateRows, 0);
  const expectations = expectationText(p.expectations ?? []);
  const wm = p.nodes.find((n) => n.watermark !== null)?.watermark;
  return [
    `${p.queryId}: batch ${p.batchId}`,
    `${compact(p.numInputRows)} rows in ${p.durationMs.toFixed(1)} ms (${compact(p.processedRowsPerSecond)} rows/s)`,
    `written ${compact(written)}`,
    ...(state > 0 ? [`state ${compact(state)}`] : []),
    ...(bad > 0 ? [`bad ${compact(bad)}`] : []),
    ...(expectations ? [expectations] : []),
    ...(wm ? [`watermark ${wm}`] : []),
  ].join(' | ');
}

/** A live progress line on a terminal, redrawn in place (at most every 100 ms). */
export class ProgressLine implements MetricsListener {
  private last = 0;
  private text = '';

  constructor(private readonly out: NodeJS.WriteStream = process.stderr) {}

  onProgress(p: QueryProgress): void {
    this.text = progressText(p);
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    this.draw();
  }

  /** A sink's circuit opened or closed: a line of its own, kept above the progress line. */
  onCircuit(e: SinkCircuitEvent): void {
    if (e.state === 'halfOpen') return;
    const what =
      e.state === 'open'
        ? `sink ${e.node}: circuit open after ${e.consecutiveFailures} failed writes, waiting (${e.error ?? ''})`
        : `sink ${e.node}: circuit closed, writing again`;
    this.out.write(`\r\x1b[2K${what}\n`);
    if (this.text !== '') this.draw();
  }

  private draw(): void {
    const width = this.out.columns ?? 120;
    this.out.write(`\r\x1b[2K${this.text.slice(0, width - 1)}`);
  }

  close(): void {
    if (this.text === '') return;
    this.draw();
    this.out.write('\n');
  }
}
