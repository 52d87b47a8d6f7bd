import { isDeepStrictEqual } from 'node:util';
import { type OutputMode, type PlanNodeOf, sinkOutputModes } from '@pipekit/core';
import type { Annotations } from '../convert/build.js';
import { callEmit, importsOf, valueEmit } from './code.js';
import { dotted, type Emit, method, token } from './emit.js';
import type { PlanFacts } from './plan-facts.js';
import { sinkOptions, sinkValue, triggerValue } from './specs.js';

/**
 * `.sink.delta({ ... })` with the query options the config stated or that differ from the
 * defaults; `.to(sinks.x(...), { ... })` where the typed stage does not offer the output mode.
 */
export function sinkCall(
  facts: PlanFacts,
  annotations: Annotations,
  imports: Set<string>,
  n: PlanNodeOf<'sink'>,
): Emit {
  const explicit = annotations.sinks.get(n.id)?.explicit ?? [];
  const bounded = facts.bounded(n.input);
  const defaultTrigger = bounded ? 'availableNow' : 'continuous';
  const modes = sinkOutputModes[n.sink.type] as readonly OutputMode[];
  const defaultMode: OutputMode =
    bounded || facts.runtimeKind(n.input) !== 'aggregated'
      ? 'append'
      : modes.includes('complete')
        ? 'complete'
        : 'update';
  const kind = facts.streamKind(n.input);
  const typedModes: readonly OutputMode[] =
    kind === 'rows'
      ? ['append', 'update']
      : kind === 'aggregated'
        ? ['update', 'complete']
        : ['append', 'update', 'complete'];
  const allowed = typedModes.includes(n.outputMode) && modes.includes(n.outputMode);
  const query: Record<string, unknown> = {};
  if (
    n.trigger.type !== defaultTrigger ||
    !isDeepStrictEqual(n.trigger, { type: defaultTrigger }) ||
    explicit.includes('trigger')
  )
    query.trigger = triggerValue(n.trigger);
  const showMode = n.outputMode !== defaultMode || (explicit.includes('outputMode') && allowed);
  if (showMode) query.outputMode = n.outputMode;
  if (n.checkpoint !== undefined) query.checkpoint = n.checkpoint;
  if (n.queryName !== undefined) query.queryName = n.queryName;
  importsOf(query, imports);
  if (showMode && !allowed) {
    const sink = sinkValue(n.sink);
    for (const i of sink.imports) imports.add(i);
    const args = Object.keys(query).length === 0 ? [sink] : [sink, query];
    return dotted(callEmit('to', args));
  }
  const options = { ...sinkOptions(n.sink), ...query };
  importsOf(options, imports);
  const args = Object.keys(options).length === 0 ? [] : [options];
  return dotted(method(token('sink'), n.sink.type, args.map(valueEmit)));
}
