/**
 * The peer benchmark's rounds: fill the input topic once, start every engine's driver once, then a
 * warm-up round and `rounds` measured ones; in each, every workload is run by every engine that
 * has it, the engines' order rotated from round to round (so none always runs first, or after the
 * same neighbour, on a shared machine). Every run's output is checked; a run whose check fails is
 * reported as failed and counts for nothing.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { homedir, loadavg } from 'node:os';
import { join } from 'node:path';
import { type Admin, type Kafka, Partitioners } from 'kafkajs';
import { expectedW4, DELAY_MS as W4_DELAY_MS } from '../windows/workload.js';
import { EngineProcess } from './engine-process.js';
import { type Check, checkFilter, checkW4, checkWindows, readDelta, readTopic } from './outputs.js';
import type { RunCommand } from './protocol.js';
import {
  DELAY_MS,
  eventJson,
  eventOf,
  expectedFilter,
  expectedWindows,
  surelyClosedBefore,
} from './workload.js';

export type Workload = 'w1' | 'w2' | 'w3' | 'w4';
const PARTITIONS = 8;

interface Engine {
  readonly name: string;
  readonly workloads: readonly Workload[];
  readonly driver: EngineProcess;
  readonly line: (c: RunCommand) => string;
}

export interface PeerSettings {
  readonly kafka: Kafka;
  readonly bootstrap: string;
  readonly records: number;
  /** W4: generated events, and rows per micro-batch (both engines). */
  readonly w4Events: number;
  readonly w4Batch: number;
  readonly rounds: number;
  readonly workloads: readonly Workload[];
  /** Only these engines (default: all). */
  readonly engines?: readonly string[] | undefined;
  readonly work: string;
  readonly kafkaStreamsClasspath: string;
  readonly sparkPython: string;
  readonly sparkPackages: string;
  /** The broker's classpath (kafka.sh classpath), for ConsumerPerformance. */
  readonly kafkaClasspath: string;
}

interface Run {
  readonly round: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** CPU time of the engine's process tree during the run (user + system, all threads). */
  readonly cpuSeconds: number;
  readonly eventsPerCpuSecond: number;
  readonly processed: number;
  readonly peakRssMB: number;
  readonly loadAverage: readonly number[];
  readonly check: Check;
}

const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function startEngines(s: PeerSettings): Engine[] {
  const cache = process.env.PIPEKIT_CACHE ?? join(homedir(), '.cache/pipekit');
  const wanted = (...names: string[]) => !s.engines || names.some((n) => s.engines!.includes(n));
  const json = (c: RunCommand) => JSON.stringify(c);
  const engines: Engine[] = [];
  if (wanted('pipekit')) {
    // PIPEKIT_PEERS_CPU_PROF=<dir>: a V8 CPU profile of the pipekit driver (bench/peers/profile-top.mjs sums it up).
    const prof = process.env.PIPEKIT_PEERS_CPU_PROF;
    const driver = new EngineProcess('pipekit', process.execPath, [
      ...(prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : []),
      '--max-semi-space-size=32',
      '--conditions=@pipekit/source',
      '--import',
      'tsx',
      'bench/peers/pipekit-driver.ts',
    ]);
    engines.push({ name: 'pipekit', workloads: ['w1', 'w2', 'w3', 'w4'], driver, line: json });
  }
  if (wanted('spark')) {
    const driver = new EngineProcess('spark', s.sparkPython, ['bench/peers/spark_driver.py'], {
      ...process.env,
      PEERS_SPARK_PACKAGES: s.sparkPackages,
      PEERS_IVY: join(cache, 'ivy'),
      PEERS_WORK: s.work,
    });
    engines.push({ name: 'spark', workloads: ['w1', 'w2', 'w3', 'w4'], driver, line: json });
  }
  if (
    wanted('kafka-streams-eos', 'kafka-streams-alos') &&
    s.workloads.some((w) => w === 'w1' || w === 'w2')
  ) {
    // One JVM for both guarantees: each run is a new application in it.
    const driver = new EngineProcess('kafka-streams', 'java', [
      '-Xmx1g',
      '-cp',
      s.kafkaStreamsClasspath,
      'dev.pipekit.bench.KafkaStreamsBench',
    ]);
    const words = (guarantee: string) => (c: RunCommand) =>
      [c.workload, guarantee, c.bootstrap, c.input, c.output, c.records, c.delayMs].join(' ');
    for (const [name, guarantee] of [
      ['kafka-streams-eos', 'exactly_once_v2'],
      ['kafka-streams-alos', 'at_least_once'],
    ] as const)
      if (wanted(name))
        engines.push({ name, workloads: ['w1', 'w2'], driver, line: words(guarantee) });
  }
  return engines;
}

/** Kafka's own consumer reading the whole input: what any engine's Kafka read can reach. */
function consumerPerformance(s: PeerSettings, topic: string): number {
  const out = execFileSync(
    'java',
    [
      '-Xmx512m',
      '-cp',
      s.kafkaClasspath,
      'org.apache.kafka.tools.ConsumerPerformance',
      '--bootstrap-server',
      s.bootstrap,
      '--topic',
      topic,
      '--num-records',
      String(s.records),
      '--timeout',
      '60000',
    ],
    { encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'ignore'] },
  );
  // CSV: start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec,
  // rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec. nMsg.sec: from start to end,
  // the group join included, as the engines' times include theirs.
  return Math.round(Number(out.trim().split('\n').at(-1)!.split(',')[5]));
}

/** Creates a topic and waits (bounded) until its partitions have leaders. */
async function createTopic(admin: Admin, topic: string): Promise<void> {
  // Not kafkajs' waitForLeaders: its metadata retry can throw UNKNOWN_TOPIC_OR_PARTITION unhandled.
  await admin.createTopics({
    topics: [{ topic, numPartitions: PARTITIONS }],
    waitForLeaders: false,
  });
  for (let attempt = 0; ; attempt++) {
    try {
      const [meta] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
      if (meta?.partitions.length === PARTITIONS && meta.partitions.every((p) => p.leader >= 0))
        return;
    } catch (e) {
      if (attempt >= 50) throw e;
    }
    if (attempt >= 50) throw new Error(`topic ${topic} has no leaders after 50 tries`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function fillInput(kafka: Kafka, topic: string, records: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await createTopic(admin, topic);
  await admin.disconnect();
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  // One send at a time: concurrent sends may land out of order in a partition, and Kafka Streams
  // (stream time per record) would then rightly drop a whole window as late.
  const chunk = 20_000;
  for (let from = 0; from < records; from += chunk) {
    const messages = [];
    for (let n = from; n < Math.min(records, from + chunk); n++) {
      const e = eventOf(n, records);
      messages.push({ key: e.userId, value: eventJson(e) });
    }
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

export async function runEngines(s: PeerSettings) {
  const { kafka, records } = s;
  const input = `peers-input-${Date.now().toString(36)}`;
  const batchRecords = Math.ceil(records / 10);
  const usesKafka = s.workloads.some((w) => w !== 'w4');
  if (usesKafka) {
    console.log(`peers: filling ${input} with ${records} events (${PARTITIONS} partitions)`);
    await fillInput(kafka, input, records);
  }
  const w4Want = s.workloads.includes('w4') ? expectedW4(s.w4Events, s.w4Batch) : null;
  const filterWant = expectedFilter(records);
  const windowsWant = s.workloads.includes('w2') ? expectedWindows(records) : new Map();
  const closedBefore = surelyClosedBefore(records, batchRecords);
  const admin = kafka.admin();
  await admin.connect();
  const engines = startEngines(s);
  const runs = new Map<string, Run[]>();
  const ceiling: number[] = [];
  try {
    for (let round = 0; round <= s.rounds; round++) {
      if (round > 0 && usesKafka) {
        ceiling.push(consumerPerformance(s, input));
        console.log(`round ${round} ConsumerPerformance: ${ceiling.at(-1)} records/s`);
      }
      for (const w of s.workloads) {
        const here = engines.filter(
          (e) => e.workloads.includes(w) && (!s.engines || s.engines.includes(e.name)),
        );
        const order = here.map((_, i) => here[(i + round) % here.length]!);
        for (const e of order) {
          const id = `${w}-${e.name}-r${round}-${Date.now().toString(36)}`;
          const c: RunCommand = {
            workload: w,
            bootstrap: s.bootstrap,
            input,
            records: w === 'w4' ? s.w4Events : records,
            batchRecords: w === 'w4' ? s.w4Batch : batchRecords,
            delayMs: w === 'w4' ? W4_DELAY_MS : DELAY_MS,
            ...(w === 'w4'
              ? {}
              : w === 'w3'
                ? { table: join(s.work, `table-${id}`) }
                : { output: `peers-out-${id}` }),
          };
          if (c.output) await createTopic(admin, c.output);
          if (c.table) mkdirSync(c.table, { recursive: true });
          const loadAverage = load();
          e.driver.resetPeakRss();
          const cpuBefore = e.driver.cpuSeconds();
          const answer = await e.driver
            .request(e.line(c), 30 * 60_000)
            .then((a) => a as { seconds: number; processed: number; windows?: unknown })
            .catch((err: unknown) => ({ seconds: Number.NaN, processed: 0, error: String(err) }));
          if ('error' in answer) {
            console.log(`${w} ${e.name} round ${round}: FAILED ${answer.error}`);
            if (round > 0)
              runs.set(`${w}/${e.name}`, [
                ...(runs.get(`${w}/${e.name}`) ?? []),
                failed(round, answer.error),
              ]);
            continue;
          }
          const cpuSeconds = e.driver.cpuSeconds() - cpuBefore;
          const peakRssMB = e.driver.peakRssMB();
          let check: Check;
          if (w === 'w4')
            check = checkW4(
              answer.windows as Parameters<typeof checkW4>[0],
              w4Want!.windows,
              w4Want!.cutoff,
            );
          else if (w === 'w3')
            check = checkFilter(
              (await readDelta(c.table!)) as { id: unknown; amount: unknown }[],
              filterWant,
            );
          else {
            const values = await readTopic(kafka, c.output!);
            check =
              w === 'w1'
                ? checkFilter(
                    values.map((v) => JSON.parse(v)),
                    filterWant,
                  )
                : checkWindows(values, windowsWant, closedBefore);
            await admin.deleteTopics({ topics: [c.output!] }).catch(() => {});
          }
          const events = c.records;
          const run: Run = {
            round,
            seconds: Math.round(answer.seconds * 1000) / 1000,
            eventsPerSecond: Math.round(events / answer.seconds),
            cpuSeconds: Math.round(cpuSeconds * 100) / 100,
            eventsPerCpuSecond: Math.round(events / cpuSeconds),
            processed: answer.processed,
            peakRssMB,
            loadAverage,
            check,
          };
          console.log(
            `${round === 0 ? 'warm-up' : `round ${round}`} ${w} ${e.name}: ${run.eventsPerSecond.toLocaleString('en-US')} events/s (${run.seconds} s, CPU ${run.cpuSeconds} s: ${run.eventsPerCpuSecond.toLocaleString('en-US')} events/CPU-s, RSS ${peakRssMB} MB, load ${loadAverage[0]}) check ${check.ok ? 'ok' : 'FAILED'}: ${check.detail}`,
          );
          if (round > 0) runs.set(`${w}/${e.name}`, [...(runs.get(`${w}/${e.name}`) ?? []), run]);
        }
      }
    }
  } finally {
    await Promise.all(engines.map((e) => e.driver.close()));
    if (usesKafka) await admin.deleteTopics({ topics: [input] }).catch(() => {});
    await admin.disconnect();
  }
  return {
    ceilings: {
      consumerPerformance: {
        what: "Kafka's ConsumerPerformance reading the same input topic, once per round",
        recordsPerSecond: ceiling.length ? Math.round(median(ceiling)) : 0,
        runs: ceiling,
      },
    },
    workloads: summarize(runs, s.workloads),
    runs: Object.fromEntries(runs),
  };
}

function failed(round: number, error: string): Run {
  return {
    round,
    seconds: Number.NaN,
    eventsPerSecond: 0,
    cpuSeconds: Number.NaN,
    eventsPerCpuSecond: 0,
    processed: 0,
    peakRssMB: 0,
    loadAverage: load(),
    check: { ok: false, rows: 0, detail: error.slice(0, 500) },
  };
}

function summarize(runs: ReadonlyMap<string, Run[]>, workloads: readonly Workload[]) {
  const summary: Record<string, Record<string, unknown>> = {};
  for (const w of workloads) {
    const engines: Record<
      string,
      { eventsPerSecond: number; eventsPerCpuSecond: number; peakRssMB: number; checks: string }
    > = {};
    for (const [key, rs] of runs) {
      if (!key.startsWith(`${w}/`)) continue;
      const good = rs.filter((r) => r.check.ok);
      engines[key.slice(3)] = {
        eventsPerSecond: good.length ? Math.round(median(good.map((r) => r.eventsPerSecond))) : 0,
        eventsPerCpuSecond: good.length
          ? Math.round(median(good.map((r) => r.eventsPerCpuSecond)))
          : 0,
        peakRssMB: Math.max(...rs.map((r) => r.peakRssMB)),
        checks: `${good.length}/${rs.length} ok`,
      };
    }
    const ours = engines.pipekit?.eventsPerSecond ?? 0;
    const oursCpu = engines.pipekit?.eventsPerCpuSecond ?? 0;
    const peers = Object.entries(engines).filter(
      ([name, e]) => name !== 'pipekit' && e.eventsPerSecond > 0,
    );
    const ratios = Object.fromEntries(
      peers.map(([name, e]) => [name, Math.round((ours / e.eventsPerSecond) * 100) / 100]),
    );
    const cpuRatios = Object.fromEntries(
      peers.map(([name, e]) => [name, Math.round((oursCpu / e.eventsPerCpuSecond) * 100) / 100]),
    );
    summary[w] = { engines, pipekitOverPeer: ratios, pipekitOverPeerPerCpuSecond: cpuRatios };
  }
  return summary;
}
