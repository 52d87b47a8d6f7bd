import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { QueryProgress } from '../src/index.js';

export { settle, VirtualClock } from '../src/virtual-clock.js';

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
