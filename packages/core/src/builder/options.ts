import type { z } from 'zod';
import { parseOrThrow } from '../errors/zod-issues.js';

/**
 * Validates a builder call's options with their zod schema; a wrong option is an error naming it
 * (`source.kafka(...): brokers: expected array`).
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: string,
): z.output<S> {
  return parseOrThrow(schema, input, where);
}
