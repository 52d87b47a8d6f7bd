/**
 * Event-time windows on a stream: 10M generated events (or argv[2]), 100k keys, 1-minute tumbling
 * windows, 10 s watermark delay, 5% of events out of order by up to 1 minute (so some are late),
 * append mode. Writes bench/results/windows.json: events/s, events per CPU-second, peak RSS, state
 * held over time and bytes per open window. Not a test: `npm run bench -- windows [events] [runs]`.
 * Target: ≥ 2,000,000 events/s and state memory that stays flat over time.
 *
 * Each of `runs` (default 5) runs in a fresh process; the figures are their medians. On a machine
 * shared with other work, wall time stretches with the load; CPU time (user + system, all threads,
 * from starting the pipeline to its end) much less, so events per CPU-second is the figure to
 * compare across runs.
 *
 * The generator's event time advances 1 ms per event, so a window holds 60k events over up to
 * 100k keys (≈45k groups), and ~1–2 windows are open at any time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { every } from '@pipekit/core';
import { defaultConnectors, type QueryProgress, runPipeline } from '@pipekit/runtime';
import { START, windowsStream } from './windows/workload.js';

const events = Number(process.argv[2] ?? 10_000_000);
const runs = Number(process.argv[3] ?? 5);
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

if (process.env.PIPEKIT_WINDOWS_RUN !== '1') {
  // The parent: each run in a fresh process (same flags), then the medians.
  const results: Record<string, unknown>[] = [];
  for (let i = 0; i < runs; i++) {
    const line = execFileSync(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), String(events)],
      {
        encoding: 'utf8',
        env: { ...process.env, PIPEKIT_WINDOWS_RUN: '1' },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    const r = JSON.parse(line.trim().split('\n').at(-1)!) as Record<string, unknown>;
    console.log(
      `run ${i + 1}/${runs}: ${r.eventsPerSecond} events/s, ${r.eventsPerCpuSecond} events/CPU-s (${r.seconds} s, CPU ${r.cpuSeconds} s, load ${JSON.stringify((r.loadAverage as { start: number[] }).start)})`,
    );
    results.push(r);
  }
  const pick = (k: string) => results.map((r) => r[k] as number);
  const last = results.at(-1)!;
  const out = {
    ...last,
    runs: results.length,
    seconds: median(pick('seconds')),
    eventsPerSecond: Math.round(median(pick('eventsPerSecond'))),
    cpuSeconds: median(pick('cpuSeconds')),
    eventsPerCpuSecond: Math.round(median(pick('eventsPerCpuSecond'))),
    peakRssMB: Math.max(...pick('peakRssMB')),
    perRun: results.map((r) => ({
      seconds: r.seconds,
      eventsPerSecond: r.eventsPerSecond,
      cpuSeconds: r.cpuSeconds,
      eventsPerCpuSecond: r.eventsPerCpuSecond,
      peakRssMB: r.peakRssMB,
      loadAverage: r.loadAverage,
    })),
    loadAverage: undefined,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/windows.json', `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify({ ...out, samples: undefined, perRun: undefined }, null, 2));
  process.exit(0);
}

const batchSize = 20_000;
const start = START;
const pipeline = windowsStream(batchSize).sink.memory({
  name: 'windows',
  outputMode: 'append',
  trigger: every(1),
});

// Count what the sink gets instead of keeping it: the state is what is measured.
let rowsOut = 0;
const connectors = defaultConnectors().registerSink('memory', () => ({
  writeBatch: (b) => {
    rowsOut += b.rows.length;
  },
  close: () => {},
}));

interface Sample {
  readonly events: number;
  readonly seconds: number;
  readonly rssMB: number;
  readonly heapMB: number;
  readonly groups: number;
  readonly openWindows: number;
  readonly stateMB: number;
}
const samples: Sample[] = [];
const loadBefore = loadavg();
let peakRss = process.memoryUsage().rss;
let late = 0;
let processed = 0;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const run = runPipeline(pipeline, {
  connectors,
  metrics: [
    {
      onProgress: (p: QueryProgress) => {
        const src = p.nodes.find((n) => n.kind === 'source')!;
        const agg = p.nodes.find((n) => n.kind === 'aggregate')!;
        const wm = Date.parse(p.nodes.find((n) => n.kind === 'watermark')!.watermark!);
        processed = src.totalRowsOut;
        late = agg.lateRows;
        const mem = process.memoryUsage();
        peakRss = Math.max(peakRss, mem.rss);
        // Windows open: from the one holding the watermark to the one of the newest event (before
        // the first watermark, all since the first event).
        const newest = start + processed;
        const oldest = Math.max(wm, start);
        const openWindows = Math.floor(newest / 60_000) - Math.floor(oldest / 60_000) + 1;
        if (p.batchId % 25 === 0)
          samples.push({
            events: processed,
            seconds: Math.round(performance.now() - started) / 1000,
            rssMB: Math.round(mem.rss / 2 ** 20),
            heapMB: Math.round(mem.heapUsed / 2 ** 20),
            groups: agg.stateRows,
            openWindows,
            stateMB: Math.round((agg.stateBytes / 2 ** 20) * 10) / 10,
          });
        if (processed >= events) run.stop();
      },
    },
  ],
});
const result = await run.result;
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
peakRss = Math.max(peakRss, process.resourceUsage().maxRSS * 1024);

const steady = samples.slice(Math.floor(samples.length / 2));
const avg = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const avgGroups = avg(steady.map((s) => s.groups));
const avgOpen = avg(steady.map((s) => s.openWindows));
const avgStateBytes = avg(steady.map((s) => s.stateMB * 2 ** 20));
const firstHalf = samples.slice(1, Math.floor(samples.length / 2));
const out = {
  benchmark: 'windows',
  pipeline:
    'generate (100k keys, 5% out of order ≤ 1 min) → watermark 10 s → tumbling 1 min → count/sum/max → append',
  events: processed,
  seconds: Math.round(seconds * 1000) / 1000,
  eventsPerSecond: Math.round(processed / seconds),
  cpuSeconds: Math.round(cpuSeconds * 1000) / 1000,
  eventsPerCpuSecond: Math.round(processed / cpuSeconds),
  peakRssMB: Math.round(peakRss / 2 ** 20),
  batches: result.queries[0]?.batches,
  rowsEmitted: rowsOut,
  lateEvents: late,
  state: {
    groupsHeldAvg: Math.round(avgGroups),
    openWindowsAvg: Math.round(avgOpen * 100) / 100,
    estimatedBytesPerOpenWindow: Math.round(avgStateBytes / Math.max(1, avgOpen)),
    estimatedBytesPerGroup: Math.round(avgStateBytes / Math.max(1, avgGroups)),
    heapMBFirstHalfAvg: Math.round(avg(firstHalf.map((s) => s.heapMB))),
    heapMBSecondHalfAvg: Math.round(avg(steady.map((s) => s.heapMB))),
    rssMBFirstHalfAvg: Math.round(avg(firstHalf.map((s) => s.rssMB))),
    rssMBSecondHalfAvg: Math.round(avg(steady.map((s) => s.rssMB))),
  },
  samples,
  targets: { eventsPerSecond: 2_000_000, stateMemory: 'flat over time' },
  machine: {
    node: process.version,
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGB: Math.round(totalmem() / 2 ** 30),
    note: 'shared with other work while measured: see the load averages of each run; compare events per CPU-second',
  },
  /** 1, 5 and 15 minute load averages when the run started and ended. */
  loadAverage: {
    start: loadBefore.map((l) => Math.round(l * 100) / 100),
    end: loadavg().map((l) => Math.round(l * 100) / 100),
  },
  date: new Date().toISOString(),
};
console.log(JSON.stringify(out));
