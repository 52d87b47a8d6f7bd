import { Writable } from 'node:stream';
import { pino } from 'pino';
import { VirtualTimeScheduler } from 'rxjs';
import type { QueryProgress } from '../src/index.js';

/** Lets promises and setImmediate callbacks run (a bounded number of turns). */
export async function settle(turns = 30): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise((r) => setImmediate(r));
}

/**
 * Virtual time for a running pipeline: `advance(ms)` runs every timer due within `ms`, letting the
 * pipeline's promises settle between timers, and leaves the clock at now + ms.
 */
export class VirtualClock {
  readonly scheduler = new VirtualTimeScheduler();

  now(): number {
    return this.scheduler.now();
  }

  async advance(ms: number): Promise<void> {
    const target = this.scheduler.frame + ms;
    for (let i = 0; i < 10_000; i++) {
      await settle();
      const next = this.scheduler.actions[0];
      if (!next || (next.delay ?? 0) > target) break;
      this.scheduler.maxFrames = target;
      this.scheduler.flush();
    }
    this.scheduler.frame = target;
    await settle();
  }
}

/** A pino logger whose JSON records are kept in memory. */
export function memoryLogger(level = 'debug') {
  const records: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n'))
        if (line.trim()) records.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  return { logger: pino({ level }, stream), records };
}

/** A metrics listener keeping every progress report. */
export function progressLog() {
  const reports: QueryProgress[] = [];
  return { listener: { onProgress: (p: QueryProgress) => reports.push(p) }, reports };
}

/** A writable collecting text. */
export function textSink() {
  let text = '';
  const stream = new Writable({
    write(chunk, _enc, done) {
      text += String(chunk);
      done();
    },
  });
  return { stream, text: () => text };
}
