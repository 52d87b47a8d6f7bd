import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { JsonValue } from '../row.js';
import { type AtomicWriteSteps, writeFileAtomic } from './atomic-write.js';
import { damagedCheckpointFile } from './errors.js';

/** Any JSON value, typed as the runtime's (read-only) `JsonValue`: offsets and state. */
export const jsonValueSchema: z.ZodType<JsonValue> = z.json();

/** Reads a checkpoint file; null when it does not exist. Bad JSON or schema: a damaged-file error. */
export async function readJsonFile<S extends z.ZodType>(
  path: string,
  schema: S,
): Promise<z.output<S> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw damagedCheckpointFile(path, [
      {
        path: [],
        message: `not JSON (${text.length === 0 ? 'the file is empty' : (e as Error).message})`,
      },
    ]);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success)
    throw damagedCheckpointFile(
      path,
      parsed.error.issues.map((i) => ({
        path: i.path.filter((p): p is string | number => typeof p !== 'symbol'),
        message: i.message,
      })),
    );
  return parsed.data;
}

/** Writes a checkpoint file atomically, as one line of JSON. */
export function writeJsonFile(
  path: string,
  value: unknown,
  steps?: AtomicWriteSteps,
): Promise<void> {
  return writeFileAtomic(path, `${JSON.stringify(value)}\n`, steps);
}
