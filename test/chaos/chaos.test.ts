import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runChaos } from './harness.js';
import { scenarios } from './scenarios.js';

// The short, seeded variant of `npm run chaos`: a few thousand events, kill -9s (half of them
// while a batch is planned and not committed) and one PostgreSQL restart. The long run is
// `npm run chaos` (test/chaos/run.ts).

const workDir = mkdtempSync(join(tmpdir(), 'pipekit-chaos-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

const short = {
  events: 4_000,
  kills: 3,
  kafkaRestarts: 0,
  pgRestarts: 1,
  seed: 17,
  rate: 400,
  chunk: 200,
  settleMs: 60_000,
  workDir,
};

describe('chaos (short): nothing lost, nothing twice', () => {
  it.each(['kafka-delta', 'kafka-postgres-append'])(
    '%s under kill -9 and restarts',
    async (name) => {
      const scenario = scenarios.find((s) => s.name === name)!;
      const r = await runChaos(scenario, short);
      expect(r.kills).toBe(short.kills);
      expect(r.killsMidBatch).toBeGreaterThan(0);
      expect({ lost: r.lost, duplicated: r.duplicated, wrong: r.wrong }).toEqual({
        lost: 0,
        duplicated: 0,
        wrong: 0,
      });
      expect(r.expected).toBeGreaterThan(0);
    },
    240_000,
  );
});
