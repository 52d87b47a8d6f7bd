import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { source } from '@pipekit/core';
import { registerConnectors as registerDelta } from '@pipekit/delta';
import { registerConnectors as registerKafka } from '@pipekit/kafka';
import { registerConnectors as registerPostgres } from '@pipekit/postgres';
import {
  type ConnectorRegistry,
  createLogger,
  defaultConnectors,
  type PipelineRun,
  type Row,
  runPipeline,
} from '@pipekit/runtime';
import { afterAll } from 'vitest';

export const logger = createLogger({ level: process.env.PIPEKIT_TEST_LOG ?? 'silent' });

/** The connectors `pipe run` would load for the examples. */
export function connectors(): ConnectorRegistry {
  const registry = defaultConnectors();
  registerKafka(registry);
  registerDelta(registry);
  registerPostgres(registry);
  return registry;
}

/** A fresh directory for an example's data and checkpoints, removed after the file's tests. */
export function workDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `pipekit-example-${name}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A `pollFor` for the output of a running pipeline: it also stops waiting when the run ends, and
 * a run that failed fails the wait with its own error.
 */
export function outputOf(run: PipelineRun): typeof pollFor {
  let over = false;
  let failure: { error: unknown } | null = null;
  run.result.then(
    () => (over = true),
    (error: unknown) => {
      over = true;
      failure = { error };
    },
  );
  return async (check, done, options) => {
    const v = await pollFor(check, (x) => done(x) || over, options);
    if (failure) throw (failure as { error: unknown }).error;
    return v;
  };
}

/**
 * Calls `check` every `everyMs` until `done` says its value will do, for at most `ms` (and so at
 * most ms/everyMs + 1 calls); returns the last value.
 */
export async function pollFor<T>(
  check: () => Promise<T>,
  done: (v: T) => boolean,
  { ms, everyMs = 250 }: { ms: number; everyMs?: number },
): Promise<T> {
  const deadline = Date.now() + ms;
  const calls = Math.ceil(ms / everyMs) + 1;
  let v = await check();
  for (let i = 1; i < calls && !done(v) && Date.now() < deadline; i++) {
    await sleep(everyMs);
    v = await check();
  }
  return v;
}

/** The rows of Parquet or JSON-lines files, read back with the runtime's file source. */
export async function readFiles(path: string, format: 'parquet' | 'jsonl'): Promise<Row[]> {
  const run = runPipeline(source.file({ path, format }).sink.memory({ name: 'back' }), { logger });
  await run.result;
  return [...run.memory.get('back')];
}
