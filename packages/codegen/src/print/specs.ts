import { isDeepStrictEqual } from 'node:util';
import {
  formatDuration,
  type OnFailure,
  type Policy,
  type SinkSpec,
  type SourceSpec,
  sinkSpecSchema,
  sourceSpecSchema,
  type Trigger,
} from '@pipekit/core';
import type { z } from 'zod';
import { Code, valueCode } from './code.js';

/**
 * The options a person would write: those equal to their default are left out. A key is a default
 * when the spec without it parses back to the same spec.
 */
export function withoutDefaults(
  schema: z.ZodType,
  spec: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...spec };
  for (const key of Object.keys(spec)) {
    if (key === 'type') continue;
    const { [key]: _dropped, ...rest } = out;
    const r = schema.safeParse(rest);
    if (r.success && isDeepStrictEqual(r.data, spec)) delete out[key];
  }
  const { type: _type, ...options } = out;
  return options;
}

export function sourceOptions(spec: SourceSpec): Record<string, unknown> {
  return withoutDefaults(sourceSpecSchema, spec);
}

export function sinkOptions(spec: SinkSpec): Record<string, unknown> {
  return withoutDefaults(sinkSpecSchema, spec);
}

/** `sinks.kafka({ ... })`, for dead-letter policies. */
export function sinkValue(spec: SinkSpec): Code {
  return new Code(
    (indent) => `sinks.${spec.type}(${valueCode(sinkOptions(spec), indent, 7 + spec.type.length)})`,
    ['sinks'],
  );
}

export function policyValue(p: Policy): unknown {
  if (p.type === 'deadLetter') {
    const sink = sinkValue(p.sink);
    return new Code((indent) => `deadLetter(${sink.at(indent)})`, ['deadLetter', ...sink.imports]);
  }
  return p.type;
}

/** An expectation's failure mode as the DSL writes it: `'drop'`, or `deadLetter(sinks.kafka(...))`. */
export function onFailureValue(f: OnFailure): unknown {
  return f.type === 'deadLetter' ? policyValue(f) : f.type;
}

export function durationValue(ms: number): string {
  return formatDuration(ms);
}

export function triggerValue(t: Trigger): Code {
  switch (t.type) {
    case 'processingTime':
      return new Code(`every('${formatDuration(t.interval)}')`, ['every']);
    case 'once':
      return new Code('once()', ['once']);
    case 'availableNow':
      return new Code('availableNow()', ['availableNow']);
    case 'continuous':
      return new Code(
        t.checkpointInterval === undefined
          ? 'continuous()'
          : `continuous('${formatDuration(t.checkpointInterval)}')`,
        ['continuous'],
      );
  }
}
