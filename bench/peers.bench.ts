/**
 * `npm run bench -- peers [records] [--rounds N] [--only w1,w2,w3,w4] [--engines a,b] [--w4-events N]
 * [--w4-batch N]`: pipekit against the engines
 * users would pick instead, on the same workloads, on this machine, in one run (issue #16). See
 * docs/benchmarks.md for the workloads, engines, checks and what is measured. Needs Java 17,
 * Maven and Python 3 (Spark via the pinned pyspark of test/services/spark.sh). Starts its own Kafka
 * broker on KAFKA_PORT (default 9092) and stops it when it started it. Writes
 * bench/results/peers.json; `node bench/peers/charts.mjs` draws docs/benchmarks.md's charts from it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { runEngines } from './peers/rounds.js';

const args = process.argv.slice(2);
const flag = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const records = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const rounds = Number(flag('rounds') ?? 3);
const only = (flag('only') ?? 'w1,w2,w3,w4').split(',');
const w4Events = Number(flag('w4-events') ?? 2_000_000);
const w4Batch = Number(flag('w4-batch') ?? 20_000);
const engines = flag('engines')?.split(',');
const port = process.env.KAFKA_PORT ?? '9092';
const bootstrap = `127.0.0.1:${port}`;
const env = { ...process.env, KAFKA_PORT: port };
const sh = (script: string, ...a: string[]) =>
  execFileSync('bash', [script, ...a], { encoding: 'utf8', env, timeout: 900_000 }).trim();

// W4 is in-process: without W1–W3 no broker (nor Kafka Streams) is needed.
const usesKafka = only.some((w) => w !== 'w4');
/** The workloads of the last peers.json not run now, each with when and how it was measured. */
function earlierWorkloads(): Record<string, unknown> {
  const file = 'bench/results/peers.json';
  if (!existsSync(file)) return {};
  const last = JSON.parse(readFileSync(file, 'utf8'));
  return Object.fromEntries(
    Object.entries(last.workloads as Record<string, Record<string, unknown>>)
      .filter(([w]) => !only.includes(w))
      .map(([w, r]) => [
        w,
        {
          ...(last.ceilings?.consumerPerformance?.recordsPerSecond && w !== 'w4'
            ? { consumerPerformance: last.ceilings.consumerPerformance.recordsPerSecond }
            : {}),
          ...r,
          measured: r.measured ?? {
            date: last.date,
            events: last.records,
            rounds: last.rounds,
            loadAverageEnd: last.machine?.loadAverageEnd,
          },
        },
      ]),
  );
}

/** The runs of the last peers.json's workloads not run now. */
function earlierRuns(): Record<string, unknown> {
  const file = 'bench/results/peers.json';
  if (!existsSync(file)) return {};
  const runs = (JSON.parse(readFileSync(file, 'utf8')).runs ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(runs).filter(([key]) => !only.includes(key.slice(0, key.indexOf('/')))),
  );
}

const kafkaWasUp = (() => {
  if (!usesKafka) return true;
  try {
    sh('test/services/kafka.sh', 'status');
    return true;
  } catch {
    return false;
  }
})();
if (usesKafka) sh('test/services/kafka.sh', 'start');
const work = mkdtempSync(join(tmpdir(), 'pipekit-peers-'));
try {
  const kafka = new Kafka({ brokers: [bootstrap], logLevel: logLevel.NOTHING });
  const result = await runEngines({
    kafka,
    bootstrap,
    records,
    w4Events,
    w4Batch,
    rounds,
    workloads: only as ('w1' | 'w2' | 'w3' | 'w4')[],
    engines,
    work,
    kafkaStreamsClasspath: usesKafka ? sh('bench/peers/kafka-streams/build.sh') : '',
    sparkPython: sh('test/services/spark.sh', 'python'),
    sparkPackages: sh('test/services/spark.sh', 'packages'),
    kafkaClasspath: usesKafka ? sh('test/services/kafka.sh', 'classpath') : '',
  });
  const date = new Date().toISOString();
  const loadAverageEnd = loadavg().map((l) => Math.round(l * 100) / 100);
  const ceiling = result.ceilings.consumerPerformance.recordsPerSecond;
  // Each workload keeps when and how it was measured, so `--only w4` updates W4 and keeps the
  // others' figures of their own run in peers.json.
  const measured = Object.fromEntries(
    Object.entries(result.workloads).map(([w, r]) => [
      w,
      {
        ...r,
        ...(w !== 'w4' && ceiling ? { consumerPerformance: ceiling } : {}),
        measured: { date, events: w === 'w4' ? w4Events : records, rounds, loadAverageEnd },
      },
    ]),
  );
  const out = {
    benchmark: 'peers',
    date,
    records,
    w4: { events: w4Events, rowsPerBatch: w4Batch },
    rounds,
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGB: Math.round(totalmem() / 2 ** 30),
      note: 'shared with other work while measured: absolute figures are under that load (see loadAverage per run); compare events per CPU-second',
      loadAverageEnd,
    },
    ceilings: result.ceilings,
    workloads: { ...earlierWorkloads(), ...measured },
    runs: { ...earlierRuns(), ...result.runs },
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/peers.json', `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out.workloads, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
  if (!kafkaWasUp) sh('test/services/kafka.sh', 'stop');
}
