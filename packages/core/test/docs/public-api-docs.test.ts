/**
 * Every public function and value, and every method and option a pipeline author meets (the stream
 * stages, their options, the sinks' and sources' options, zod fields included), has a doc comment:
 * editors show it on hover and completion. Walks the exported declarations with the compiler and
 * fails naming each undocumented member.
 */
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const core = fileURLToPath(new URL('../..', import.meta.url));
const src = `${core}src/`;
const parsed = ts.getParsedCommandLineOfConfigFile(
  `${core}tsconfig.json`,
  {},
  { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} },
);
if (!parsed) throw new Error('packages/core/tsconfig.json cannot be read');

// Streams at each stage, as an author has them: the walk starts from these values' types.
const probeFile = `${core}test/docs/api-probe.ts`;
const probe = `
import { z } from 'zod';
import { gen, pipeline, sinks, source, tumbling } from '../../src/index.js';
const s = source.memory({ schema: z.object({ k: z.string(), n: z.number(), ts: z.date() }), badRecords: 'sideOutput' });
export const stages = {
  source,
  sinks,
  gen,
  pipeline,
  stream: s,
  grouped: s.groupBy('k'),
  windowed: s.watermark('ts', '1 minute').window(tumbling('1 minute')),
  aggregated: s.groupBy('k').aggregate({}),
  finished: s.sink.memory({ name: 'm' }),
};
`;

const host = ts.createCompilerHost(parsed.options);
const read = host.readFile.bind(host);
host.readFile = (f) => (f === probeFile ? probe : read(f));
const exists = host.fileExists.bind(host);
host.fileExists = (f) => f === probeFile || exists(f);
const program = ts.createProgram([`${src}index.ts`, probeFile], parsed.options, host);
const checker = program.getTypeChecker();

const isOurs = (s: ts.Symbol) =>
  (s.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(src));
const isInternal = (s: ts.Symbol) => s.getJsDocTags(checker).some((t) => t.name === 'internal');

// Plan data an author does not write by hand (the helpers make it: `tumbling`, `secret`, `gen`, the
// expression builders): its format is documented in docs/reference/plan.md.
const planData = [
  'expr/expr-node.ts',
  'schema/data-type.ts',
  'plan/plan.ts',
  'plan/window-spec.ts',
  'plan/secret.ts',
  'plan/policy.ts',
];
const isPlanData = (p: ts.Symbol) =>
  p.name === 'type' ||
  p.name.startsWith('__@') ||
  (p.declarations ?? []).some((d) => {
    const file = d.getSourceFile().fileName.slice(src.length);
    return planData.includes(file) || nameOf(p).startsWith('generatedColumnSchema.');
  });
// A result is walked when it is the next stage of a pipeline, not data a helper returns.
const stageFiles = ['builder/stream-types.ts', 'builder/sink-options.ts'];
const isStage = (t: ts.Type) =>
  [t, ...(t.isUnionOrIntersection() ? t.types : [])].some((x) =>
    (x.getSymbol()?.declarations ?? x.aliasSymbol?.declarations ?? []).some((d) =>
      stageFiles.includes(d.getSourceFile().fileName.slice(src.length)),
    ),
  );
const documented = (s: ts.Symbol) =>
  ts.displayPartsToString(s.getDocumentationComment(checker)) !== '';

/** The undocumented exports of src/index.ts. */
function undocumentedExports(): string[] {
  const index = program.getSourceFile(`${src}index.ts`);
  const mod = index && checker.getSymbolAtLocation(index);
  if (!mod) throw new Error('src/index.ts has no module symbol');
  return checker
    .getExportsOfModule(mod)
    .map((e) => [e.name, e.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(e) : e] as const)
    .filter(([, s]) => s.flags & (ts.SymbolFlags.Function | ts.SymbolFlags.Variable))
    .filter(([name, s]) => !name.endsWith('Schema') && !documented(s))
    .map(([name]) => name);
}

/** `Stream.filter`, `kafkaSourceSchema.brokers`: where a member is declared, for the message. */
function nameOf(p: ts.Symbol): string {
  const d = p.declarations?.[0];
  let owner: ts.Node | undefined = d?.parent;
  while (owner && !('name' in owner && owner.name && ts.isIdentifier(owner.name as ts.Node)))
    owner = owner.parent;
  const ownerName = owner ? (owner as ts.NamedDeclaration).name?.getText() : '?';
  return `${ownerName}.${p.name} (${d?.getSourceFile().fileName.slice(src.length)})`;
}

/**
 * The undocumented members met from `start`: properties and methods of our object types, then
 * the types of their parameters (options) and results (the next stage). Each declaration is
 * visited once, whatever the row types it is met with.
 */
function undocumentedMembers(start: ts.Type, at: ts.Node): string[] {
  const seenTypes = new Set<ts.Type>();
  const seenMembers = new Set<ts.Declaration>();
  const missing = new Set<string>();
  // Breadth first: each declaration is met at its shortest distance from the start.
  const queue: [ts.Type, number][] = [[start, 0]];
  const visit = (type: ts.Type, depth: number) => {
    if (depth > 8 || seenTypes.has(type)) return;
    seenTypes.add(type);
    if (type.isUnionOrIntersection()) {
      for (const t of type.types) queue.push([t, depth]);
      return;
    }
    if (!(type.flags & ts.TypeFlags.Object)) return;
    if (checker.isTupleType(type)) {
      for (const t of checker.getTypeArguments(type as ts.TypeReference)) queue.push([t, depth]);
      return;
    }
    for (const p of checker.getPropertiesOfType(type)) {
      // The probe's own `stages` are only where the walk starts.
      const root = depth === 0;
      const declaration = p.declarations?.[0];
      if (
        !root &&
        (!declaration ||
          !isOurs(p) ||
          isInternal(p) ||
          isPlanData(p) ||
          seenMembers.has(declaration))
      )
        continue;
      if (declaration) seenMembers.add(declaration);
      if (!root && !documented(p)) missing.add(nameOf(p));
      const t = checker.getTypeOfSymbolAtLocation(p, at);
      const signatures = t.getCallSignatures();
      for (const sig of signatures) {
        for (const param of sig.parameters)
          queue.push([checker.getTypeOfSymbolAtLocation(param, at), depth + 1]);
        if (isStage(sig.getReturnType())) queue.push([sig.getReturnType(), depth + 1]);
      }
      if (signatures.length === 0 && p.name !== 'plan' && p.name !== 'node')
        queue.push([t, depth + 1]);
    }
  };
  for (let next = queue.shift(); next; next = queue.shift()) visit(...next);
  return [...missing].sort();
}

describe('public API doc comments', () => {
  it('document every exported function and value', () => {
    expect(undocumentedExports()).toEqual([]);
  });

  it('document every method and option an author meets, from the source to the sink', () => {
    const file = program.getSourceFile(probeFile);
    const stages = file?.statements.find(ts.isVariableStatement)?.declarationList.declarations[0];
    if (!file || !stages) throw new Error('the probe has no stages');
    const declared = file.statements.filter(ts.isVariableStatement).at(-1)!.declarationList
      .declarations[0]!;
    expect(undocumentedMembers(checker.getTypeAtLocation(declared.name), declared)).toEqual([]);
  });
});
