/**
 * The pipekit engine of the peer benchmarks: a long-lived child process (so its JIT warms up over
 * the warm-up round, as the JVM engines' do) that reads one JSON command a line on stdin and
 * answers one JSON line on stdout: `{"seconds": …, "processed": …}`, the time from starting the
 * pipeline to its end (the sink flushed and closed). Started by bench/peers/engines.ts.
 */
import { createInterface } from 'node:readline';
import { availableNow, count, every, max, type Plan, source, sum, tumbling } from '@pipekit/core';
import { registerConnectors as registerDelta } from '@pipekit/delta';
import { registerConnectors as registerKafka } from '@pipekit/kafka';
import { createLogger, defaultConnectors, type QueryProgress, runPipeline } from '@pipekit/runtime';
import { addToSummary, type WindowSummary, windowsStream } from '../windows/workload.js';
import type { RunCommand } from './protocol.js';

const logger = createLogger({ level: 'error' });
const SCHEMA = 'id LONG, userId STRING, kind STRING, amount LONG, ts TIMESTAMP';

function planOf(c: RunCommand): Plan {
  const brokers = [c.bootstrap];
  const bounded = { brokers, topic: c.input, schema: SCHEMA, startingOffsets: 'earliest' } as const;
  switch (c.workload) {
    case 'w1':
      return source
        .kafka({ ...bounded, endingOffsets: 'latest' })
        .filter((r) => r.kind.eq('purchase').and(r.amount.gt(100)))
        .select('id', 'userId', 'amount')
        .sink.kafka({ brokers, topic: c.output!, key: 'userId' }).plan;
    case 'w2':
      // An unbounded source read to what is there now, in micro-batches: a stream with a
      // watermark, as Spark's availableNow (a bounded source would aggregate every row at the end).
      return source
        .kafka({ ...bounded, maxOffsetsPerTrigger: c.batchRecords })
        .watermark('ts', `${c.delayMs} milliseconds`)
        .window(tumbling('1 minute'))
        .groupBy('userId')
        .aggregate(
          { events: count(), revenue: sum('amount'), biggest: max('amount') },
          { late: 'drop' },
        )
        .sink.kafka({
          brokers,
          topic: c.output!,
          key: 'userId',
          outputMode: 'append',
          trigger: availableNow(),
        }).plan;
    case 'w3':
      return source
        .kafka({ ...bounded, endingOffsets: 'latest' })
        .filter((r) => r.kind.eq('purchase').and(r.amount.gt(100)))
        .sink.delta({ path: c.table!, mode: 'overwrite' }).plan;
    case 'w4':
      // In-process, a stream as in the windows benchmark: an unbounded generated source (a bounded
      // one would be aggregated as a batch query), stopped by run() after `records` events; the
      // emitted windows summed up by the sink registered in run().
      return windowsStream(c.batchRecords).sink.memory({
        name: 'w4',
        outputMode: 'append',
        trigger: every(1),
      }).plan;
    default:
      throw new Error(`pipekit driver: no workload ${c.workload}`);
  }
}

async function run(c: RunCommand) {
  const connectors = defaultConnectors();
  registerKafka(connectors);
  registerDelta(connectors);
  const windows = new Map<number, WindowSummary>();
  connectors.registerSink('memory', () => ({
    writeBatch: (b) => {
      for (const r of b.rows)
        addToSummary(
          windows,
          (r.window_start as Date).getTime(),
          r.events as number,
          r.revenue as number,
          r.biggest as number,
        );
    },
    close: () => {},
  }));
  const started = performance.now();
  const running = runPipeline(
    { plan: planOf(c), udfs: new Map() },
    {
      connectors,
      logger,
      metrics:
        c.workload === 'w4'
          ? [
              {
                // After a batch (its output written): stop once the batch with event `records − 1` is done.
                onProgress: (p: QueryProgress) => {
                  const src = p.nodes.find((n) => n.kind === 'source');
                  if (src && src.totalRowsOut >= c.records) running.stop();
                },
              },
            ]
          : [],
    },
  );
  const result = await running.result;
  const seconds = (performance.now() - started) / 1000;
  const processed = result.nodes.find((n) => n.kind === 'source')?.rowsOut ?? 0;
  return c.workload === 'w4'
    ? { seconds, processed, windows: [...windows].map(([start, w]) => ({ start, ...w })) }
    : { seconds, processed };
}

for await (const line of createInterface({ input: process.stdin })) {
  if (!line.trim()) continue;
  const answer = await run(JSON.parse(line) as RunCommand).catch((e: unknown) => ({
    error: String(e instanceof Error ? (e.stack ?? e.message) : e),
  }));
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
