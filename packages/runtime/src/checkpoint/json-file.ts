import { readFile } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { z } from 'zod';
import type { JsonValue } from '../row.js';
import { type AtomicWriteSteps, writeFileAtomic } from './atomic-write.js';
import { damagedCheckpointFile } from './errors.js';

/** Any JSON value, typed as the runtime's (read-only) `JsonValue`: offsets and state. */
export const jsonValueSchema: z.ZodType<JsonValue> = z.json();

/**
 * A checkpoint file is one line of JSON and a line `crc32:<8 hex digits>` of that JSON's UTF-8
 * bytes, so a truncated or bit-flipped file is refused instead of resuming from wrong offsets or
 * state (JSON alone lets most flips through: a digit of an offset is still a number). Files of
 * earlier versions, the JSON line alone, are read without the check.
 */
const checksumLine = /^crc32:([0-9a-f]{8})$/;

function checksumOf(json: string): string {
  return crc32(Buffer.from(json, 'utf8')).toString(16).padStart(8, '0');
}

/** The JSON text of a checkpoint file, its checksum verified; a damaged-file error when it fails. */
function verifiedJson(path: string, text: string): string {
  const lines = text.split('\n');
  const [json = '', second, ...rest] = lines;
  // Without a checksum line: an earlier version's file, `json` or `json\n`.
  if (second === undefined || (second === '' && rest.length === 0)) return json;
  const match = checksumLine.exec(second);
  if (match === null || rest.length > 1 || (rest.length === 1 && rest[0] !== ''))
    throw damagedCheckpointFile(path, [
      { path: [], message: 'the file does not end in its checksum line (crc32:<hex>)' },
    ]);
  const actual = checksumOf(json);
  if (match[1] !== actual)
    throw damagedCheckpointFile(path, [
      {
        path: [],
        message: `checksum mismatch: the file says crc32 ${match[1]}, its content has ${actual} (the file was changed or partly written)`,
      },
    ]);
  return json;
}

/** Reads a checkpoint file; null when it does not exist. Bad checksum, JSON or schema: a damaged-file error. */
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
  const body = verifiedJson(path, text);
  let json: unknown;
  try {
    json = JSON.parse(body);
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

/** Writes a checkpoint file atomically: one line of JSON and its checksum line. */
export function writeJsonFile(
  path: string,
  value: unknown,
  steps?: AtomicWriteSteps,
): Promise<void> {
  const json = JSON.stringify(value);
  return writeFileAtomic(path, `${json}\ncrc32:${checksumOf(json)}\n`, steps);
}
