import { mkdir } from 'node:fs/promises';
import { z } from 'zod';
import type { Offset } from '../connector.js';
import type { AtomicWriteSteps } from './atomic-write.js';
import { jsonValueSchema, readJsonFile, writeJsonFile } from './json-file.js';
import { type CheckpointLayout, checkpointVersion } from './layout.js';

/**
 * `sources/<sourceId>.json`: where a source started when the query first ran (Spark's
 * `sources/<n>/0`). A start that depends on the moment (Kafka's `latest`, Kinesis' `LATEST`) is
 * fixed once: a query that stops before its first batch starts again from there, and does not
 * skip what arrived while it was down.
 */
const startingOffsetSchema = z.strictObject({
  version: z.literal(checkpointVersion),
  source: z.string(),
  offset: jsonValueSchema,
});

export class StartingOffsets {
  constructor(
    private readonly layout: CheckpointLayout,
    private readonly steps?: AtomicWriteSteps,
  ) {}

  /** The recorded starting offsets of these sources (a source never recorded is left out). */
  async read(sources: readonly string[]): Promise<Map<string, Offset>> {
    const found = new Map<string, Offset>();
    for (const source of sources) {
      const entry = await readJsonFile(this.layout.sourceFile(source), startingOffsetSchema);
      if (entry !== null) found.set(source, entry.offset as Offset);
    }
    return found;
  }

  /** Records sources' starting offsets; the first record of a source stays. */
  async write(offsets: ReadonlyMap<string, Offset>): Promise<void> {
    const known = await this.read([...offsets.keys()]);
    if (known.size < offsets.size) await mkdir(this.layout.sourcesDir, { recursive: true });
    for (const [source, offset] of offsets)
      if (!known.has(source))
        await writeJsonFile(
          this.layout.sourceFile(source),
          { version: checkpointVersion, source, offset },
          this.steps,
        );
  }
}
