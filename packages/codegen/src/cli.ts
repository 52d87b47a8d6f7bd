import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Dialect } from './convert/ir.js';
import { ConvertError, formatWarning } from './errors.js';
import { generate } from './index.js';

const usage = `usage: pipe-codegen <file|dir>... [-o out.ts | --out-dir dir] [--check] [--dialect steps|etl|nodes] [--debug]

Converts legacy JSON/YAML pipeline configs (step-list, ETL framework, streaming-node) to pipekit code.
  -o, --out <file>    write the code here (one input); without it, code goes to stdout
  --out-dir <dir>     write <name>.pipeline.ts per input, keeping the folders of directory inputs
  --check             write nothing; exit 1 if an output file is missing or would change (for CI)
  --dialect <name>    force the dialect instead of detecting it
  --debug             print stack traces of internal errors
Warnings and a summary line per file go to stderr. Exit codes: 0 ok, 1 --check found changes, 2 errors.`;

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

interface Args {
  inputs: string[];
  out?: string;
  outDir?: string;
  check: boolean;
  debug: boolean;
  dialect?: Dialect;
}

class UsageError extends Error {}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { inputs: [], check: false, debug: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('-')) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === '-o' || a === '--out') args.out = value();
    else if (a === '--out-dir') args.outDir = value();
    else if (a === '--check') args.check = true;
    else if (a === '--debug') args.debug = true;
    else if (a === '--dialect') {
      const d = value();
      if (d !== 'steps' && d !== 'etl' && d !== 'nodes')
        throw new UsageError(`unknown dialect '${d}' (supported: steps, etl, nodes)`);
      args.dialect = d;
    } else if (a === '-h' || a === '--help') throw new UsageError('');
    else if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`);
    else args.inputs.push(a);
  }
  if (args.inputs.length === 0) throw new UsageError('give at least one config file or directory');
  if (args.out !== undefined && args.outDir !== undefined)
    throw new UsageError('give -o or --out-dir, not both');
  if (args.check && args.out === undefined && args.outDir === undefined)
    throw new UsageError('--check compares with files: give -o or --out-dir');
  return args;
}

const configPattern = /\.(json|ya?ml)$/i;

/** The config files of the inputs: files as given, directories searched (sorted) for .json/.yaml/.yml. */
function expand(inputs: readonly string[]): { file: string; out: string }[] {
  const found: { file: string; out: string }[] = [];
  for (const input of inputs) {
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(input);
    } catch {
      throw new UsageError(`${input}: no such file or directory`);
    }
    if (!st.isDirectory()) {
      found.push({ file: input, out: outName(basename(input)) });
      continue;
    }
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
        a.name.localeCompare(b.name),
      )) {
        if (entry.name.startsWith('.') || entry.name === 'node_modules') continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (configPattern.test(entry.name))
          found.push({ file: path, out: join(relative(input, dir), outName(entry.name)) });
      }
    };
    walk(input);
  }
  return found;
}

function outName(file: string): string {
  return `${file.replace(configPattern, '')}.pipeline.ts`;
}

function readMaybe(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** `pipe-codegen` (also `pipe codegen`): returns the exit code. */
export function main(argv: readonly string[], io: Io = processIo): number {
  let args: Args;
  let files: { file: string; out: string }[];
  try {
    args = parseArgs(argv);
    files = expand(args.inputs);
    if (files.length === 0)
      throw new UsageError('no .json, .yaml or .yml config found in the inputs');
    if (files.length > 1 && args.outDir === undefined)
      throw new UsageError('several configs need --out-dir (or convert one file at a time)');
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(e.message === '' ? `${usage}\n` : `error: ${e.message}\n\n${usage}\n`);
    return e.message === '' ? 0 : 2;
  }
  let failed = 0;
  let changed = 0;
  for (const { file, out } of files) {
    try {
      const { code, warnings } = generate(
        file,
        readFileSync(file, 'utf8'),
        args.dialect ? { dialect: args.dialect } : {},
      );
      for (const w of warnings) io.stderr(`warning: ${formatWarning(file, w)}\n`);
      const target = args.out ?? (args.outDir === undefined ? undefined : join(args.outDir, out));
      let note = '';
      if (target === undefined) io.stdout(code);
      else if (args.check) {
        if (readMaybe(target) !== code) {
          changed++;
          note = ` (${target} would change)`;
        }
      } else {
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, code);
        note = ` → ${target}`;
      }
      const status =
        warnings.length === 0
          ? 'converted'
          : `converted with ${warnings.length} warning${warnings.length === 1 ? '' : 's'}`;
      io.stderr(`${file}: ${status}${note}\n`);
    } catch (e) {
      failed++;
      if (e instanceof ConvertError) io.stderr(`error: ${e.message}\n`);
      else if (args.debug)
        io.stderr(`error: ${file}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      else if (e instanceof Error && 'code' in e && e.code === 'ENOENT')
        io.stderr(`error: ${file}: cannot read the file\n`);
      else
        io.stderr(
          `error: ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)} (internal error; --debug shows the stack)\n`,
        );
      io.stderr(`${file}: failed\n`);
    }
  }
  if (failed > 0) return 2;
  return changed > 0 ? 1 : 0;
}
