// `npm run chaos`: every scenario under the full chaos, a table of what was measured, and
// test/chaos/results.json. Options (all optional):
//   --events N --kills N --kafka-restarts N --pg-restarts N --rate N --seed N
//   --only name,name   (kafka-delta, kafka-postgres-append, kafka-postgres-upsert, kafka-kafka,
//                       files-delta, kafka-delta-windowed)
// Defaults are the issue's: 1,000,000 events, 50 kills, 2 broker and 2 database restarts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type ChaosResult, runChaos } from './harness.js';
import { scenarios } from './scenarios.js';
import { repo, service } from './services.js';

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '1000000' },
    kills: { type: 'string', default: '50' },
    'kafka-restarts': { type: 'string', default: '2' },
    'pg-restarts': { type: 'string', default: '2' },
    rate: { type: 'string', default: '2000' },
    seed: { type: 'string', default: '1' },
    only: { type: 'string' },
    out: { type: 'string', default: join(repo, 'test', 'chaos', 'results.json') },
  },
});

const only = values.only?.split(',');
// In the order given: a long run cut short has run the ones named first.
const chosen =
  only === undefined
    ? scenarios
    : only.map((name) => {
        const s = scenarios.find((x) => x.name === name);
        if (s === undefined) throw new Error(`--only: no scenario ${name}`);
        return s;
      });
const workDir = mkdtempSync(join(tmpdir(), 'pipekit-chaos-run-'));
const results: ChaosResult[] = [];
const line = (l: string) => console.log(`[${new Date().toISOString().slice(11, 19)}] ${l}`);

await service('kafka', 'start');
await service('postgres', 'start');
try {
  for (const [i, s] of chosen.entries()) {
    const r = await runChaos(s, {
      events: Number(values.events),
      kills: Number(values.kills),
      kafkaRestarts: Number(values['kafka-restarts']),
      pgRestarts: Number(values['pg-restarts']),
      rate: Number(values.rate),
      seed: Number(values.seed) + i,
      chunk: 1_000,
      settleMs: 600_000,
      workDir,
      log: line,
    });
    results.push(r);
    line(`${r.ok ? 'OK' : 'FAILED'} ${JSON.stringify(r)}`);
    // Written after each scenario: a long run cut short still leaves its figures.
    writeFileSync(
      values.out,
      `${JSON.stringify({ finishedAt: new Date().toISOString(), results }, null, 2)}\n`,
    );
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

console.table(
  results.map((r) => ({
    pipeline: r.pipeline,
    kills: `${r.kills} (${r.killsMidBatch} mid-batch)`,
    restarts: `kafka ${r.kafkaRestarts}, pg ${r.pgRestarts}`,
    events: r.events,
    expected: r.expected,
    lost: r.lost,
    duplicated: r.duplicated,
    wrong: r.wrong,
    'wall time': `${Math.round(r.wallMs / 1000)} s`,
  })),
);
process.exitCode = results.every((r) => r.ok) ? 0 : 1;
