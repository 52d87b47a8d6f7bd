import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The compile errors of rules that do not fit the row name the column. `expect.test-d.ts` proves
 * there is an error; this compiles snippets with the TypeScript API and reads the message.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

function compileErrors(snippets: readonly string[]): string[] {
  const config = ts.readConfigFile(join(root, 'tsconfig.json'), ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const files = snippets.map((_s, i) => join(here, `__snippet_${i}.ts`));
  const host = ts.createCompilerHost(parsed.options);
  const read = host.readFile.bind(host);
  const exists = host.fileExists.bind(host);
  const getSource = host.getSourceFile.bind(host);
  const text = (f: string) => snippets[files.indexOf(f)];
  host.readFile = (f) => text(f) ?? read(f);
  host.fileExists = (f) => text(f) !== undefined || exists(f);
  host.getSourceFile = (f, lang, ...rest) => {
    const t = text(f);
    return t === undefined ? getSource(f, lang, ...rest) : ts.createSourceFile(f, t, lang);
  };
  const program = ts.createProgram(files, { ...parsed.options, noEmit: true }, host);
  return files.map((f) =>
    ts
      .getPreEmitDiagnostics(program, program.getSourceFile(f))
      .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))
      .join('\n'),
  );
}

const prelude = `
import { between, inSet, matches, notNull, unique } from '../../src/index.js';
import { purchases } from './fixtures.js';
const p = purchases();
`;

describe('expectation compile errors', () => {
  it('name the column that is unknown or of the wrong type', () => {
    const cases = [
      ['p.expect(notNull("userid"));', 'userid'],
      ['p.expect(between("amout", 0, 1));', 'amout'],
      ['p.expect(unique(["userId", "nope"]));', 'nope'],
      ['p.expect(matches("amount", /1/));', 'amount'],
      ['p.expect(between("amount", "a", "z"));', 'amount'],
      ['p.expect(inSet("eventType", [1, 2]));', 'eventType'],
      ['p.expect("typo", (r) => r.amout.gt(0));', 'amout'],
    ] as const;
    const errors = compileErrors(cases.map(([code]) => `${prelude}${code}\n`));
    cases.forEach(([code, column], i) => {
      expect(errors[i], code).not.toBe('');
      expect(errors[i], code).toContain(`'${column}'`);
    });
    // And a rule that fits compiles.
    expect(
      compileErrors([`${prelude}p.expect(notNull('userId'), between('amount', 0, 1));\n`]),
    ).toEqual(['']);
  }, 180_000); // compiles the core sources: slow on a loaded machine
});

describe('aggregate compile errors', () => {
  it('are a few lines that name the function, the column and the rule', () => {
    const prelude = `
import { avg, count, min, sum } from '../../src/index.js';
import { purchases } from './fixtures.js';
const p = purchases().groupBy('eventType');
`;
    const cases = [
      [
        "p.aggregate({ n: count(), t: sum('userId') });",
        'sum needs a numeric column: userId is string',
      ],
      ["p.aggregate({ m: avg('vip') });", 'avg needs a numeric column: vip is boolean'],
      ["p.aggregate({ low: min('amout') });", 'min: amout is not a column'],
      ["p.aggregate((a) => ({ t: a.sum('userId') }));", '"userId"'],
    ] as const;
    const errors = compileErrors(cases.map(([code]) => `${prelude}${code}\n`));
    cases.forEach(([code, reason], i) => {
      const lines = errors[i]!.split('\n');
      expect(errors[i], code).toContain(reason);
      expect(lines.length, errors[i]).toBeLessThanOrEqual(4);
      for (const line of lines) expect(line.length, line).toBeLessThan(300);
    });
    // The valid columns are what the message offers instead.
    expect(errors[0]).toContain('"amount" | "quantity"');
  }, 180_000); // compiles the core sources: slow on a loaded machine
});
