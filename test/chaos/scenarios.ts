import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { count, every, type Plan, secret, source, sum, tumbling } from '@pipekit/core';
import { DeltaTable } from '@pipekit/delta';
import { z } from 'zod';
import {
  type Comparison,
  compareRows,
  compareUpserts,
  compareWindows,
  type Event,
} from './compare.js';
import { brokers, createTopic, openProducer, pgQuery, pgUrl, readTopic } from './services.js';

/** Where one scenario run keeps its topics, tables and files. */
export interface ScenarioContext {
  readonly dir: string;
  readonly id: string;
  readonly checkpoint: string;
  readonly inputTopic: string;
  readonly outputTopic: string;
  readonly table: string;
  readonly deltaPath: string;
  readonly inputDir: string;
}

/** One source → sink pair under chaos: how to feed it, and how to check it against its input. */
export interface Scenario {
  readonly name: string;
  readonly uses: readonly ('kafka' | 'postgres')[];
  setup(c: ScenarioContext): Promise<void>;
  plan(c: ScenarioContext): Plan;
  feed(c: ScenarioContext, events: readonly Event[]): Promise<void>;
  /** Called while waiting for the pipeline to catch up (the windowed one closes its windows). */
  drain?(c: ScenarioContext): Promise<void>;
  /** The input as it is stored (read back, not as intended), and the sink's content, compared. */
  check(c: ScenarioContext): Promise<Comparison>;
  close?(): Promise<void>;
}

const EventSchema = z.object({
  id: z.int(),
  user: z.string(),
  amount: z.int(),
  ts: z.coerce.date(),
});
const partitions = 4;
const batchLimit = 2_000;
const trigger = every('500 ms');

function kafkaFeeder() {
  let producer: Awaited<ReturnType<typeof openProducer>> | undefined;
  return {
    async feed(topic: string, events: readonly Event[]) {
      producer ??= await openProducer();
      await producer.send(
        topic,
        events.map((e) => ({ key: e.user, value: JSON.stringify({ ...e, ts: new Date(e.ts) }) })),
      );
    },
    async close() {
      await producer?.close();
      producer = undefined;
    },
  };
}

const kafkaSource = (c: ScenarioContext) =>
  source.kafka({
    brokers,
    topic: c.inputTopic,
    startingOffsets: 'earliest',
    maxOffsetsPerTrigger: batchLimit,
    schema: EventSchema,
  });

async function inputEvents(topic: string): Promise<Event[]> {
  return (await readTopic(topic)).map((m) => eventOf(JSON.parse(String(m.value))));
}

function eventOf(r: {
  id: number;
  user: string;
  amount: number;
  ts: string | number | Date;
}): Event {
  return { id: Number(r.id), user: r.user, amount: Number(r.amount), ts: new Date(r.ts).getTime() };
}

async function deltaRows(path: string): Promise<Record<string, unknown>[]> {
  try {
    return await (await DeltaTable.open(path)).read();
  } catch {
    return []; // not created yet
  }
}

const connection = { url: pgUrl, password: secret('PIPEKIT_PG_PASSWORD') };

function kafkaTo(
  name: string,
  sink: (c: ScenarioContext) => Plan,
  sinkRows: (c: ScenarioContext) => Promise<Record<string, unknown>[]>,
  compare: (input: readonly Event[], sink: readonly Record<string, unknown>[]) => Comparison,
  uses: Scenario['uses'] = ['kafka'],
): Scenario {
  const feeder = kafkaFeeder();
  return {
    name,
    uses,
    setup: async (c) => {
      await createTopic(c.inputTopic, partitions);
      await createTopic(c.outputTopic, partitions);
    },
    plan: sink,
    feed: (c, events) => feeder.feed(c.inputTopic, events),
    check: async (c) => compare(await inputEvents(c.inputTopic), await sinkRows(c)),
    close: () => feeder.close(),
  };
}

const pgRows = (table: string) => () =>
  pgQuery<Record<string, unknown>>(`SELECT * FROM ${table}`).catch((e: { code?: string }) => {
    if (e.code === '42P01') return []; // the sink has not created the table yet
    throw e;
  });

/** Events of the windowed scenario have ts = id ms after this; the sentinel closes every window. */
const flushUser = 'zz-flush';

export const scenarios: readonly Scenario[] = [
  kafkaTo(
    'kafka-delta',
    (c) =>
      kafkaSource(c).sink.delta({
        path: c.deltaPath,
        checkpoint: c.checkpoint,
        trigger,
        queryName: `chaos-${c.id}`,
      }).plan,
    (c) => deltaRows(c.deltaPath),
    compareRows,
  ),
  kafkaTo(
    'kafka-postgres-append',
    (c) =>
      kafkaSource(c).sink.postgres({
        connection,
        table: c.table,
        mode: 'append',
        createTable: true,
        checkpoint: c.checkpoint,
        trigger,
        queryName: `chaos-${c.id}`,
      }).plan,
    (c) => pgRows(c.table)(),
    compareRows,
    ['kafka', 'postgres'],
  ),
  kafkaTo(
    'kafka-postgres-upsert',
    (c) =>
      kafkaSource(c).sink.postgres({
        connection,
        table: c.table,
        mode: 'upsert',
        key: ['user'],
        createTable: true,
        checkpoint: c.checkpoint,
        trigger,
        queryName: `chaos-${c.id}`,
      }).plan,
    (c) => pgRows(c.table)(),
    compareUpserts,
    ['kafka', 'postgres'],
  ),
  kafkaTo(
    'kafka-kafka',
    (c) =>
      kafkaSource(c).sink.kafka({
        brokers,
        topic: c.outputTopic,
        key: 'user',
        checkpoint: c.checkpoint,
        trigger,
        queryName: `chaos-${c.id}`,
      }).plan,
    async (c) => (await readTopic(c.outputTopic)).map((m) => JSON.parse(String(m.value))),
    compareRows,
  ),
  {
    name: 'files-delta',
    uses: [],
    setup: async (c) => {
      mkdirSync(c.inputDir, { recursive: true });
    },
    plan: (c) =>
      source
        .file({
          path: c.inputDir,
          format: 'jsonl',
          watch: true,
          maxFilesPerTrigger: 2,
          schema: EventSchema,
        })
        .sink.delta({
          path: c.deltaPath,
          checkpoint: c.checkpoint,
          trigger,
          queryName: `chaos-${c.id}`,
        }).plan,
    feed: async (c, events) => {
      // Written aside and renamed: the source never sees half a file.
      const name = `events-${String(events[0]?.id ?? 0).padStart(9, '0')}.jsonl`;
      const text = events.map((e) => `${JSON.stringify({ ...e, ts: new Date(e.ts) })}\n`).join('');
      writeFileSync(join(c.inputDir, `.${name}.tmp`), text);
      renameSync(join(c.inputDir, `.${name}.tmp`), join(c.inputDir, name));
    },
    check: async (c) => {
      const input = readdirSync(c.inputDir)
        .filter((f) => f.endsWith('.jsonl'))
        .flatMap((f) =>
          readFileSync(join(c.inputDir, f), 'utf8')
            .split('\n')
            .filter((l) => l !== '')
            .map((l) => eventOf(JSON.parse(l))),
        );
      return compareRows(input, await deltaRows(c.deltaPath));
    },
  },
  (() => {
    const feeder = kafkaFeeder();
    return {
      name: 'kafka-delta-windowed',
      uses: ['kafka'],
      setup: async (c: ScenarioContext) => {
        await createTopic(c.inputTopic, partitions);
      },
      plan: (c: ScenarioContext) =>
        kafkaSource(c)
          .watermark('ts', '30 seconds')
          .window(tumbling('1 second'))
          .groupBy('user')
          .aggregate({ n: count(), total: sum('amount') })
          .sink.delta({
            path: c.deltaPath,
            outputMode: 'append',
            checkpoint: c.checkpoint,
            trigger,
            queryName: `chaos-${c.id}`,
          }).plan,
      feed: (c: ScenarioContext, events: readonly Event[]) => feeder.feed(c.inputTopic, events),
      // An event an hour past the last one moves the watermark past every real window.
      drain: (c: ScenarioContext) =>
        feeder.feed(
          c.inputTopic,
          Array.from({ length: partitions * 4 }, (_, i) => ({
            id: -1 - i,
            user: `${flushUser}-${i}`,
            amount: 0,
            ts: Date.UTC(2030, 0, 1),
          })),
        ),
      check: async (c: ScenarioContext) =>
        compareWindows(
          (await inputEvents(c.inputTopic)).filter((e) => !e.user.startsWith(flushUser)),
          (await deltaRows(c.deltaPath)).filter((r) => !String(r.user).startsWith(flushUser)),
          1_000,
        ),
      close: () => feeder.close(),
    } satisfies Scenario;
  })(),
];
