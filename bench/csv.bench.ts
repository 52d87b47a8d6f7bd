/**
 * Reading a CSV file: a generated file of 1M rows (or argv[2]; ~70 MB, a quarter of the names
 * quoted with a delimiter, a doubled quote or a newline inside) read by the file source against a
 * schema, counted per group into a memory sink. Writes bench/results/csv.json with rows/s, MB/s,
 * CPU time and peak RSS. Not a test: `npm run bench -- csv`.
 */

import { once } from 'node:events';
import {
  createWriteStream,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { count, source, sum } from '@pipekit/core';
import { runPipeline } from '@pipekit/runtime';
import { z } from 'zod';

const rows = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'pipekit-csv-bench-'));
const file = join(dir, 'events.csv');

/** Writes the file through a stream (the bench must not hold it either). */
async function generate(): Promise<void> {
  const out = createWriteStream(file);
  out.write('id,user,name,amount,ts,ok\n');
  const names = ['plain', '"with, comma"', '"say ""hi"""', '"two\nlines"'];
  const t0 = Date.UTC(2026, 0, 1);
  for (let i = 0; i < rows; i++) {
    const line = `${i},user-${i % 1000},${names[i % 4]},${(i % 997) * 0.5},${new Date(t0 + i * 1000).toISOString()},${i % 3 === 0}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

await generate();
const bytes = statSync(file).size;
const Event = z.object({
  id: z.int(),
  user: z.string(),
  name: z.string(),
  amount: z.number(),
  ts: z.coerce.date(),
  ok: z.boolean(),
});
const pipeline = source
  .file({ path: file, format: 'csv', schema: Event })
  .groupBy('user')
  .aggregate({ events: count(), amount: sum('amount') })
  .sink.memory({ name: 'per-user' });

const loadBefore = loadavg();
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
const cpuBefore = process.cpuUsage();
const started = performance.now();
const run = runPipeline(pipeline);
const result = await run.result;
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
const groups = run.memory.get('per-user');
const counted = groups.reduce((n, r) => n + Number(r.events), 0);
rmSync(dir, { recursive: true, force: true });
if (counted !== rows || result.badRecords !== 0)
  throw new Error(`read ${counted} rows and ${result.badRecords} bad records of ${rows}`);

const cpuSeconds = (cpu.user + cpu.system) / 1e6;
const report = {
  rows,
  megabytes: Math.round(bytes / 1e5) / 10,
  seconds: Math.round(seconds * 100) / 100,
  rowsPerSecond: Math.round(rows / seconds),
  megabytesPerSecond: Math.round(bytes / 1e6 / seconds),
  cpuSeconds: Math.round(cpuSeconds * 100) / 100,
  // CPU time is far steadier than wall time on a shared machine.
  rowsPerCpuSecond: Math.round(rows / cpuSeconds),
  peakRssMb: Math.round(peakRss / 2 ** 20),
  machine: { cpus: cpus().length, load: loadBefore.map((l) => Math.round(l * 10) / 10) },
  node: process.version,
  at: new Date().toISOString(),
};
mkdirSync('bench/results', { recursive: true });
writeFileSync('bench/results/csv.json', `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report));
