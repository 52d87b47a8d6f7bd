import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Comparison, Event } from './compare.js';
import type { Scenario, ScenarioContext } from './scenarios.js';
import { repo, restartService } from './services.js';

/** How hard one scenario is pushed. Every moment of chaos comes from `seed`. */
export interface ChaosOptions {
  readonly events: number;
  readonly kills: number;
  readonly kafkaRestarts: number;
  readonly pgRestarts: number;
  readonly seed: number;
  /** Input events a second while the chaos lasts. */
  readonly rate: number;
  /** Events a produce call (a Kafka send, a file). */
  readonly chunk: number;
  /** Longest wait for the pipeline to catch up once the input is complete. */
  readonly settleMs: number;
  readonly workDir: string;
  readonly log?: (line: string) => void;
}

export interface ChaosResult extends Comparison {
  readonly pipeline: string;
  readonly seed: number;
  readonly events: number;
  readonly kills: number;
  /** Kills that landed while a batch was planned and not committed (the sink writing it). */
  readonly killsMidBatch: number;
  readonly kafkaRestarts: number;
  readonly pgRestarts: number;
  /** `pipe run` exits the harness did not cause (e.g. a sink giving up while a service was down). */
  readonly unplannedExits: number;
  readonly wallMs: number;
  readonly ok: boolean;
}

/** mulberry32: a small seeded generator, so a failing run can be repeated with its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Batch ids in a checkpoint log. */
function logIds(checkpoint: string, kind: 'offsets' | 'commits'): number[] {
  const d = join(checkpoint, kind);
  if (!existsSync(d)) return [];
  return readdirSync(d)
    .filter((f) => /^\d+$/.test(f))
    .map(Number);
}

/** A batch is planned and not committed: its sink is writing (or about to). */
function midBatch(checkpoint: string): boolean {
  const planned = Math.max(-1, ...logIds(checkpoint, 'offsets'));
  const committed = Math.max(-1, ...logIds(checkpoint, 'commits'));
  return planned > committed;
}

/** `pipe run <plan>`, kept running: restarted whenever it ends until `stop()`. */
function supervise(plan: string, log: (l: string) => void) {
  let child: ChildProcess | undefined;
  let stopping = false;
  let killing = false;
  let unplanned = 0;
  let lastStderr = '';
  const start = () => {
    const c = spawn(
      process.execPath,
      [join(repo, 'packages', 'cli', 'bin', 'pipe.js'), 'run', plan, '--log-level', 'warn'],
      { cwd: repo, env: { ...process.env, PIPEKIT_DEV: '1' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    c.stderr!.on('data', (d) => {
      stderr = (stderr + String(d)).slice(-4_000);
    });
    c.on('close', (code, signal) => {
      if (stopping) return;
      if (!killing) {
        unplanned++;
        lastStderr = stderr;
        log(
          `  pipe run exited by itself (code ${code}, signal ${signal}): ${stderr.trim().split('\n').at(-1) ?? ''}`,
        );
      }
      killing = false;
      // Restarted as an orchestrator would, after a short back-off.
      setTimeout(() => {
        if (!stopping) child = start();
      }, 500);
    });
    return c;
  };
  child = start();
  return {
    kill9() {
      if (child === undefined || child.exitCode !== null || child.signalCode !== null) return false;
      killing = true;
      child.kill('SIGKILL');
      return true;
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    get unplanned() {
      return unplanned;
    },
    get lastStderr() {
      return lastStderr;
    },
    /** SIGTERM: the batch in flight finishes; bounded, then SIGKILL. */
    async stop() {
      stopping = true;
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      const closed = new Promise((r) => c.on('close', r));
      c.kill('SIGTERM');
      const timer = setTimeout(() => c.kill('SIGKILL'), 30_000);
      await closed;
      clearTimeout(timer);
    },
  };
}

type Chaos = { at: number; what: 'kill' | 'kafka' | 'postgres'; aimed: boolean };

/** The seeded schedule: kills and service restarts spread over the production time. */
function schedule(o: ChaosOptions, uses: Scenario['uses'], durationMs: number): Chaos[] {
  const rand = seeded(o.seed);
  const at = () => Math.round((0.05 + 0.9 * rand()) * durationMs);
  const out: Chaos[] = [];
  for (let i = 0; i < o.kills; i++) out.push({ at: at(), what: 'kill', aimed: i % 2 === 0 });
  if (uses.includes('kafka'))
    for (let i = 0; i < o.kafkaRestarts; i++) out.push({ at: at(), what: 'kafka', aimed: false });
  if (uses.includes('postgres'))
    for (let i = 0; i < o.pgRestarts; i++) out.push({ at: at(), what: 'postgres', aimed: false });
  return out.sort((a, b) => a.at - b.at);
}

/**
 * Runs one scenario under chaos: the input is produced at `rate` while `pipe run` is killed with
 * SIGKILL at seeded moments (every other one aimed at a batch being written: planned in the
 * checkpoint, not yet committed) and restarted, and the broker and the database are restarted in
 * between. Then the pipeline catches up, is stopped, and the sink is compared with the input.
 */
export async function runChaos(scenario: Scenario, o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => {});
  const started = Date.now();
  const id = `${scenario.name}-${o.seed}-${Date.now().toString(36)}`;
  const dir = join(o.workDir, id);
  mkdirSync(dir, { recursive: true });
  const c: ScenarioContext = {
    dir,
    id,
    checkpoint: join(dir, 'checkpoint'),
    inputTopic: `chaos-in-${id}`,
    outputTopic: `chaos-out-${id}`,
    table: `chaos_${id.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`,
    deltaPath: join(dir, 'delta'),
    inputDir: join(dir, 'in'),
  };
  await scenario.setup(c);
  const plan = join(dir, 'plan.json');
  writeFileSync(plan, JSON.stringify(scenario.plan(c)));

  const rand = seeded(o.seed ^ 0x5eed);
  const durationMs = (o.events / o.rate) * 1000;
  const events = schedule(o, scenario.uses, durationMs);
  log(
    `${scenario.name}: ${o.events} events over ~${Math.round(durationMs / 1000)} s, ${events.length} chaos events, seed ${o.seed}`,
  );

  const pipe = supervise(plan, log);
  let produced = 0;
  const production = (async () => {
    const t0 = Date.now();
    while (produced < o.events) {
      const n = Math.min(o.chunk, o.events - produced);
      const chunk: Event[] = Array.from({ length: n }, (_, i) => {
        const id = produced + i;
        return { id, user: `u${id % 20}`, amount: id % 97, ts: Date.UTC(2026, 0, 1) + id };
      });
      await scenario.feed(c, chunk);
      produced += n;
      const due = t0 + (produced / o.rate) * 1000;
      if (due > Date.now()) await sleep(due - Date.now());
    }
  })();

  let kills = 0;
  let killsMidBatch = 0;
  let kafkaRestarts = 0;
  let pgRestarts = 0;
  const t0 = Date.now();
  for (const e of events) {
    if (t0 + e.at > Date.now()) await sleep(t0 + e.at - Date.now());
    if (e.what === 'kill') {
      // Each scheduled kill lands: wait until the process is up (a restart takes seconds), then
      // (aimed) until a batch is in flight, at most 20 s; tried again if it exited meanwhile.
      for (let attempt = 0; attempt < 20; attempt++) {
        for (let i = 0; i < 1_200 && !pipe.running; i++) await sleep(50);
        if (e.aimed) for (let i = 0; i < 4_000 && !midBatch(c.checkpoint); i++) await sleep(5);
        else await sleep(Math.round(rand() * 300));
        const inFlight = midBatch(c.checkpoint);
        if (pipe.kill9()) {
          kills++;
          if (inFlight) killsMidBatch++;
          break;
        }
      }
    } else {
      log(`  restarting ${e.what}`);
      await restartService(e.what === 'kafka' ? 'kafka' : 'postgres');
      if (e.what === 'kafka') kafkaRestarts++;
      else pgRestarts++;
    }
  }
  await production;
  log(
    `  input complete after ${Math.round((Date.now() - started) / 1000)} s; ${kills} kills (${killsMidBatch} mid-batch); catching up`,
  );

  // Caught up when nothing is lost; bounded by settleMs.
  let result = await scenario.check(c).catch(() => null);
  const deadline = Date.now() + o.settleMs;
  while (Date.now() < deadline && (result === null || result.lost > 0)) {
    await scenario.drain?.(c);
    await sleep(3_000);
    result = await scenario.check(c).catch(() => null);
  }
  await pipe.stop();
  await scenario.close?.();
  // After the stop, the final word.
  const final = await scenario.check(c);
  if (final.lost > 0 || final.duplicated > 0 || final.wrong > 0)
    log(`  MISMATCH: ${JSON.stringify(final)}; last unplanned stderr: ${pipe.lastStderr}`);
  return {
    pipeline: scenario.name,
    seed: o.seed,
    events: o.events,
    kills,
    killsMidBatch,
    kafkaRestarts,
    pgRestarts,
    unplannedExits: pipe.unplanned,
    ...final,
    wallMs: Date.now() - started,
    ok: final.lost === 0 && final.duplicated === 0 && final.wrong === 0,
  };
}
