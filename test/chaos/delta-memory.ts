// The Delta writer's memory over many commits, without Kafka or the runtime: `commits` small
// appends (one file and one commit each, as a streaming sink makes them) through the addon, with
// RSS, the JS heap, external memory and anonymous memory (/proc/self/smaps_rollup) every 200.
// The tool that located the soak's RSS growth in the addon (see docs/guide/guarantees.md).
//   node --conditions=@pipekit/source --import tsx test/chaos/delta-memory.ts [commits] [rows]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeltaTable } from '@pipekit/delta';

const commits = Number(process.argv[2] ?? 2000);
const rowsPerCommit = Number(process.argv[3] ?? 50);
const dir = mkdtempSync(join(tmpdir(), 'pipekit-delta-memory-'));
const table = await DeltaTable.create(join(dir, 't'), {
  schema: {
    fields: [
      { name: 'window_start', type: 'timestamp', nullable: false },
      { name: 'user', type: 'string', nullable: true },
      { name: 'n', type: 'long', nullable: false },
      { name: 'total', type: 'long', nullable: true },
    ],
  },
});
const anonymousMB = () => {
  const kb = /Anonymous:\s+(\d+)/.exec(readFileSync('/proc/self/smaps_rollup', 'utf8'))?.[1];
  return Math.round(Number(kb) / 1024);
};
const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const started = Date.now();
try {
  for (let i = 1; i <= commits; i++) {
    const rows = Array.from({ length: rowsPerCommit }, (_, j) => ({
      window_start: new Date(i * 1000),
      user: `u${j}`,
      n: j,
      total: i * j,
    }));
    await table.write(rows, { appId: 'delta-memory', appVersion: i });
    if (i % 200 === 0) {
      const m = process.memoryUsage();
      console.log(
        `commit ${i} t=${Math.round((Date.now() - started) / 1000)}s rss ${mb(m.rss)} heap ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)} anonymous ${anonymousMB()} (MB)`,
      );
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
