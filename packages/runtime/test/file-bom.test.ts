import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { source } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runPipeline } from '../src/index.js';

const Row = z.object({ id: z.int(), name: z.string() });
const bom = '\uFEFF';

describe('files that start with a UTF-8 byte order mark', () => {
  it.each([
    ['csv', 'a.csv', `${bom}id,name\n1,x\n2,y\n`],
    ['jsonl', 'a.jsonl', `${bom}{"id":1,"name":"x"}\n{"id":2,"name":"y"}\n`],
  ] as const)(
    '%s: the mark is not part of the first column or record',
    async (format, file, text) => {
      const dir = mkdtempSync(join(tmpdir(), 'pipekit-bom-'));
      mkdirSync(join(dir, 'in'));
      writeFileSync(join(dir, 'in', file), text);
      const run = runPipeline(
        source
          .file({ path: join(dir, 'in'), format, schema: Row, badRecords: 'drop' })
          .sink.memory({ name: 'out' }),
      );
      const result = await run.result;
      expect(result.badRecords).toBe(0);
      expect(run.memory.get('out')).toEqual([
        { id: 1, name: 'x' },
        { id: 2, name: 'y' },
      ]);
    },
  );
});
