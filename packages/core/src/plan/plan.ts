import { z } from 'zod';
import { planNodeSchema } from './plan-node.js';
import { policiesSchema } from './policy.js';

/** The plan format's version; a plan of another version is refused when read. */
export const planVersion = 1;

/**
 * A pipeline as plain JSON: nodes in dependency order (every input comes before its readers), the
 * pipeline-wide policies, and the names of the JavaScript functions it needs at run time.
 */
export const planSchema = z.strictObject({
  version: z.literal(planVersion),
  name: z.string().min(1),
  nodes: z.array(planNodeSchema).min(1),
  policies: policiesSchema,
});

export type Plan = z.output<typeof planSchema>;
