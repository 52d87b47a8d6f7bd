import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { client, createStream, put, waitFor } from './helpers.js';
import { commits, startRun, tableIds } from './pipe-run.js';

describe('Kinesis → Delta through kill -9', () => {
  it('pipe run killed with SIGKILL twice mid-run, then restarted, has every record once', async () => {
    const c = client();
    const stream = await createStream(c, 'kill', 2);
    const dir = mkdtempSync(join(tmpdir(), 'pipekit-kinesis-kill-'));
    const rows = (from: number, n: number) =>
      Array.from({ length: n }, (_x, i) => ({ id: from + i, user: `u${(from + i) % 13}` }));
    await put(c, stream, rows(0, 2_000), (r) => String(r.user));
    const kills: number[] = [];
    for (let round = 0; round < 2; round++) {
      const before = commits(dir);
      const { child, exit } = startRun(dir, stream);
      // Killed once it committed a few batches beyond where the last run stopped.
      const running = await waitFor(
        () => commits(dir) > before + 2 || child.exitCode !== null,
        90_000,
      );
      expect(running).toBe(true);
      child.kill('SIGKILL');
      const ended = await exit;
      expect(ended.signal, ended.stderr).toBe('SIGKILL');
      kills.push(commits(dir));
      // More records arrive while the query is down.
      await put(c, stream, rows(2_000 + round * 500, 500), (r) => String(r.user));
    }
    expect(kills[0]).toBeLessThan(kills[1]!);
    const total = 3_000;
    const { child, exit } = startRun(dir, stream);
    const done = await waitFor(async () => (await tableIds(dir)).length >= total, 90_000);
    child.kill('SIGTERM');
    await exit;
    expect(done).toBe(true);
    expect(await tableIds(dir)).toEqual(Array.from({ length: total }, (_x, i) => i));
    // The checkpoint holds a sequence number per shard.
    const last = Math.max(
      ...readdirSync(join(dir, 'checkpoint', 'offsets'))
        .filter((f) => /^\d+$/.test(f))
        .map(Number),
    );
    const entry = JSON.parse(
      readFileSync(join(dir, 'checkpoint', 'offsets', String(last)), 'utf8'),
    ) as { sources: Record<string, { end?: { shards: Record<string, { after?: string }> } }> };
    const shards = Object.values(entry.sources)[0]!.end!.shards;
    expect(Object.keys(shards).sort()).toEqual(['shardId-000000000000', 'shardId-000000000001']);
    expect(Object.values(shards).every((s) => /^\d+$/.test(s.after ?? ''))).toBe(true);
    c.destroy();
  }, 300_000);
});
