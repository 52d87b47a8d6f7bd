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
import { Code, callEmit } from './code.js';
import { call, str } from './emit.js';

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
  return new Code(callEmit(`sinks.${spec.type}`, [sinkOptions(spec)]), ['sinks']);
}

export function policyValue(p: Policy): unknown {
  if (p.type === 'deadLetter') {
    const sink = sinkValue(p.sink);
    return new Code(call('deadLetter', [sink.emit]), ['deadLetter', ...sink.imports]);
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
      return new Code(call('every', [str(formatDuration(t.interval))]), ['every']);
    case 'once':
      return new Code(call('once', []), ['once']);
    case 'availableNow':
      return new Code(call('availableNow', []), ['availableNow']);
    case 'continuous':
      return new Code(
        call(
          'continuous',
          t.checkpointInterval === undefined ? [] : [str(formatDuration(t.checkpointInterval))],
        ),
        ['continuous'],
      );
  }
}
