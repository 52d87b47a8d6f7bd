import { Counter, type Registry } from 'prom-client';

/**
 * A Prometheus counter fed with running totals (progress reports carry totals so far, not
 * increments): each report adds what the total grew since the last one for the same labels, so
 * `rate()` and `increase()` work as on any counter.
 */
export class TotalCounter<L extends string> {
  private readonly counter: Counter<L>;
  private readonly last = new Map<string, number>();

  constructor(registry: Registry, name: string, help: string, labelNames: readonly L[]) {
    this.counter = new Counter({ name, help, labelNames, registers: [registry] });
  }

  /** The running total for `labels` is now `total` (the first report shows the series, at 0 too). */
  record(labels: Partial<Record<L, string | number>>, total: number): void {
    const key = JSON.stringify(labels);
    const before = this.last.get(key);
    // A total never shrinks within a run: only growth is counted.
    if (before !== undefined && total <= before) return;
    this.counter.inc(labels, Math.max(0, total - (before ?? 0)));
    this.last.set(key, total);
  }
}
