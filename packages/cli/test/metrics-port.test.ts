import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliDir, startPipe } from './pipe-process.js';

const out = mkdtempSync(join(tmpdir(), 'pipekit-metrics-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('pipe run --metrics-port', () => {
  it('serves the running query’s metrics, fed by its progress', async () => {
    const { child, done } = startPipe(
      ['run', join(cliDir, 'test', 'fixtures', 'ticking.pipeline.ts'), '--metrics-port', '0'],
      { env: { OUT_DIR: out } },
    );
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += String(d)));
    let text = '';
    try {
      const deadline = Date.now() + 30_000;
      for (let i = 0; i < 150 && Date.now() < deadline; i++) {
        const url = /metrics: (http:\/\/\S+)/.exec(stderr)?.[1];
        if (url) {
          text = await (await fetch(url)).text();
          if (/pipekit_query_batches_total\{[^}]*\} [1-9]/.test(text)) break;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    } finally {
      child.kill('SIGTERM');
      await done;
    }
    expect(text).toMatch(/pipekit_query_batches_total\{pipeline="ticking",query="[^"]+"\} [1-9]/);
    expect(text).toMatch(/pipekit_source_input_rows_per_second\{/);
  }, 60_000);
});
