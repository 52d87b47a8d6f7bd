/**
 * `npm run bench -- delta`: 1M rows × 10 columns of mixed types appended to a fresh Delta table in
 * 10 commits of 100k rows, by pipekit's sink (`DeltaWriter.writeBatch` as a checkpointed query
 * calls it: JS row objects → Arrow IPC in chunks → the Rust addon → one Delta commit per batch,
 * with an application transaction)
 * and by Python `deltalake.write_deltalake(mode="append")` from pyarrow tables of the same rows
 * (packages/delta/test/python/bench_write.py, in the project venv). Neither side times building
 * its rows. After a warm-up round, PIPEKIT_BENCH_ROUNDS rounds (default 5) alternate which side
 * goes first; the figures are medians over rounds, the ratio the median of each round's ratio. After every round both
 * tables are read back by Python: same rows, same number of files, same codec, or the bench
 * fails. Then the S3 case: the same appends to tables on the local S3-compatible server
 * (test/services/s3.sh, started if needed; S3_PORT) through delta-rs's S3 store on both sides,
 * PIPEKIT_BENCH_S3_ROUNDS rounds (default 3; 0 skips it), read back and compared by Python.
 * Writes bench/results/delta.json.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type S3Options, secret } from '@pipekit/core';
import { DeltaTable, DeltaWriter, type Row, type Schema } from '@pipekit/delta';
import { s3ClientFor } from '@pipekit/runtime';
import pino from 'pino';
import { queueScheduler } from 'rxjs';

const rowsTotal = Number(process.env.PIPEKIT_BENCH_ROWS ?? 1_000_000);
const batchSize = 100_000;
const roundsTotal = Number(process.env.PIPEKIT_BENCH_ROUNDS ?? 5);
const target = 0.8;

const setup = 'packages/delta/test/python/setup-venv.sh';
execFileSync('bash', [setup], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 600_000 });
const python = join(
  process.env.PIPEKIT_CACHE ?? join(process.env.HOME ?? '', '.cache', 'pipekit'),
  'venv-delta',
  'bin',
  'python',
);
const script = 'packages/delta/test/python/bench_write.py';

// Garbage is collected outside the clock: a full collection (the previous batch) before building
// each batch's rows, and a young-generation one after, which also moves the surviving rows out of
// the nursery in order, as the scavenges a pipeline runs between its source and its sink do. (A
// full collection there would scatter them across the heap: 10× slower to read than any real
// pipeline's rows.) The Python side builds its table before its clock starts too.
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as (options?: { type: 'major' | 'minor' }) => void;

const schema: Schema = {
  fields: [
    { name: 'id', type: 'long', nullable: false },
    { name: 'key', type: 'string', nullable: false },
    { name: 'note', type: 'string', nullable: false },
    { name: 'amount', type: 'double', nullable: false },
    { name: 'qty', type: 'integer', nullable: false },
    { name: 'paid', type: 'boolean', nullable: false },
    { name: 'created_at', type: 'timestamp', nullable: false },
    { name: 'day', type: 'date', nullable: false },
    { name: 'price', type: 'decimal(10,2)', nullable: false },
    { name: 'comment', type: 'string', nullable: true },
  ],
};

const baseMs = Date.UTC(2024, 0, 1);
const baseDay = baseMs / 86_400_000;

/** Rows from..from+n as a source hands them to the sink; rows_table in bench_write.py must match. */
function makeRows(from: number, n: number): Row[] {
  const rows: Row[] = new Array(n);
  for (let k = 0; k < n; k++) {
    const i = from + k;
    rows[k] = {
      id: i,
      key: `user-${i % 50_000}`,
      note: `row-${((i * 2654435761) % 2 ** 32).toString(16).padStart(8, '0')}-${String(i % 10_000_000).padStart(7, '0')}`,
      amount: (i % 1_000_003) * 0.37,
      qty: (i % 2000) - 1000,
      paid: i % 3 === 0,
      created_at: new Date(baseMs + i * 1000 + (i % 1000)),
      day: new Date((baseDay + (i % 3650)) * 86_400_000),
      price: (i % 10_000_000) / 100,
      comment: i % 5 === 0 ? null : `c${i % 777}`,
    };
  }
  return rows;
}

function runPython(args: readonly string[]): Promise<unknown> {
  return new Promise((resolve, reject) => {
    execFile(
      python,
      [script, ...args],
      { timeout: 600_000, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${script} ${args[0]} failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

interface Side {
  seconds: number;
}
interface PipekitSide extends Side {
  /** JS thread encoding rows as Arrow. */
  encodeSeconds: number;
  /** Time the addon worked on the batches (overlaps encoding: chunks are pipelined). */
  nativeSeconds: number;
  /** JS thread waiting for the addon. */
  waitSeconds: number;
}

async function pipekit(path: string, s3?: S3Options): Promise<PipekitSide> {
  await DeltaTable.create(path, { schema, ...(s3 ? { s3 } : {}) });
  // The sink as a checkpointed query runs it: one commit per batch with an app transaction.
  const writer = new DeltaWriter(
    {
      type: 'delta',
      path,
      mode: 'append',
      partitionBy: [],
      mergeSchema: false,
      ...(s3 ? { s3 } : {}),
    },
    {
      nodeId: 'bench',
      queryId: 'bench',
      checkpoint: s3 ? join(tmpdir(), 'pipekit-bench-checkpoint') : join(path, '..', 'checkpoint'),
      outputMode: 'append',
      scheduler: queueScheduler,
      logger: pino({ level: 'silent' }),
      memory: undefined as never,
      stdout: process.stdout,
    },
  );
  let wall = 0;
  let encode = 0;
  let inNative = 0;
  let wait = 0;
  for (let from = 0, b = 0; from < rowsTotal; from += batchSize, b++) {
    collectGarbage({ type: 'major' });
    const rows = makeRows(from, Math.min(batchSize, rowsTotal - from));
    collectGarbage({ type: 'minor' });
    const t = performance.now();
    await writer.writeBatch({ queryId: 'bench', batchId: b, rows, schema });
    wall += performance.now() - t;
    const r = writer.lastWrite;
    if (!r || r.rows !== rows.length || r.skipped) throw new Error(`batch ${b}: wrote ${r?.rows}`);
    encode += r.timings.encodeMs;
    inNative += r.timings.nativeMs;
    wait += r.timings.waitMs;
  }
  writer.close();
  return {
    seconds: wall / 1000,
    encodeSeconds: encode / 1000,
    nativeSeconds: inNative / 1000,
    waitSeconds: wait / 1000,
  };
}

let deltalakeVersion = '';

async function pythonSide(path: string): Promise<Side> {
  const out = (await runPython(['write', path, String(rowsTotal), String(batchSize)])) as {
    seconds: number[];
    deltalake: string;
  };
  deltalakeVersion = out.deltalake;
  return { seconds: out.seconds.reduce((a, b) => a + b, 0) };
}

interface TableCheck {
  path: string;
  version: number;
  rows: number;
  files: number;
  rowGroups: number;
  bytes: number;
  codecs: string[];
}

async function verify(ours: string, theirs: string): Promise<TableCheck[]> {
  const out = (await runPython(['verify', ours, theirs])) as {
    tables: TableCheck[];
    sameRows: boolean;
  };
  const [a, b] = out.tables as [TableCheck, TableCheck];
  const batches = Math.ceil(rowsTotal / batchSize);
  const problems = [
    !out.sameRows && 'the tables hold different rows',
    (a.rows !== rowsTotal || b.rows !== rowsTotal) &&
      `row counts ${a.rows} / ${b.rows}, expected ${rowsTotal}`,
    (a.version !== batches || b.version !== batches) && `versions ${a.version} / ${b.version}`,
    a.files !== b.files && `files ${a.files} / ${b.files}`,
    a.rowGroups !== b.rowGroups && `row groups ${a.rowGroups} / ${b.rowGroups}`,
    a.codecs.join() !== b.codecs.join() && `codecs ${a.codecs} / ${b.codecs}`,
  ].filter(Boolean);
  // Our own reader agrees on the count too.
  const snapshot = await DeltaTable.at(ours).snapshot();
  const counted = snapshot.files.reduce((n, f) => n + (f.numRecords ?? 0), 0);
  if (counted !== rowsTotal) problems.push(`pipekit reads ${counted} rows back`);
  if (problems.length > 0) throw new Error(`delta bench: ${problems.join('; ')}`);
  return out.tables;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const r3 = (x: number) => +x.toFixed(3);

interface Round {
  pipekit: PipekitSide;
  python: Side;
  load: number;
  tables: TableCheck[];
}

const s3Rounds = Number(process.env.PIPEKIT_BENCH_S3_ROUNDS ?? 3);

interface S3Round {
  pipekit: number;
  python: number;
  load: number;
}

/** The same appends to tables on the local S3 server, both sides through delta-rs's S3 store. */
async function s3Case(): Promise<S3Round[]> {
  execFileSync('bash', ['test/services/s3.sh', 'start'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 60 * 60_000,
  });
  const endpoint = `http://127.0.0.1:${process.env.S3_PORT ?? 8333}`;
  // The server's test identity (test/services/s3.sh); Python reads the same variables.
  process.env.PIPEKIT_BENCH_S3_ENDPOINT = endpoint;
  process.env.PIPEKIT_BENCH_S3_ACCESS_KEY = 'pipekit';
  process.env.PIPEKIT_BENCH_S3_SECRET_KEY = 'pipekit-test-secret';
  const s3: S3Options = {
    endpoint,
    accessKeyId: secret('PIPEKIT_BENCH_S3_ACCESS_KEY'),
    secretAccessKey: secret('PIPEKIT_BENCH_S3_SECRET_KEY'),
  };
  const bucket = `bench-${Date.now().toString(36)}`;
  const client = s3ClientFor(s3, undefined, 'bench');
  await client.createBucket(bucket);
  const rounds: S3Round[] = [];
  try {
    for (let r = -1; r < s3Rounds; r++) {
      const ours = `s3://${bucket}/r${r + 1}/pipekit`;
      const theirs = `s3://${bucket}/r${r + 1}/python`;
      let p: PipekitSide;
      let y: Side;
      if (r % 2 === 0) {
        p = await pipekit(ours, s3);
        y = await pythonSide(theirs);
      } else {
        y = await pythonSide(theirs);
        p = await pipekit(ours, s3);
      }
      const out = (await runPython(['verify-s3', ours, theirs])) as {
        tables: { version: number; rows: number }[];
        sameRows: boolean;
      };
      const batches = Math.ceil(rowsTotal / batchSize);
      if (!out.sameRows || out.tables.some((t) => t.rows !== rowsTotal || t.version !== batches))
        throw new Error(`delta bench (S3): tables differ: ${JSON.stringify(out.tables)}`);
      if (r < 0) continue;
      rounds.push({ pipekit: p.seconds, python: y.seconds, load: loadavg()[0]! });
      console.error(
        `S3 round ${r + 1}/${s3Rounds}: pipekit ${p.seconds.toFixed(3)} s, python ${y.seconds.toFixed(3)} s, ratio ${(y.seconds / p.seconds).toFixed(3)}, load ${loadavg()[0]!.toFixed(2)}`,
      );
    }
  } finally {
    // The bench's objects are not kept: the server's disk is the project cache.
    for (const o of await client.list(bucket, '')) await client.delete(bucket, o.key);
    delete process.env.PIPEKIT_BENCH_S3_ENDPOINT;
  }
  return rounds;
}

async function main(): Promise<void> {
  const rounds: Round[] = [];
  // Round 0 warms up (JIT, the addon's runtime, the page cache) and is not counted.
  for (let r = -1; r < roundsTotal; r++) {
    const dir = mkdtempSync(join(tmpdir(), 'pipekit-bench-delta-'));
    const ours = join(dir, 'pipekit');
    const theirs = join(dir, 'python');
    try {
      let p: PipekitSide;
      let y: Side;
      // Alternate who goes first, so load from other jobs and warm caches favour neither.
      if (r % 2 === 0) {
        p = await pipekit(ours);
        y = await pythonSide(theirs);
      } else {
        y = await pythonSide(theirs);
        p = await pipekit(ours);
      }
      const tables = await verify(ours, theirs);
      if (r < 0) continue;
      rounds.push({ pipekit: p, python: y, load: loadavg()[0]!, tables });
      console.error(
        `round ${r + 1}/${roundsTotal}: pipekit ${p.seconds.toFixed(3)} s (encode ${p.encodeSeconds.toFixed(3)}, addon ${p.nativeSeconds.toFixed(3)}, waiting ${p.waitSeconds.toFixed(3)}), python ${y.seconds.toFixed(3)} s, ratio ${(y.seconds / p.seconds).toFixed(3)}, load ${loadavg()[0]!.toFixed(2)}`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const s3 = s3Rounds > 0 ? await s3Case() : [];
  const rate = (s: number) => Math.round(rowsTotal / s);
  const pk = median(rounds.map((x) => x.pipekit.seconds));
  const py = median(rounds.map((x) => x.python.seconds));
  const enc = median(rounds.map((x) => x.pipekit.encodeSeconds));
  const nat = median(rounds.map((x) => x.pipekit.nativeSeconds));
  const wt = median(rounds.map((x) => x.pipekit.waitSeconds));
  const [ours, theirs] = rounds[0]!.tables as [TableCheck, TableCheck];
  const result = {
    benchmark: 'delta',
    date: new Date().toISOString(),
    rows: rowsTotal,
    columns: schema.fields.length,
    batchSize,
    commits: Math.ceil(rowsTotal / batchSize),
    machine: `shared ${cpus().length}-core (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; other jobs may be running`,
    loadAverage: rounds.map((x) => r3(x.load)),
    rounds: rounds.length,
    pipekit: {
      seconds: r3(pk),
      rowsPerSecond: rate(pk),
      /** Medians over rounds of: JS rows → Arrow IPC on the JS thread, */
      encodeSeconds: r3(enc),
      /** time the addon worked (Arrow IPC → parquet → commit; overlaps encoding), */
      nativeSeconds: r3(nat),
      /** and the JS thread waiting for the addon (encode + wait = the write). */
      waitSeconds: r3(wt),
      files: ours.files,
      rowGroups: ours.rowGroups,
      bytes: ours.bytes,
      codecs: ours.codecs,
    },
    python: {
      seconds: r3(py),
      rowsPerSecond: rate(py),
      deltalake: deltalakeVersion,
      files: theirs.files,
      rowGroups: theirs.rowGroups,
      bytes: theirs.bytes,
      codecs: theirs.codecs,
    },
    /** Median of each round's pipekit rows/s ÷ Python rows/s. */
    ratio: r3(median(rounds.map((x) => x.python.seconds / x.pipekit.seconds))),
    perRound: rounds.map((x) => ({
      pipekit: r3(x.pipekit.seconds),
      encode: r3(x.pipekit.encodeSeconds),
      addon: r3(x.pipekit.nativeSeconds),
      wait: r3(x.pipekit.waitSeconds),
      python: r3(x.python.seconds),
      ratio: r3(x.python.seconds / x.pipekit.seconds),
      load: r3(x.load),
    })),
    s3:
      s3.length === 0
        ? null
        : {
            server: 'SeaweedFS (test/services/s3.sh) on 127.0.0.1',
            rounds: s3.length,
            pipekit: { seconds: r3(median(s3.map((x) => x.pipekit))) },
            python: { seconds: r3(median(s3.map((x) => x.python))) },
            /** Median of each round's pipekit rows/s ÷ Python rows/s. */
            ratio: r3(median(s3.map((x) => x.python / x.pipekit))),
            perRound: s3.map((x) => ({
              pipekit: r3(x.pipekit),
              python: r3(x.python),
              ratio: r3(x.python / x.pipekit),
              load: r3(x.load),
            })),
          },
    target,
  };
  writeFileSync(join('bench', 'results', 'delta.json'), `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

await main();
