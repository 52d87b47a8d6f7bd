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
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
const w4Batch = Number(flag('w4-batch') ?? 100_000);
const engines = flag('engines')?.split(',');
const port = process.env.KAFKA_PORT ?? '9092';
const bootstrap = `127.0.0.1:${port}`;
const env = { ...process.env, KAFKA_PORT: port };
const sh = (script: string, ...a: string[]) =>
  execFileSync('bash', [script, ...a], { encoding: 'utf8', env, timeout: 900_000 }).trim();

// W4 is in-process: without W1–W3 no broker (nor Kafka Streams) is needed.
const usesKafka = only.some((w) => w !== 'w4');
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
  const out = {
    benchmark: 'peers',
    date: new Date().toISOString(),
    records,
    w4: { events: w4Events, rowsPerBatch: w4Batch },
    rounds,
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGB: Math.round(totalmem() / 2 ** 30),
      note: 'shared with other work while measured: absolute figures are under that load (see loadAverage per run)',
      loadAverageEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    },
    ...result,
  };
  mkdirSync('bench/results', { recursive: true });
  writeFileSync('bench/results/peers.json', `${JSON.stringify(out, null, 2)}\n`);
  console.log(JSON.stringify(out.workloads, null, 2));
} finally {
  rmSync(work, { recursive: true, force: true });
  if (!kafkaWasUp) sh('test/services/kafka.sh', 'stop');
}
