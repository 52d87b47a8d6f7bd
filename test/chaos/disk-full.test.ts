import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { source } from '@pipekit/core';
import { type QueryProgress, runPipeline } from '@pipekit/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { z } from 'zod';

// Disk full under the checkpoint: a real small tmpfs (mount needs root, as in CI and the dev
// container; elsewhere the test says why it is skipped). The query stops with a clear error when
// a checkpoint write finds no space, and once space is freed it resumes with nothing lost.

const work = mkdtempSync(join(tmpdir(), 'pipekit-disk-full-'));
const mountDir = join(work, 'small-disk');
mkdirSync(mountDir);
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountDir], { stdio: 'ignore' });
  mounted = true;
} catch {
  // not root, or no mount in this sandbox
}
afterAll(() => {
  if (mounted) execFileSync('umount', [mountDir]);
  rmSync(work, { recursive: true, force: true });
});

const files = 12;
const perFile = 40;
const input = join(work, 'in');
mkdirSync(input);
for (let f = 0; f < files; f++)
  writeFileSync(
    join(input, `part-${String(f).padStart(3, '0')}.jsonl`),
    Array.from(
      { length: perFile },
      (_, i) => `${JSON.stringify({ id: f * perFile + i, pad: 'x'.repeat(200) })}\n`,
    ).join(''),
  );

const pipeline = () =>
  source
    .file({
      path: input,
      format: 'jsonl',
      maxFilesPerTrigger: 1,
      schema: z.object({ id: z.int(), pad: z.string() }),
    })
    .sink.file({
      path: join(work, 'out'),
      format: 'jsonl',
      checkpoint: join(mountDir, 'ck'),
      queryName: 'disk-full',
    });

function outputIds(): number[] {
  const dir = join(work, 'out');
  return readdirSync(dir)
    .filter((f) => f.startsWith('part-'))
    .flatMap((f) =>
      readFileSync(join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => (JSON.parse(l) as { id: number }).id),
    )
    .sort((a, b) => a - b);
}

/** Fills the small disk: a filler file grown until the file system refuses. */
function fill(): string {
  const filler = join(mountDir, 'filler');
  const chunk = Buffer.alloc(4096, 1);
  for (let i = 0; i < 1_000; i++) {
    try {
      writeFileSync(filler, chunk, { flag: 'a' });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOSPC') return filler;
      throw e;
    }
  }
  throw new Error('the small disk never filled up');
}

describe('a full disk under the checkpoint', () => {
  it.skipIf(!mounted)(
    'stops the query with a clear error; after space is freed it resumes, nothing lost',
    async () => {
      // 1. Three batches, then the disk fills up.
      let filler = '';
      let batches = 0;
      const first = runPipeline(pipeline(), {
        metrics: [
          {
            onProgress: (_p: QueryProgress) => {
              if (++batches === 3) filler = fill();
            },
          },
        ],
      });
      const error = await first.result.then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(error, 'the query should stop when the checkpoint cannot be written').not.toBeNull();
      expect(error!.message).toMatch(/no space left on the device/);
      expect(error!.message).toContain(join(mountDir, 'ck'));
      expect(batches).toBeLessThan(files);

      // 2. Space freed: the restarted query finishes, every input row in the output once.
      rmSync(filler);
      const second = runPipeline(pipeline());
      expect((await second.result).queries[0]?.stoppedBy).toBe('completed');
      expect(outputIds()).toEqual(Array.from({ length: files * perFile }, (_, i) => i));
    },
  );
});
