/**
 * The helpers' runtime messages (durations from variables, schemas, DDL types, casts) go through
 * the issue formatter: what, where, the fix; never zod's raw JSON or a TypeError.
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  col,
  continuous,
  every,
  PipekitError,
  parseDdl,
  session,
  sliding,
  source,
  toSchema,
  tumbling,
} from '../../src/index.js';

function errorOf(f: () => unknown): PipekitError {
  try {
    f();
  } catch (e) {
    if (e instanceof PipekitError) return e;
    throw new Error(`expected a PipekitError, got ${String(e)}`);
  }
  throw new Error('expected a PipekitError, got none');
}

// A duration from a variable: the compiler cannot check it, the helper must.
const typo = '10 minuts' as never;
const notADuration = "'10 minuts' is not a duration: unknown unit 'minuts'";

describe('duration helpers', () => {
  it.each([
    ['every', () => every(typo), 'every(...) is not valid\ninterval: '],
    ['tumbling', () => tumbling(typo), 'tumbling(...) is not valid\nsize: '],
    ['sliding', () => sliding('1 hour', typo), 'sliding(...) is not valid\nslide: '],
    ['session', () => session(typo), 'session(...) is not valid\ngap: '],
    ['continuous', () => continuous(typo), 'continuous(...) is not valid\ncheckpointInterval: '],
  ])('%s names the option and the reason', (_, f, head) => {
    const e = errorOf(f);
    expect(e.message).toContain(`${head}${notADuration}`);
    expect(e.message).not.toContain('"code"');
  });

  it('sliding names the rule a slide breaks', () => {
    expect(errorOf(() => sliding('5 minutes', '10 minutes')).message).toBe(
      'sliding(...) is not valid\nslide: slide must not be longer than size',
    );
  });
});

describe('schemas', () => {
  it('refuses a zod schema that is not an object, saying what it got and what to give', () => {
    const e = errorOf(() => source.memory({ schema: z.string() as never }));
    expect(e.message).toBe(
      "source.memory(...): the schema is not a row type\nschema: expected a zod object, a DDL string or a field list; got a zod string (e.g. z.object({ userId: z.string() }), 'user_id STRING', or [{ name: 'user_id', type: 'string' }])",
    );
    expect(errorOf(() => toSchema(undefined as never)).message).toContain('got undefined');
  });

  it('names a zod column type that has no column type, with the fix', () => {
    const e = errorOf(() => toSchema(z.object({ tags: z.set(z.string()) })));
    expect(e.issues).toMatchObject([
      { path: ['schema', 'tags'], message: "zod type 'set' has no Spark column type" },
    ]);
    expect(e.issues[0]?.fix).toContain('z.array(...)');
  });

  it('names an unknown DDL type with its column and position', () => {
    const e = errorOf(() => source.kafka({ brokers: ['b:9092'], topic: 't', schema: 'a STRNG' }));
    expect(e.message).toMatch(
      /^source\.kafka\(\.\.\.\): the DDL string's column 'a' has an unknown type\nschema\[0\]\.type: unknown type 'STRNG' \(known: string, int/,
    );
    expect(errorOf(() => parseDdl('a INT, b VARCHR(3)')).issues[0]?.path).toEqual([1, 'type']);
  });

  it('names an unknown field-list type and a column declared twice', () => {
    expect(errorOf(() => toSchema([{ name: 'a', type: 'strng' }])).message).toContain(
      "the field list's column 'a' has an unknown type\nschema[0].type: unknown type 'strng'",
    );
    expect(errorOf(() => toSchema('a STRING, a INT')).message).toBe(
      "the schema declares column 'a' twice\nschema[1]: 'a' again (give each column one name)",
    );
  });

  it('names an unknown cast target', () => {
    expect(errorOf(() => col('a').cast('number' as never)).message).toMatch(
      /^\.cast\('number'\) is not valid\nto: unknown type 'number'/,
    );
  });
});
