import type { Plan, Trigger } from '@pipekit/core';
import { DeltaTable } from '@pipekit/delta';
import { type Row, runPipeline } from '@pipekit/runtime';
import { runOnSpark } from '@pipekit/spark';
import { connectors, logger } from './helpers.js';

/** The local Spark Connect server of test/services/spark.sh. */
export const sparkRemote = `sc://127.0.0.1:${process.env.SPARK_CONNECT_PORT ?? 15002}`;

/** The plan with every trigger `availableNow`: each engine reads what is there, then stops. */
export function toTheEnd(plan: Plan): Plan {
  const trigger: Trigger = { type: 'availableNow' };
  return { ...plan, nodes: plan.nodes.map((n) => (n.kind === 'sink' ? { ...n, trigger } : n)) };
}

/** The plan with every occurrence of `from` in its strings (paths, topics) made `to`. */
export function renamed(plan: Plan, from: string, to: string): Plan {
  return JSON.parse(JSON.stringify(plan).replaceAll(from, to)) as Plan;
}

export async function runLocally(plan: Plan): Promise<void> {
  const r = await runPipeline({ plan, udfs: new Map() }, { connectors: connectors(), logger })
    .result;
  if (r.stoppedBy !== 'completed') throw new Error(`local run ${r.stoppedBy}`);
}

export async function runSpark(plan: Plan): Promise<void> {
  const r = await runOnSpark(plan, { remote: sparkRemote, pollMs: 500 }).result;
  if (r.stoppedBy !== 'completed') throw new Error(`Spark run ${r.stoppedBy}`);
}

export async function deltaRows(path: string): Promise<Row[]> {
  return (await DeltaTable.open(path)).read();
}

/**
 * Rows made comparable across engines, order-free: times as ISO text, numbers (and decimal text)
 * rounded to 9 significant digits (a sum of doubles depends on the order it is added in).
 */
export function comparable(rows: readonly Row[]): string[] {
  const value = (v: unknown): unknown => {
    if (v instanceof Date) return v.toISOString();
    if (typeof v === 'bigint') return Number(v);
    if (typeof v === 'number') return Number(v.toPrecision(9));
    if (typeof v === 'string' && /^-?\d+\.\d+$/.test(v)) return Number(Number(v).toPrecision(9));
    return v;
  };
  return rows
    .map((r) =>
      JSON.stringify(
        Object.fromEntries(
          Object.keys(r)
            .sort()
            .map((k) => [k, value(r[k])]),
        ),
      ),
    )
    .sort();
}

/**
 * Runs `plan` on the local runtime and on Spark, each writing where `output` is, renamed to
 * `<to>-local` and `<to>-spark`, and reads both results back with `read` (a path under that
 * directory may be given as `read`'s suffix).
 */
export async function onBothEngines(
  plan: Plan,
  output: string,
  to: string,
  read: (dir: string) => Promise<Row[]>,
): Promise<{ local: Row[]; spark: Row[] }> {
  await runLocally(renamed(plan, output, `${to}-local`));
  await runSpark(renamed(plan, output, `${to}-spark`));
  return { local: await read(`${to}-local`), spark: await read(`${to}-spark`) };
}
