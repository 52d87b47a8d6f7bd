import type { Plan } from '@pipekit/core';
import { createLogger } from '@pipekit/runtime';
import type { SparkRunResult } from '@pipekit/spark';
import { loadPipelines, withOnceTriggers } from '../load-pipeline.js';
import { type RunCommandOptions, type RunIo, startProgressOutputs } from './run.js';
import { sinkTarget } from './sink-target.js';

function summary(r: SparkRunResult, plan: Plan, seconds: number): string {
  const sinks = Object.entries(r.sinks)
    .map(([id, s]) => {
      const rows =
        s.rowsWritten === null ? 'written' : `${s.rowsWritten.toLocaleString('en-US')} rows`;
      return `  ${id}: ${rows} in ${s.batches} batch${s.batches === 1 ? '' : 'es'}${sinkTarget(plan, id)}`;
    })
    .join('\n');
  const batches = r.queries.reduce((a, q) => a + q.batches, 0);
  const queries =
    r.queries.length === 0 ? 'a batch job' : `${batches} micro-batch${batches === 1 ? '' : 'es'}`;
  return `pipeline '${r.pipeline}' ${r.stoppedBy} on Spark (${r.remote}) in ${seconds.toFixed(1)} s: ${queries}\n${sinks}\n`;
}

/**
 * `pipe run <file> --engine spark [--remote sc://host:port]`: the same pipelines on a Spark Connect
 * server, with the local runtime's progress output fed from Spark's query progress.
 */
export async function runOnSparkCommand(
  file: string,
  o: RunCommandOptions & { readonly remote: string | undefined },
  io: RunIo,
): Promise<number> {
  const { pipelines } = await loadPipelines(file);
  const { runOnSpark } = await import('@pipekit/spark');
  const logger = createLogger({ level: o.logLevel });
  const outputs = await startProgressOutputs(
    file,
    pipelines.map((p) => p.plan),
    o,
    io,
    'none',
  );
  const { metrics, ui } = outputs;
  let stopped = false;
  try {
    for (const p of pipelines) {
      const started = performance.now();
      const plan = o.once ? withOnceTriggers(p.plan) : p.plan;
      const r = await runOnSpark(plan, {
        ...(o.remote === undefined ? {} : { remote: o.remote }),
        logger,
        metrics,
        signal: io.signal,
        stdout: io.stdout,
      }).result;
      const seconds = (performance.now() - started) / 1000;
      stopped ||= r.stoppedBy === 'stopped';
      if (o.json)
        io.stdout.write(
          `${JSON.stringify({ type: 'summary', ...r, memory: undefined, seconds })}\n`,
        );
      else io.stdout.write(summary(r, p.plan, seconds));
    }
    ui?.finish({ state: stopped ? 'stopped' : 'completed' });
    return 0;
  } catch (e) {
    ui?.finish({ state: 'failed', message: (e as Error)?.message ?? String(e) });
    throw e;
  } finally {
    await outputs.close();
  }
}
