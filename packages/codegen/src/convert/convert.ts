import type { Plan } from '@pipekit/core';
import { convertEtl } from '../dialects/etl.js';
import { convertNodes } from '../dialects/nodes.js';
import { convertSteps } from '../dialects/steps.js';
import type { ConvertWarning } from '../errors.js';
import { detectDialect, readConfig } from '../read-config.js';
import { type Annotations, buildPlan } from './build.js';
import { Ctx } from './context.js';
import type { Dialect } from './ir.js';

/** A legacy config converted: the plan, what the printer needs besides it, and what the user must know. */
export interface Conversion {
  readonly file: string;
  readonly dialect: Dialect;
  readonly plan: Plan;
  readonly annotations: Annotations;
  readonly warnings: readonly ConvertWarning[];
}

export interface ConvertOptions {
  /** Force a dialect instead of detecting it. */
  readonly dialect?: Dialect;
}

/**
 * Stage one: a legacy config's text to a `Plan`, by calling the same builders the generated code
 * calls. Throws `ConvertError` naming the file and JSON path when the config cannot be converted.
 */
export function convertConfig(
  file: string,
  text: string,
  options: ConvertOptions = {},
): Conversion {
  const data = readConfig(file, text);
  const dialect = options.dialect ?? detectDialect(file, data);
  const ctx = new Ctx(file);
  const base =
    file
      .split(/[\\/]/)
      .pop()
      ?.replace(/\.(json|ya?ml)$/i, '') ?? 'pipeline';
  const flow =
    dialect === 'steps'
      ? convertSteps(ctx, data)
      : dialect === 'etl'
        ? convertEtl(ctx, data)
        : convertNodes(ctx, data, base);
  const { plan, annotations } = buildPlan(ctx, flow);
  return { file, dialect, plan, annotations, warnings: ctx.warnings };
}
