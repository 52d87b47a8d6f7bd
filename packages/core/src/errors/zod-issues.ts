import type { z } from 'zod';
import { type Issue, PipekitError } from './pipekit-error.js';

/**
 * zod's issues as ours: the path without symbols, an unknown key worded as one (`unknown option
 * 'x'`), so every zod-checked input is reported by `formatIssues`, never as zod's raw JSON.
 */
export function issuesOfZod(error: z.ZodError, unknownKey: 'option' | 'key' = 'option'): Issue[] {
  return error.issues.map((i) => ({
    path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
    message:
      i.code === 'unrecognized_keys'
        ? `unknown ${unknownKey} ${i.keys.map((k) => `'${k}'`).join(', ')}`
        : i.message,
  }));
}

/**
 * Validates input with its zod schema; a wrong value is a `PipekitError` naming where it was
 * written and what is wrong: `tumbling(...) has invalid options\nsize: '10 minuts' is not a duration`.
 */
export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: string,
  summary = 'has invalid options',
): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new PipekitError(`${where} ${summary}`, issuesOfZod(r.error));
}
