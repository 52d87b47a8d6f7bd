/**
 * Reads what an engine wrote and checks it against the expected results of workload.ts, so no
 * engine wins by doing less: W1 and W3 must write exactly the kept events (count and checksums),
 * W2 every surely-closed window and only right values.
 */
import { source } from '@pipekit/core';
import { registerConnectors as registerDelta } from '@pipekit/delta';
import { createLogger, defaultConnectors, runPipeline } from '@pipekit/runtime';
import { type Kafka, logLevel } from 'kafkajs';
import type { WindowSummary } from '../windows/workload.js';
import type { FilterResult, WindowAggregate } from './workload.js';

export interface Check {
  readonly ok: boolean;
  readonly rows: number;
  readonly detail: string;
}

/** Every value of a topic (read committed), until it has been quiet for `quietMs` (bounded). */
export async function readTopic(kafka: Kafka, topic: string, quietMs = 4000): Promise<string[]> {
  const values: string[] = [];
  const consumer = kafka.consumer({
    groupId: `peers-check-${topic}`,
    maxBytesPerPartition: 8 * 1024 * 1024,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let last = Date.now();
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch }) => {
      for (const m of batch.messages) if (m.value) values.push(m.value.toString());
      last = Date.now();
    },
  });
  const deadline = Date.now() + 300_000;
  while (Date.now() - last < quietMs && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 250));
  await consumer.disconnect();
  return values;
}

export function checkFilter(
  rows: readonly { id: unknown; amount: unknown }[],
  want: FilterResult,
): Check {
  let idSum = 0;
  let amountSum = 0;
  for (const r of rows) {
    idSum += Number(r.id);
    amountSum += Number(r.amount);
  }
  const ok = rows.length === want.rows && idSum === want.idSum && amountSum === want.amountSum;
  return {
    ok,
    rows: rows.length,
    detail: ok
      ? `${rows.length} rows, id and amount checksums match`
      : `got ${rows.length} rows (id Σ ${idSum}, amount Σ ${amountSum}), want ${want.rows} (id Σ ${want.idSum}, amount Σ ${want.amountSum})`,
  };
}

export function checkWindows(
  values: readonly string[],
  want: ReadonlyMap<string, WindowAggregate>,
  closedBefore: number,
): Check {
  const seen = new Set<string>();
  const wrong: string[] = [];
  let duplicates = 0;
  for (const v of values) {
    const r = JSON.parse(v) as Record<string, unknown>;
    const start = Date.parse(String(r.window_start));
    const k = `${start}|${r.userId}`;
    if (seen.has(k)) duplicates++;
    seen.add(k);
    const w = want.get(k);
    if (
      !w ||
      Number(r.events) !== w.events ||
      Number(r.revenue) !== w.revenue ||
      Number(r.biggest) !== w.biggest
    )
      wrong.push(`${k}: got ${v}, want ${JSON.stringify(w ?? null)}`);
  }
  let missing = 0;
  let mustHave = 0;
  const missingWindows = new Set<string>();
  for (const k of want.keys()) {
    const start = Number(k.slice(0, k.indexOf('|')));
    if (start + 60_000 > closedBefore) continue;
    mustHave++;
    if (!seen.has(k)) {
      missing++;
      missingWindows.add(new Date(start).toISOString().slice(11, 16));
    }
  }
  const ok = wrong.length === 0 && missing === 0 && duplicates === 0;
  return {
    ok,
    rows: values.length,
    detail: ok
      ? `${values.length} windows emitted, all right; all ${mustHave} surely-closed ones present`
      : `${wrong.length} wrong (${wrong.slice(0, 2).join('; ')}), ${missing} of ${mustHave} surely-closed missing (windows ${[...missingWindows].sort().join(' ')}), ${duplicates} duplicates`,
  };
}

/** A Delta table's rows, read by pipekit's Delta source. */
export async function readDelta(path: string): Promise<Record<string, unknown>[]> {
  const connectors = defaultConnectors();
  registerDelta(connectors);
  const run = runPipeline(source.delta({ path }).sink.memory({ name: 'table' }), {
    connectors,
    logger: createLogger({ level: 'error' }),
  });
  await run.result;
  return run.memory.get('table') as Record<string, unknown>[];
}

export const quietKafkaLogs = logLevel.NOTHING;

/**
 * W4: an engine's emitted windows (each summed up: groups, Σ count, Σ sum, Σ max) against the
 * expected ones: every window ending at or before `cutoff` (the last batch's watermark) present
 * with the same figures, none there that should not be; later windows (pipekit emits what it holds
 * when its bounded input ends) are not compared.
 */
export function checkW4(
  got: readonly (WindowSummary & { start: number })[],
  want: ReadonlyMap<number, WindowSummary>,
  cutoff: number,
): Check {
  const wrong: string[] = [];
  let groups = 0;
  for (const g of got) {
    if (g.start + 60_000 > cutoff) continue;
    groups += g.groups;
    const w = want.get(g.start);
    if (
      !w ||
      w.groups !== g.groups ||
      w.events !== g.events ||
      w.revenue !== g.revenue ||
      w.biggest !== g.biggest
    )
      wrong.push(
        `${new Date(g.start).toISOString()}: got ${JSON.stringify(g)}, want ${JSON.stringify(w ?? null)}`,
      );
  }
  const seen = new Set(got.map((g) => g.start));
  const missing = [...want.keys()].filter((start) => !seen.has(start)).length;
  const ok = wrong.length === 0 && missing === 0;
  return {
    ok,
    rows: groups,
    detail: ok
      ? `all ${want.size} closed windows (${groups} groups) with the expected count, Σ count, Σ sum, Σ max`
      : `${wrong.length} wrong (${wrong.slice(0, 2).join('; ')}), ${missing} of ${want.size} missing`,
  };
}
