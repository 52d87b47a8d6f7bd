import {
  type DurationRule,
  type IssuePath,
  type Trigger,
  tryDurationMs,
  tryParseDuration,
} from '@pipekit/core';
import { z } from 'zod';
import type { Ctx } from './context.js';

/** Legacy configs write numbers and booleans as strings as often as not (`"100000"`, `"false"`). */
export const intLike = z.union([
  z.number().int(),
  z
    .string()
    .regex(/^\s*-?\d+\s*$/, 'expected a whole number')
    .transform((s) => Number(s.trim())),
]);

export const positiveIntLike = intLike.refine((n) => n > 0, 'expected a positive whole number');

/** A TCP port, as a number or a string. */
export const portLike = intLike.refine(
  (n) => n >= 1 && n <= 65_535,
  'expected a port number from 1 to 65535',
);

export const numberLike = z.union([
  z.number(),
  z
    .string()
    .regex(/^\s*-?\d+(\.\d+)?\s*$/, 'expected a number')
    .transform((s) => Number(s.trim())),
]);

export const boolLike = z.union([
  z.boolean(),
  z
    .string()
    .regex(/^\s*(true|false)\s*$/i, "expected 'true' or 'false'")
    .transform((s) => s.trim().toLowerCase() === 'true'),
]);

/** A comma-separated list or an array: `"a,b"` or `["a", "b"]`. */
export const listLike = z.union([
  z.array(z.string().min(1)).min(1),
  z
    .string()
    .min(1)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    ),
]);

/**
 * A Spark interval string (`'5 seconds'`, `'5s'`, `'1 hour'`) or a number of milliseconds, checked
 * by one rule for both: positive, or zero too where Spark takes zero (`allowZero`: a watermark
 * delay). An error names the path.
 */
export function duration(
  ctx: Ctx,
  text: unknown,
  path: IssuePath,
  rule: DurationRule = {},
): number {
  const supported = `${rule.allowZero ? 'zero or a positive' : 'a positive'} interval of at most 365 days, e.g. '5 seconds', '10 minutes', '1 hour', '5s'`;
  if (typeof text !== 'string' && typeof text !== 'number')
    ctx.fail(
      path,
      `expected a duration such as '10 seconds', found ${describeValue(text)}`,
      supported,
    );
  const r = typeof text === 'number' ? tryDurationMs(text, rule) : tryParseDuration(text, rule);
  if ('error' in r) ctx.fail(path, `invalid duration: ${r.error}`, supported);
  return r.ms;
}

/** A config value as a message shows it: `the number 5`, `an array`, `null`. */
export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return typeof v;
}

/** A step-list trigger: `'5 seconds'`, `'processingTime=5 seconds'`, `'once'` (and `availableNow`, `continuous`). */
export function stringTrigger(ctx: Ctx, text: string, path: IssuePath): Trigger {
  const t = text.trim();
  const word = t.toLowerCase().replace(/[\s_-]/g, '');
  if (word === 'once') return { type: 'once' };
  if (word === 'availablenow') return { type: 'availableNow' };
  if (word === 'continuous') return { type: 'continuous' };
  const interval = t.replace(/^processing\s*time\s*=\s*/i, '');
  if (interval === t && /=/.test(t))
    ctx.fail(
      path,
      `unknown trigger '${text}'`,
      "'5 seconds', 'processingTime=5 seconds', 'once', 'availableNow', 'continuous'",
    );
  return { type: 'processingTime', interval: duration(ctx, interval, path) };
}

/** Kafka offsets: `earliest`, `latest` or Spark's JSON form `{"topic":{"0":23}}`. */
export function kafkaOffsets(
  ctx: Ctx,
  value: unknown,
  path: IssuePath,
): 'earliest' | 'latest' | Record<string, Record<string, number>> {
  if (value === 'earliest' || value === 'latest') return value;
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      ctx.fail(
        path,
        `invalid offsets '${value}'`,
        `'earliest', 'latest' or JSON such as {"topic":{"0":23}}`,
      );
    }
  }
  const r = z.record(z.string(), z.record(z.string(), z.number().int())).safeParse(parsed);
  if (!r.success)
    ctx.fail(
      path,
      `invalid offsets ${JSON.stringify(value)}`,
      `'earliest', 'latest' or JSON such as {"topic":{"0":23}}`,
    );
  return r.data;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
