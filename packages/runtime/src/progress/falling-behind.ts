import { compact, span } from './format.js';
import type { QueryProgress } from './query-progress.js';

/** Batches in a row that must show it: one slow batch or one burst is not a trend. */
const streak = 3;

/** A warning for a person: who it is about (a source's or the query's name) and what to do. */
export interface ProgressWarning {
  /** The source's `.as()` name or id; the query id for the query's own warning. */
  readonly about: string;
  readonly text: string;
}

interface SourceTrend {
  backlogs: number[];
  times: number[];
}

/**
 * Watches progress records for a query that falls behind its trigger, and says so once:
 *
 * - a source capped by one of its options (`batchSize`, `maxOffsetsPerTrigger`) whose backlog grows
 *   batch after batch: rows arrive faster than the trigger takes them, so event time lags further
 *   behind the clock and windows close ever later; the warning names the option;
 * - batches that take longer than the trigger interval: processing is the limit.
 *
 * A function of the records only, so any engine's progress can be watched.
 */
export class FallingBehindWatch {
  private readonly trends = new Map<string, SourceTrend>();
  private readonly slow = new Map<string, number>();
  private readonly warned = new Set<string>();

  /** The warnings this record calls for; each at most once per query and source. */
  check(p: QueryProgress): ProgressWarning[] {
    const interval = p.triggerIntervalMs;
    if (interval === null) return [];
    const out: ProgressWarning[] = [];
    const time = Date.parse(p.timestamp);
    for (const s of p.sources) {
      const key = `${p.queryId}\u0000${s.id}`;
      if (s.backlogRows === null || s.limitedBy === null) {
        this.trends.delete(key);
        continue;
      }
      const t = this.trends.get(key) ?? { backlogs: [], times: [] };
      t.backlogs.push(s.backlogRows);
      t.times.push(time);
      if (t.backlogs.length > streak + 1) {
        t.backlogs.shift();
        t.times.shift();
      }
      this.trends.set(key, t);
      const growing =
        t.backlogs.length === streak + 1 &&
        t.backlogs.every((b, i) => i === 0 || b > t.backlogs[i - 1]!);
      if (!growing || this.warned.has(key)) continue;
      this.warned.add(key);
      const seconds = (t.times[streak]! - t.times[0]!) / 1000;
      const taken = s.numInputRows;
      const arriving =
        seconds > 0 ? (t.backlogs[streak]! - t.backlogs[0]! + taken * streak) / seconds : null;
      out.push({
        about: s.name,
        text:
          `falls behind its trigger: it takes at most ${compact(taken)} rows a batch (${s.limitedBy}) every ${span(interval)}, ` +
          `${compact(s.inputRowsPerSecond)} rows/s${arriving === null ? '' : `, while rows arrive at ${compact(arriving)} rows/s`}; ` +
          `${compact(s.backlogRows)} rows wait and event time falls further behind each batch. ` +
          `Raise ${s.limitedBy} (or shorten the trigger interval)`,
      });
    }
    const slowKey = p.queryId;
    const slowCount = p.durationMs > interval ? (this.slow.get(slowKey) ?? 0) + 1 : 0;
    this.slow.set(slowKey, slowCount);
    if (slowCount >= streak && !this.warned.has(slowKey)) {
      this.warned.add(slowKey);
      out.push({
        about: p.queryId,
        text:
          `falls behind its trigger: batches take ${span(p.durationMs)}, longer than the trigger interval of ${span(interval)} ` +
          `(${compact(p.processedRowsPerSecond)} rows/s processed). Lengthen the interval, or make batches smaller or cheaper`,
      });
    }
    return out;
  }
}
