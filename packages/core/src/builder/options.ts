import type { z } from 'zod';
import { PipekitError } from '../errors/pipekit-error.js';

/**
 * Validates a builder call's options with their zod schema; a wrong option is an error naming it
 * (`source.kafka(...): brokers: expected array`).
 */
export function parseOptions<S extends z.ZodType>(
  schema: S,
  input: unknown,
  where: string,
): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  throw new PipekitError(
    `${where} has invalid options`,
    r.error.issues.map((i) => ({
      path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
      message:
        i.code === 'unrecognized_keys'
          ? `unknown option ${i.keys.map((k) => `'${k}'`).join(', ')}`
          : i.message,
    })),
  );
}
