/**
 * generate → filter → select → aggregate → memory sink on 10M rows (or argv[2]).
 * Writes bench/results/runtime.json with rows/s and peak RSS. Not a test: run it with
 * `npm run bench -- runtime`. Target: ≥ 2,000,000 rows/s and peak RSS < 400 MB.
 *
 * `--ui`: with the live UI's server fed by the run and a headless Chromium showing its page
 * (`--ui=server`: the server and an event-stream reader, no browser), written to
 * bench/results/runtime-ui.json; `--rounds N [--ui=server]` alternates runs without and with it
 * N times (in fresh processes) and writes the medians to bench/results/runtime-ui-cost.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { count, gen, source, sum } from '@pipekit/core';
import { runPipeline } from '@pipekit/runtime';
import { openUiFor, runRounds, type UiOpen, uiMode } from './ui-open.js';

const args = process.argv.slice(2);
const rows = Number(args.find((a) => /^\d+$/.test(a)) ?? 10_000_000);
const rounds = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : 0;
if (rounds > 0) {
  await runRounds(rows, rounds, uiMode(args) === 'server' ? 'server' : 'browser');
  process.exit(0);
}
const ui = uiMode(args);
const pipeline = source
  .generate({
    seed: 7,
    limit: rows,
    batchSize: 20_000,
    columns: {
      userId: gen.key('user-', 100_000),
      eventType: gen.choice(['view', 'click', 'purchase'], [0.7, 0.25, 0.05]),
      amount: gen.uniform(0, 500),
      ts: gen.eventTime(),
    },
  })
  .filter((r) => r.amount.gt(10))
  .select('userId', 'eventType', 'amount')
  .groupBy('userId')
  .aggregate({ events: count(), revenue: sum('amount') })
  .sink.memory({ name: 'per-user' });

const loadBefore = loadavg();
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
const open: UiOpen | null = ui === 'none' ? null : await openUiFor(pipeline.plan, ui);
const cpuBefore = process.cpuUsage();
const started = performance.now();
const run = runPipeline(pipeline, open ? { metrics: [open.server] } : {});
const result = await run.result;
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
// CPU time (this process, every thread) is far steadier than wall time on a shared machine.
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
clearInterval(sampler);
const seen = open ? await open.close() : null;
peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);

const out = {
  benchmark: ui === 'none' ? 'runtime' : 'runtime-ui',
  pipeline: 'generate → filter → select → aggregate → memory sink',
  ...(ui === 'none'
    ? {}
    : {
        ui,
        watchedBy: ui === 'server' ? { newestBatchStreamed: seen } : { pagesOpenAtEnd: seen },
      }),
  rows,
  seconds: Math.round(seconds * 1000) / 1000,
  rowsPerSecond: Math.round(rows / seconds),
  cpuSeconds: Math.round(cpuSeconds * 1000) / 1000,
  rowsPerCpuSecond: Math.round(rows / cpuSeconds),
  peakRssMB: Math.round(peakRss / 1024 / 1024),
  batches: result.queries[0]?.batches,
  groups: run.memory.get('per-user').length,
  targets: { rowsPerSecond: 2_000_000, peakRssMB: 400 },
  machine: {
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    note: 'shared with other work while measured',
    /** 1, 5 and 15 minute load averages when the run started and ended. */
    loadAverage: {
      start: loadBefore.map((l) => Math.round(l * 100) / 100),
      end: loadavg().map((l) => Math.round(l * 100) / 100),
    },
  },
  date: new Date().toISOString(),
};
mkdirSync('bench/results', { recursive: true });
writeFileSync(
  `bench/results/${ui === 'none' ? 'runtime' : 'runtime-ui'}.json`,
  `${JSON.stringify(out, null, 2)}\n`,
);
console.log(JSON.stringify(out, null, 2));
