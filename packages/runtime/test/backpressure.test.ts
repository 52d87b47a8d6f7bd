import { gen, source } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { GenerateReader } from '../src/connectors/generate-source.js';
import { ConnectorRegistry, registerBuiltins, runPipeline } from '../src/index.js';

describe('backpressure', () => {
  it('a slow sink slows the source: buffered rows stay within one batch', async () => {
    const batchSize = 500;
    let read = 0;
    let written = 0;
    let maxAhead = 0;
    const registry = registerBuiltins(new ConnectorRegistry())
      .registerSource('generate', (spec, ctx) => {
        const inner = new GenerateReader(spec, ctx);
        return Object.assign(Object.create(inner) as GenerateReader, {
          readBatch: (start: number, end: number) => {
            const r = inner.readBatch(start, end);
            read += r.rows.length;
            return r;
          },
        });
      })
      .registerSink('memory', () => ({
        writeBatch: async (b) => {
          maxAhead = Math.max(maxAhead, read - written);
          // Slow: many event-loop turns per batch, while an eager source could run ahead.
          for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
          written += b.rows.length;
        },
        close: () => {},
      }));
    const p = source
      .generate({
        seed: 3,
        limit: 20_000,
        batchSize,
        columns: { n: gen.sequence(), k: gen.key('k', 10) },
      })
      .filter((r) => r.n.gte(0))
      .sink.memory({ name: 'slow' });
    const result = await runPipeline(p, { connectors: registry }).result;
    expect(written).toBe(20_000);
    expect(result.queries[0]!.batches).toBe(40);
    expect(maxAhead).toBe(batchSize);
    expect(result.maxBufferedRows).toBe(batchSize);
  });
});
