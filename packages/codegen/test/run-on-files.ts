import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Plan, PlanNode } from '@pipekit/core';
import {
  createLogger,
  defaultConnectors,
  type QueryProgress,
  type Row,
  runPipeline,
  type SinkBatch,
} from '@pipekit/runtime';

/** What one micro-batch of a converted pipeline did: its watermark and each sink's rows. */
export interface RunBatch {
  readonly queryId: string;
  readonly batchId: number;
  readonly watermark: string | null;
  /** Rows by sink node id. */
  readonly rows: ReadonlyMap<string, readonly Row[]>;
}

/** Input batches as files 000.json, 001.json, … in `dir` (as oracle.py writes them for Spark). */
export function writeBatchFiles(dir: string, batches: readonly (readonly Row[])[]): string {
  mkdirSync(dir, { recursive: true });
  batches.forEach((rows, i) => {
    const text = rows.map((r) => JSON.stringify(r)).join('\n');
    writeFileSync(join(dir, `${String(i).padStart(3, '0')}.json`), text ? `${text}\n` : '');
  });
  return dir;
}

/**
 * A converted plan reading `inputDir` one file a batch to the end (`availableNow`), each sink
 * collecting what it is handed (as Spark's `foreachBatch`), checkpointing into `checkpoint` (never
 * the config's directory). The config's trigger is replaced for all sinks alike.
 */
export function onFiles(plan: Plan, inputDir: string, checkpoint: string): Plan {
  const nodes = plan.nodes.map((n): PlanNode => {
    if (n.kind === 'source') {
      if (n.source.type !== 'file') throw new Error(`${n.id}: only file sources are rerouted`);
      return { ...n, source: { ...n.source, path: inputDir, maxFilesPerTrigger: 1 } };
    }
    if (n.kind === 'sink')
      return {
        ...n,
        sink: { type: 'memory', name: n.id },
        trigger: { type: 'availableNow' },
        ...(n.checkpoint === undefined ? {} : { checkpoint }),
      };
    return n;
  });
  return { ...plan, nodes };
}

/** Runs a plan made by `onFiles` on the local runtime; every micro-batch of every query. */
export async function runCollecting(plan: Plan): Promise<RunBatch[]> {
  const written = new Map<string, Map<string, readonly Row[]>>();
  // Keyed by the query's id from the sink's context (SinkBatch.queryId is the checkpoint's UUID).
  const connectors = defaultConnectors().registerSink('memory', (spec, ctx) => ({
    writeBatch: (b: SinkBatch) => {
      const key = `${ctx.queryId}#${b.batchId}`;
      const rows = written.get(key) ?? new Map<string, readonly Row[]>();
      rows.set(spec.name, b.rows);
      written.set(key, rows);
    },
    close: () => {},
  }));
  const reports: QueryProgress[] = [];
  const run = runPipeline(
    { plan, udfs: new Map() },
    {
      connectors,
      logger: createLogger({ level: 'error' }),
      metrics: [{ onProgress: (r) => reports.push(r) }],
    },
  );
  await run.result;
  return reports.map((r) => ({
    queryId: r.queryId,
    batchId: r.batchId,
    watermark: r.nodes.find((n) => n.kind === 'watermark')?.watermark ?? null,
    rows: written.get(`${r.queryId}#${r.batchId}`) ?? new Map(),
  }));
}

/** A row as fixtures hold it: times as ISO strings, keys in a fixed order. */
export function plainRow(r: Row): string {
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(r).sort()) {
    const v = r[k];
    o[k] = v instanceof Date ? v.toISOString() : v;
  }
  return JSON.stringify(o);
}

export const rowSet = (rows: readonly Row[]) => rows.map(plainRow).sort();
