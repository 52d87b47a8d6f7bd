import { progressJson } from '../progress/progress-text.js';
import type { MetricsListener, QueryProgress } from './node-metrics.js';

/**
 * Progress as JSON lines: every batch's (`pipe run --json`, on stdout), or with `everyMs` at most
 * one a period per query (off a terminal, on stderr: a log collector sees the query's health
 * without a line per batch).
 */
export class JsonLinesMetrics implements MetricsListener {
  private readonly last = new Map<string, number>();

  constructor(
    private readonly out: NodeJS.WritableStream = process.stdout,
    private readonly everyMs = 0,
    private readonly now: () => number = Date.now,
  ) {}

  onProgress(p: QueryProgress): void {
    if (this.everyMs > 0) {
      const t = this.now();
      const last = this.last.get(p.queryId);
      if (last === undefined) {
        // The first line comes one period after the start: a short run prints none.
        this.last.set(p.queryId, t);
        return;
      }
      if (t - last < this.everyMs) return;
      this.last.set(p.queryId, t);
    }
    this.out.write(progressJson(p));
  }
}
