/**
 * Users export pipelines and streams from modules built with `declaration: true`: every type a
 * stream's inferred type names must be exported by @pipekit/core, or TypeScript refuses the export
 * (TS2742 "cannot be named without a reference to ..."); internal members are not theirs to see.
 * Checked as users get the package: its declarations emitted (with `stripInternal`, as the build
 * does) into a temporary node_modules, resolved through its `exports`.
 */
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const core = fileURLToPath(new URL('../..', import.meta.url));
const project = mkdtempSync(join(tmpdir(), 'pipekit-declaration-emit-'));
afterAll(() => rmSync(project, { recursive: true, force: true }));

const messages = (ds: readonly ts.Diagnostic[]) =>
  ds.map((d) => `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);

/** node_modules/@pipekit/core as published: package.json and the declarations of src/. */
function installCore(): void {
  const build = ts.getParsedCommandLineOfConfigFile(
    join(core, 'tsconfig.build.json'),
    {},
    { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
  );
  if (!build) throw new Error('packages/core/tsconfig.build.json cannot be read');
  const pkg = join(project, 'node_modules', '@pipekit', 'core');
  const options = {
    ...build.options,
    outDir: join(pkg, 'dist'),
    emitDeclarationOnly: true,
    sourceMap: false,
    declarationMap: false,
  };
  const emitted = ts.createProgram(build.fileNames, options).emit();
  expect(messages(emitted.diagnostics)).toEqual([]);
  cpSync(join(core, 'package.json'), join(pkg, 'package.json'));
  ts.sys.writeFile(join(project, 'package.json'), '{ "type": "module" }\n');
  const zod = dirname(createRequire(join(core, 'package.json')).resolve('zod/package.json'));
  symlinkSync(realpathSync(zod), join(project, 'node_modules', 'zod'));
}

const userModule = `
import { z } from 'zod';
import { count, gen, source, sum, tumbling } from '@pipekit/core';

export const generated = source.generate({ limit: 10, columns: { user: gen.key('u', 3), amount: gen.uniform(1, 9), ts: gen.eventTime() } });
const users = source.memory({ schema: z.object({ user: z.string(), country: z.string() }) });
export const enriched = generated.withColumn('cents', (r) => r.amount.times(100)).drop('amount').join(users, { on: 'user', type: 'left', lookup: true });
export const revenue = enriched.watermark('ts', '1 minute').window(tumbling('1 minute')).groupBy('country').aggregate((a) => ({ n: a.count(), cents: a.sum('cents') }));
export const perUser = generated.groupBy('user').aggregate({ n: count(), total: sum('amount') });
export const pipeline = revenue.sink.memory({ name: 'out' });
`;

const compilerOptions = (): ts.CompilerOptions => ({
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  declaration: true,
  emitDeclarationOnly: true,
  outDir: join(project, 'out'),
  types: [],
});

describe('declaration emit of a user module', () => {
  beforeAll(installCore, 120_000);

  it('hides the internal `node` of a stream from users', () => {
    const file = join(project, 'internal.ts');
    ts.sys.writeFile(
      file,
      `import { source } from '@pipekit/core';\nexport const n = source.generate({}).node;\n`,
    );
    const program = ts.createProgram([file], compilerOptions());
    expect(messages(program.getSemanticDiagnostics())).toEqual([
      expect.stringMatching(/^TS2339: Property 'node' does not exist on type/),
    ]);
  });

  it('names every type an exported stream has through @pipekit/core', { timeout: 120_000 }, () => {
    const file = join(project, 'pipeline.ts');
    ts.sys.writeFile(file, userModule);
    const program = ts.createProgram([file], compilerOptions());
    const emitted = program.emit();
    expect(messages([...program.getSemanticDiagnostics(), ...emitted.diagnostics])).toEqual([]);
  });
});
