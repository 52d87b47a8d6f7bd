/**
 * The live UI for the runtime benchmark: its server fed by the run, and a page open on it, so the
 * benchmark measures a run that someone watches. Also the alternating rounds that compare runs
 * without and with it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipelineGraph, UiServer } from '@pipekit/cli';
import type { Plan } from '@pipekit/core';
import { chromiumFlags, chromiumPath } from '../test/ui/chromium-flags.js';

/** `--ui` (a headless Chromium on the page), `--ui=server` (an event-stream reader), or neither. */
export type UiMode = 'none' | 'server' | 'browser';

export function uiMode(args: readonly string[]): UiMode {
  const a = args.find((x) => x.startsWith('--ui'));
  if (a === undefined) return 'none';
  return a === '--ui=server' ? 'server' : 'browser';
}

export interface UiOpen {
  readonly server: UiServer;
  /**
   * Ends the run's page; resolves with what shows it was watched: the newest batch id the stream
   * carried (`server`), or the pages still open at the end (`browser`).
   */
  close(): Promise<number | null>;
}

/** How long a just-connected page is given to draw its first snapshot. */
const settleMs = 2000;

export async function openUiFor(plan: Plan, mode: 'server' | 'browser'): Promise<UiOpen> {
  const server = new UiServer([pipelineGraph(plan)], {
    host: '127.0.0.1',
    port: 0,
    title: 'runtime benchmark',
  });
  const { url } = await server.listen();
  if (mode === 'server') {
    let newest: number | null = null;
    let buffer = '';
    const req = get(`${url}events`, (res) =>
      res.on('data', (d) => {
        buffer += String(d);
        for (const m of buffer.matchAll(/"batchId":(\d+)/g)) newest = Number(m[1]);
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 1);
      }),
    );
    await new Promise((r) => setTimeout(r, 200));
    return {
      server,
      close: async () => {
        server.finish({ state: 'completed' });
        await new Promise((r) => setTimeout(r, 300));
        req.destroy();
        await server.stop();
        return newest;
      },
    };
  }
  // Chromium on its own (not driven from this process, whose CPU time is measured), with a
  // fresh profile; the run starts once its page has connected.
  const profile = mkdtempSync(join(tmpdir(), 'pipekit-bench-chromium-'));
  // Its own process group, so its renderer and helper processes end with it.
  const browser = spawn(chromiumPath, [...chromiumFlags, `--user-data-dir=${profile}`, url], {
    stdio: 'ignore',
    detached: true,
  });
  const endBrowser = async () => {
    const exited = new Promise((r) => browser.once('exit', r));
    if (browser.exitCode === null && browser.pid !== undefined)
      process.kill(-browser.pid, 'SIGTERM');
    await exited;
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
  };
  const deadline = Date.now() + 120_000;
  for (let i = 0; i < 1200 && server.viewers === 0 && Date.now() < deadline; i++)
    await new Promise((r) => setTimeout(r, 100));
  if (server.viewers === 0) {
    await endBrowser();
    throw new Error('Chromium did not open the page within 2 minutes');
  }
  // The page is open once it has drawn its first snapshot, as when a person opened it before
  // the run: its start-up (parsing, first layout) is not the cost of watching.
  await new Promise((r) => setTimeout(r, settleMs));
  return {
    server,
    close: async () => {
      server.finish({ state: 'completed' });
      const viewers = server.viewers;
      await endBrowser();
      await server.stop();
      return viewers;
    },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/**
 * Runs the benchmark `rounds` times without and with the UI, alternating which goes first, each in
 * a fresh process; writes the medians and every run's load average.
 */
export async function runRounds(rows: number, rounds: number, mode: UiMode): Promise<void> {
  const flag = mode === 'server' ? '--ui=server' : '--ui';
  const runs: { ui: boolean; rowsPerSecond: number; rowsPerCpuSecond: number; load: number[] }[] =
    [];
  let failed = 0;
  for (let i = 0; i < rounds; i++) {
    const order = i % 2 === 0 ? [false, true] : [true, false];
    for (const ui of order) {
      const r = spawnSync(
        process.execPath,
        ['bench/run.js', 'runtime', String(rows), ...(ui ? [flag] : [])],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
      // On a loaded machine Chromium may not start in time: that run is left out, and counted.
      if (r.status !== 0) {
        console.log(`round ${i + 1} ${ui ? 'with' : 'without'} the UI: failed, left out`);
        failed++;
        continue;
      }
      const out = JSON.parse(
        readFileSync(`bench/results/${ui ? 'runtime-ui' : 'runtime'}.json`, 'utf8'),
      ) as {
        rowsPerSecond: number;
        rowsPerCpuSecond: number;
        machine: { loadAverage: { start: number[] } };
      };
      runs.push({
        ui,
        rowsPerSecond: out.rowsPerSecond,
        rowsPerCpuSecond: out.rowsPerCpuSecond,
        load: out.machine.loadAverage.start,
      });
      console.log(
        `round ${i + 1} ${ui ? 'with the UI   ' : 'without the UI'}: ${out.rowsPerSecond.toLocaleString('en-US')} rows/s, ${out.rowsPerCpuSecond.toLocaleString('en-US')} rows/CPU-s (load ${out.machine.loadAverage.start[0]})`,
      );
    }
  }
  const of = (ui: boolean, f: (r: (typeof runs)[number]) => number) =>
    median(runs.filter((r) => r.ui === ui).map(f));
  const without = of(false, (r) => r.rowsPerSecond);
  const withUi = of(true, (r) => r.rowsPerSecond);
  const cpuWithout = of(false, (r) => r.rowsPerCpuSecond);
  const cpuWith = of(true, (r) => r.rowsPerCpuSecond);
  const out = {
    benchmark: 'runtime-ui-cost',
    ui: mode === 'server' ? 'server and an event-stream reader' : 'server and headless Chromium',
    rows,
    rounds,
    failedRuns: failed,
    medianRowsPerSecond: { withoutUi: without, withUi },
    costPercent: Math.round(((without - withUi) / without) * 1000) / 10,
    medianRowsPerCpuSecond: { withoutUi: cpuWithout, withUi: cpuWith },
    /** The same from CPU time: what the UI takes from the pipeline's process, load aside. */
    cpuCostPercent: Math.round(((cpuWithout - cpuWith) / cpuWithout) * 1000) / 10,
    target: 'cost < 3%',
    runs,
    loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
    date: new Date().toISOString(),
  };
  writeFileSync(
    `bench/results/runtime-ui-cost${mode === 'server' ? '-server' : ''}.json`,
    `${JSON.stringify(out, null, 2)}\n`,
  );
  console.log(JSON.stringify(out, null, 2));
}
