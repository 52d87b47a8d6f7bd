import { PipekitError } from '../errors/pipekit-error.js';
import { issuesOfZod } from '../errors/zod-issues.js';
import { type Plan, planSchema } from './plan.js';
import { validatePlan } from './validate-plan.js';

/**
 * A plan from any JSON source (a file, a network message, a test), checked for shape and meaning.
 * Errors carry the path of each problem: `nodes[2].window.size: ... must be positive`.
 */
export function parsePlan(json: unknown, source?: string): Plan {
  const data = typeof json === 'string' ? parseJson(json, source) : json;
  const r = planSchema.safeParse(data);
  if (!r.success) {
    throw new PipekitError('this is not a valid plan', issuesOfZod(r.error, 'key'), source);
  }
  const issues = validatePlan(r.data);
  if (issues.length > 0) throw new PipekitError('this plan is not valid', issues, source);
  return r.data;
}

function parseJson(text: string, source?: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PipekitError(`this is not JSON: ${(e as Error).message}`, [], source);
  }
}
