import { PipekitError } from '../errors/pipekit-error.js';
import type { Plan } from '../plan/plan.js';
import { defaultPolicies, type Policies, type PolicyInput, toPolicy } from '../plan/policy.js';
import { validatePlan } from '../plan/validate-plan.js';
import { finalize } from './finalize.js';
import type { BuilderNode, Udf } from './graph.js';
import type { Pipeline } from './stream-types.js';

/**
 * The name of a pipeline nobody named (a stream's `.sink.xxx(...)` without `queryName`). `pipe run`
 * gives such a pipeline its file's name instead: `revenue.pipeline.ts` runs as `revenue`.
 */
export const defaultPipelineName = 'pipeline';

/** A finished pipeline; its plan is built and validated when it is created, so errors show at once. */
export class PipelineImpl implements Pipeline {
  readonly plan: Plan;
  readonly udfs: ReadonlyMap<string, Udf>;

  constructor(
    readonly name: string,
    readonly sinkNodes: readonly BuilderNode[],
    policies: Policies = defaultPolicies,
  ) {
    const { plan, udfs } = finalize(name, sinkNodes, policies);
    const issues = validatePlan(plan);
    if (issues.length > 0) throw new PipekitError(`pipeline '${name}' is not valid`, issues);
    this.plan = deepFreeze(plan);
    this.udfs = udfs;
  }
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

export interface PipelineOptions {
  /** Pipeline-wide policy for late rows; steps may override it. Default: log (rate-limited) and count. */
  readonly late?: PolicyInput;
  /** Pipeline-wide policy for records that cannot be read or processed. Default: log and count. */
  readonly badRecords?: PolicyInput;
}

/**
 * Several queries as one pipeline (fan-out): the streams they share are read once.
 *
 * ```ts
 * const clicks = source.generate({ limit: 1000 });
 * export default pipeline('clicks', [clicks.sink.console(), clicks.sink.memory({ name: 'all' })]);
 * ```
 */
export function pipeline(
  name: string,
  outputs: readonly Pipeline[],
  options: PipelineOptions = {},
): Pipeline {
  if (outputs.length === 0) throw new PipekitError(`pipeline '${name}' has no sinks`);
  const policies: Policies = {
    late: options.late === undefined ? defaultPolicies.late : toPolicy(options.late),
    badRecords:
      options.badRecords === undefined ? defaultPolicies.badRecords : toPolicy(options.badRecords),
  };
  return new PipelineImpl(
    name,
    outputs.flatMap((o) => o.sinkNodes),
    policies,
  );
}
