/**
 * Editor feedback on long pipelines: drives the TypeScript language service (as an editor does) on
 * generated pipelines over a 20-column schema (10, 50, 200 mixed steps), with `@pipekit/core`
 * resolved from its built `.d.ts` as users get it. Measures warm completion of columns (`r.|`) and
 * of methods (`.|`) at the end of the chain, the re-check of a small file with durations after an
 * edit, a cold check of the 50-step file in a fresh process (as `tsc --noEmit`), and whether any file reports a type error
 * (TS2589 "excessively deep" included). Not a test: `npm run bench -- types [options]`.
 *
 *   --label <name>   where the results go in bench/results/types.json (default: after)
 *   --core <dir>     a built @pipekit/core package dir (package.json + dist; default: packages/core)
 *   --runs <n>       warm runs per measurement, medians reported (default: 7)
 *   --only <parts>   comma-separated: columns, methods, diagnostics, durations, tsc (default: all)
 *
 * Goals (issue #20): completion medians < 150 ms at 50 steps; re-check < 150 ms; tsc check time
 * < 0.5 s; no TS2589 up to 200 steps. Timings are noisy on a shared machine: the load average is
 * recorded with them, and each timing has its CPU time beside it (the work, which the load changes
 * much less than the wall time).
 */
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import ts from 'typescript';
import { Editor } from './types/editor.js';
import { durationPipeline, generatePipeline } from './types/generate-pipeline.js';

const { values: args } = parseArgs({
  options: {
    label: { type: 'string', default: 'after' },
    core: { type: 'string', default: 'packages/core' },
    runs: { type: 'string', default: '7' },
    only: { type: 'string' },
  },
});
const parts = new Set(
  (args.only ?? 'columns,methods,diagnostics,durations,tsc').split(',').map((p) => p.trim()),
);
/** The measurement when its part was asked for (`--only`), otherwise left out of the results. */
const part = <T>(name: string, measure: () => T): T | undefined =>
  parts.has(name) ? measure() : undefined;
const runs = Number(args.runs);
const coreDir = resolve(args.core ?? 'packages/core');
if (!existsSync(join(coreDir, 'dist', 'index.d.ts'))) {
  console.error(`${coreDir}/dist/index.d.ts is missing: run \`npm run build -w @pipekit/core\``);
  process.exit(2);
}

// A user's project: @pipekit/core as published (package.json + dist) and zod, nothing else.
const project = mkdtempSync(join(tmpdir(), 'pipekit-types-bench-'));
const pkgDir = join(project, 'node_modules', '@pipekit', 'core');
mkdirSync(pkgDir, { recursive: true });
cpSync(join(coreDir, 'package.json'), join(pkgDir, 'package.json'));
cpSync(join(coreDir, 'dist'), join(pkgDir, 'dist'), { recursive: true });
symlinkSync(realpathSync('node_modules/zod'), join(project, 'node_modules', 'zod'), 'dir');
writeFileSync(join(project, 'package.json'), '{ "type": "module" }\n');
const compilerOptions = {
  target: 'ES2022',
  module: 'NodeNext',
  moduleResolution: 'NodeNext',
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
};
writeFileSync(
  join(project, 'tsconfig.json'),
  JSON.stringify({ compilerOptions, files: ['pipeline50.ts'] }, null, 2),
);
const options = ts.convertCompilerOptionsFromJson(compilerOptions, project).options;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return Math.round((s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2) * 10) / 10;
};
const round = (x: number) => Math.round(x * 10) / 10;
/** An edit that keeps every position: the digit of the first filter's literal. */
const edited = (text: string, run: number) => text.replace('gt(0))', `gt(${run % 10}))`);

function completion(steps: number, tail: 'member' | 'method') {
  const file = join(project, `complete-${tail}-${steps}.ts`);
  const { text, columns } = generatePipeline(steps, tail);
  const editor = new Editor(project, options);
  const marker = tail === 'member' ? '(r) => r.' : '\n  .';
  editor.edit(file, text);
  const cold = editor.complete(file, marker);
  const times: number[] = [];
  const cpu: number[] = [];
  let names = cold.names;
  let instantiations = 0;
  for (let i = 1; i <= runs; i++) {
    editor.edit(file, edited(text, i));
    const r = editor.complete(file, marker);
    times.push(r.ms);
    cpu.push(r.cpuMs);
    names = r.names;
    // Each edit makes a new program and checker: its counts are this request's work, which the
    // machine's load does not change.
    instantiations = editor.service.getProgram()?.getInstantiationCount() ?? 0;
  }
  const precise =
    tail === 'member'
      ? names.length === columns.length && columns.every((c) => names.includes(c))
      : ['filter', 'withColumn', 'groupBy', 'sink'].every((m) => names.includes(m)) &&
        !names.includes('node');
  return {
    coldMs: round(cold.ms),
    warmMedianMs: median(times),
    warmCpuMedianMs: median(cpu),
    warmMs: times.map(round),
    instantiations,
    entries: names.length,
    precise,
  };
}

function diagnostics(steps: number) {
  const file = join(project, `check-${steps}.ts`);
  const editor = new Editor(project, options);
  editor.edit(file, generatePipeline(steps, 'complete').text);
  const r = editor.check(file);
  const codes = r.diagnostics.map((d) => d.code);
  return {
    ms: round(r.ms),
    cpuMs: round(r.cpuMs),
    errors: codes.length,
    ts2589: codes.includes(2589),
    first: r.diagnostics
      .slice(0, 3)
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n').slice(0, 300)),
  };
}

function durationRecheck() {
  const file = join(project, 'durations.ts');
  const editor = new Editor(project, options);
  editor.edit(file, durationPipeline(0));
  const cold = editor.check(file);
  const times: number[] = [];
  const cpu: number[] = [];
  for (let i = 1; i <= runs; i++) {
    editor.edit(file, durationPipeline(i));
    const r = editor.check(file);
    times.push(r.ms);
    cpu.push(r.cpuMs);
  }
  return {
    coldMs: round(cold.ms),
    warmMedianMs: median(times),
    warmCpuMedianMs: median(cpu),
    warmMs: times.map(round),
    errors: cold.diagnostics.length,
  };
}

function coldTsc() {
  writeFileSync(join(project, 'pipeline50.ts'), generatePipeline(50, 'complete').text);
  const tsx = realpathSync('node_modules/tsx/dist/cli.mjs');
  const runsOf: { checkMs: number; checkCpuMs: number; types: number; instantiations: number }[] =
    [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(
      process.execPath,
      [tsx, 'bench/types/cold-check.ts', join(project, 'tsconfig.json')],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`cold check failed: ${r.stdout}${r.stderr}`);
    runsOf.push(JSON.parse(r.stdout));
  }
  return {
    checkMedianMs: median(runsOf.map((r) => r.checkMs)),
    checkCpuMedianMs: median(runsOf.map((r) => r.checkCpuMs)),
    checkMs: runsOf.map((r) => round(r.checkMs)),
    types: runsOf[0]!.types,
    instantiations: runsOf[0]!.instantiations,
  };
}

const loadStart = loadavg().map(round);
const started = performance.now();
const result = {
  core: args.core,
  runs,
  cpus: cpus().length,
  typescript: ts.version,
  loadavgStart: loadStart,
  completionOfColumns: part('columns', () =>
    Object.fromEntries([10, 50, 200].map((n) => [`${n} steps`, completion(n, 'member')])),
  ),
  completionOfMethods: part('methods', () =>
    Object.fromEntries([10, 50, 200].map((n) => [`${n} steps`, completion(n, 'method')])),
  ),
  diagnostics: part('diagnostics', () =>
    Object.fromEntries([10, 50, 200].map((n) => [`${n} steps`, diagnostics(n)])),
  ),
  durationRecheck: part('durations', durationRecheck),
  coldTsc50Steps: part('tsc', coldTsc),
  loadavgEnd: loadavg().map(round),
  seconds: round((performance.now() - started) / 1000),
  measuredAt: new Date().toISOString(),
};
rmSync(project, { recursive: true, force: true });

const out = 'bench/results/types.json';
const previous = existsSync(out) ? JSON.parse(readFileSync(out, 'utf8')) : {};
const all = {
  benchmark: 'types',
  what: 'TypeScript language service on generated pipelines (20 columns; 10, 50, 200 mixed steps), @pipekit/core from its built .d.ts',
  goals: {
    completionAt50StepsMs: 150,
    durationRecheckMs: 150,
    coldTscCheck50StepsMs: 500,
    ts2589UpTo200Steps: false,
  },
  ...previous,
  [args.label ?? 'after']: result,
};
mkdirSync('bench/results', { recursive: true });
writeFileSync(out, `${JSON.stringify(all, null, 2)}\n`);
console.log(JSON.stringify(result, null, 2));
