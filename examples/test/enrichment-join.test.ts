import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Pipeline } from '@pipekit/core';
import { runPipeline } from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { createTopic, produce, readTopic, uniqueTopic } from '../../packages/kafka/test/helpers.ts';
import { sql, unique } from '../../packages/postgres/test/helpers.ts';
import { connectors, logger, outputOf, workDir } from './helpers.js';

const dir = workDir('enrichment-join');
const checkpoint = join(dir, 'checkpoints', 'clicks-enriched');
const topic = uniqueTopic('clicks');
const usersTable = unique('users');
afterAll(() => sql(`DROP TABLE IF EXISTS "${usersTable}"`));

const profiles: Record<string, { country: string; tier: 'free' | 'pro' }> = {
  u1: { country: 'DE', tier: 'pro' },
  u2: { country: 'FR', tier: 'free' },
  u3: { country: 'NL', tier: 'pro' },
};

type Offsets = Record<string, Record<string, number>>;

/** Batch ids in one of the checkpoint's logs (`offsets` or `commits`), ascending. */
function logIds(kind: 'offsets' | 'commits'): number[] {
  if (!existsSync(join(checkpoint, kind))) return [];
  return readdirSync(join(checkpoint, kind))
    .filter((f) => /^\d+$/.test(f))
    .map(Number)
    .sort((a, b) => a - b);
}

/** The source's range in a batch's offsets entry. */
function rangeOf(batchId: number): { start: Offsets; end?: Offsets } {
  // A checkpoint file is its JSON on the first line, then its crc32 line.
  const text = readFileSync(join(checkpoint, 'offsets', String(batchId)), 'utf8');
  const entry = JSON.parse(text.split('\n')[0]!) as {
    sources: Record<string, { start: Offsets; end?: Offsets }>;
  };
  return Object.values(entry.sources)[0]!;
}

/** Records before an offset position, over the topic's partitions (a fresh topic starts at 0). */
const before = (o: Offsets) => Object.values(o[topic] ?? {}).reduce((a, b) => a + b, 0);

/** From the checkpoint: where the first batch started, and where the last committed one ended. */
function checkpointOffsets(): { first: number; committed: number } | null {
  if (logIds('offsets')[0] !== 0) return null;
  const last = logIds('commits').at(-1);
  const end = last === undefined ? null : rangeOf(last);
  return { first: before(rangeOf(0).start), committed: end ? before(end.end ?? end.start) : 0 };
}

describe('examples/enrichment-join.pipeline.ts runs against the real broker and server', () => {
  it('joins each click with its user profile from Postgres; unknown users get nulls', async () => {
    await sql(
      `CREATE TABLE "${usersTable}" ("userId" text PRIMARY KEY, country text NOT NULL, tier text NOT NULL)`,
    );
    for (const [userId, p] of Object.entries(profiles))
      await sql(`INSERT INTO "${usersTable}" VALUES ($1, $2, $3)`, [userId, p.country, p.tier]);
    await createTopic(topic, 3);
    await createTopic(`${topic}-enriched`, 3);

    process.env.WORK_DIR = dir;
    process.env.KAFKA_TOPIC = topic;
    process.env.PIPEKIT_USERS_TABLE = usersTable;
    const { default: enrich } = (await import('../enrichment-join.pipeline.ts')) as {
      default: Pipeline;
    };
    const stop = new AbortController();
    const run = runPipeline(enrich, { connectors: connectors(), logger, signal: stop.signal });
    const waitFor = outputOf(run);
    const t0 = Date.UTC(2026, 10, 1, 9, 0, 0);
    const click = (userId: string, page: string, i: number) => ({
      key: userId,
      value: JSON.stringify({ userId, page, ts: new Date(t0 + i * 1_000).toISOString() }),
    });
    let produced = 0;
    try {
      // The source starts at the latest offsets: a probe click every 250 ms until its first batch
      // is planned (in the checkpoint); every click produced after that is read.
      const started = await waitFor(
        async () => {
          await produce(topic, [click('probe', `/probe/${produced}`, produced)]);
          produced++;
          return checkpointOffsets();
        },
        (o) => o !== null,
        { ms: 60_000 },
      );
      expect(started, 'the query never planned a batch').not.toBeNull();
      const clicks = Array.from({ length: 400 }, (_, i) => click(`u${(i % 4) + 1}`, `/p/${i}`, i));
      await produce(topic, clicks);
      produced += clicks.length;
      const done = await waitFor(
        async () => checkpointOffsets(),
        (o) => o?.committed === produced,
        { ms: 60_000 },
      );
      expect(done?.committed).toBe(produced);
    } finally {
      stop.abort();
    }
    expect((await run.result).stoppedBy).toBe('stopped');

    // Every click read (the probes since the first batch, then all 400) once, enriched.
    const read = produced - checkpointOffsets()!.first;
    const out = [...(await readTopic(`${topic}-enriched`, read, { timeoutMs: 30_000 })).values()]
      .flat()
      .map((m) => ({ key: String(m.key), ...JSON.parse(String(m.value)) }));
    expect(out).toHaveLength(read);
    const real = out.filter((r) => r.userId !== 'probe');
    expect(real.map((r) => r.page).sort()).toEqual(
      Array.from({ length: 400 }, (_, i) => `/p/${i}`).sort(),
    );
    for (const r of out) {
      const i = Number(r.page.split('/').at(-1));
      const profile = profiles[r.userId];
      expect(r).toEqual({
        key: r.userId,
        userId: r.userId,
        page: r.page,
        ts: new Date(t0 + i * 1_000).toISOString(),
        country: profile?.country ?? null,
        isPro: profile ? profile.tier === 'pro' : null,
      });
    }
    expect(real.filter((r) => r.userId === 'u4').length).toBe(100);
  });
});
