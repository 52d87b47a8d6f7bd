// Diagnostic: N commits of small batches through the Delta addon, RSS/heap/smaps sampled.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeltaTable } from '@pipekit/delta';
const n = Number(process.argv[2] ?? 2000);
const rowsPer = Number(process.argv[3] ?? 50);
const dropEvery = Number(process.argv[4] ?? 0);
const dir = mkdtempSync(join(tmpdir(), 'dl-'));
const t = await DeltaTable.create(join(dir, 't'), {
  schema: { fields: [
    { name: 'window_start', type: 'timestamp', nullable: false },
    { name: 'window_end', type: 'timestamp', nullable: false },
    { name: 'user', type: 'string', nullable: true },
    { name: 'n', type: 'long', nullable: false },
    { name: 'total', type: 'long', nullable: true },
  ] },
});
const anon = () => {
  const s = readFileSync('/proc/self/smaps_rollup', 'utf8');
  return Math.round(Number(/Anonymous:\s+(\d+)/.exec(s)![1]) / 1024);
};
const t0 = Date.now();
for (let i = 1; i <= n; i++) {
  const rows = Array.from({ length: rowsPer }, (_, j) => ({
    window_start: new Date(i * 1000), window_end: new Date(i * 1000 + 1000), user: `u${j}`, n: j, total: i * j,
  }));
  await t.write(rows, { appId: 'diag', appVersion: i });
  if (dropEvery > 0 && i % dropEvery === 0)
    await DeltaTable.create(join(dir, 't'), { schema: { fields: [] }, ifExists: 'ignore' });
  if (i % 200 === 0) {
    const m = process.memoryUsage();
    console.log(`commit ${i} t=${((Date.now() - t0) / 1000).toFixed(0)}s rss ${(m.rss / 2 ** 20).toFixed(0)} heap ${(m.heapUsed / 2 ** 20).toFixed(0)} ext ${(m.external / 2 ** 20).toFixed(1)} ab ${(m.arrayBuffers / 2 ** 20).toFixed(1)} anon ${anon()}`);
  }
}
