import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipelines, pipelineNameOf } from '../src/load-pipeline.js';
import { cliDir } from './pipe-process.js';

const fixture = (name: string) => join(cliDir, 'test', 'fixtures', name);

describe('pipeline names', () => {
  it('a file name without its .pipeline.ts (or .ts, .js) ending', () => {
    expect(pipelineNameOf('jobs/revenue.pipeline.ts')).toBe('revenue');
    expect(pipelineNameOf('etl.ts')).toBe('etl');
    expect(pipelineNameOf('/x/clicks.pipeline.mjs')).toBe('clicks');
  });

  it('an unnamed pipeline takes its file name; named ones and a sink queryName keep theirs', async () => {
    const behind = await loadPipelines(fixture('behind.pipeline.ts'));
    expect(behind.pipelines.map((p) => p.plan.name)).toEqual(['behind']);
    // The node keeps its .as() name in the plan.
    expect(behind.pipelines[0]!.plan.nodes[0]).toMatchObject({ id: 'generate_1', name: 'clicks' });
    const named = await loadPipelines(fixture('small.pipeline.ts'));
    expect(named.pipelines.map((p) => p.plan.name)).toEqual(['small', 'copy']);
    const kept = await loadPipelines(fixture('kept-default-name.pipeline.ts'));
    expect(kept.pipelines.map((p) => p.plan.name)).toEqual(['pipeline']);
  });
});
