import { z } from 'zod';
import { type SinkSpec, sinkSpecSchema } from './sinks/sink-spec.js';

/**
 * What happens to a late row or a bad record. Nothing is dropped silently: `drop` still counts the
 * row in metrics, `log` also logs it (rate-limited), `deadLetter` writes it with its reason to a
 * sink, `sideOutput` makes it a stream of its own (`lateRows()` / `badRecords()`).
 */
export type Policy =
  | { readonly type: 'drop' }
  | { readonly type: 'log' }
  | { readonly type: 'deadLetter'; readonly sink: SinkSpec }
  | { readonly type: 'sideOutput' }
  | { readonly type: 'fail' };

export const policySchema: z.ZodType<Policy> = z.lazy(() =>
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('drop') }),
    z.strictObject({ type: z.literal('log') }),
    z.strictObject({ type: z.literal('deadLetter'), sink: sinkSpecSchema }),
    z.strictObject({ type: z.literal('sideOutput') }),
    z.strictObject({ type: z.literal('fail') }),
  ]),
);

export interface Policies {
  readonly late: Policy;
  readonly badRecords: Policy;
}

/** The defaults, stated in the docs and in `explain`: log (rate-limited), count, and go on. */
export const defaultPolicies: Policies = Object.freeze({
  late: Object.freeze({ type: 'log' }),
  badRecords: Object.freeze({ type: 'log' }),
});

export const policiesSchema = z.strictObject({ late: policySchema, badRecords: policySchema });

/** `'drop' | 'log' | 'sideOutput' | 'fail'` or a full policy object. */
export type PolicyInput = 'drop' | 'log' | 'sideOutput' | 'fail' | Policy;

/** A policy as the plan holds it, from its short form: `'drop'` → `{ type: 'drop' }`. */
export function toPolicy(input: PolicyInput): Policy {
  return typeof input === 'string' ? Object.freeze({ type: input }) : input;
}

/** Rows that cannot go on are written, with their reason, to this sink. */
export function deadLetter(sink: SinkSpec): Policy {
  return Object.freeze({ type: 'deadLetter', sink });
}
