import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { count, deadLetter, pipeline, sinks, source, tumbling } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ConnectorRegistry,
  compilePlan,
  connectorTypes,
  defaultConnectors,
  loadConnectorPackages,
} from '../src/index.js';

const Event = z.object({ user: z.string(), ts: z.coerce.date() });

/** A streaming window whose late rows go to the pipeline's late policy (no policy of its own). */
function lateToDelta() {
  const windows = source
    .file({ path: '/tmp/in', format: 'jsonl', watch: true, schema: Event })
    .watermark('ts', '1 minute')
    .window(tumbling('1 minute'))
    .groupBy('user')
    .aggregate({ n: count() })
    .sink.memory({ name: 'out' });
  return pipeline('late-dlq', [windows], {
    late: deadLetter(sinks.delta({ path: '/tmp/late' })),
  });
}

describe('connector packages of dead-letter sinks', () => {
  it('a pipeline-level late: deadLetter(...) sink counts as a sink type the plan needs', async () => {
    const p = lateToDelta();
    expect([...connectorTypes(p.plan).sinks]).toContain('delta');
    const asked: string[] = [];
    const registry = defaultConnectors();
    await loadConnectorPackages(p.plan, registry, async (pkg) => {
      asked.push(pkg);
      // What @pipekit/delta does: registers its sink.
      return {
        registerConnectors: (r: ConnectorRegistry) =>
          r.registerSink('delta', () => ({ writeBatch: () => {}, close: () => {} })),
      };
    });
    expect(asked).toEqual(['@pipekit/delta']);
  });

  it('compilePlan names the package of a pipeline-level late dead-letter sink', () => {
    expect(() => compilePlan(lateToDelta(), defaultConnectors())).toThrow(
      /policies\.late\.sink: no connector for sink type 'delta' \(install @pipekit\/delta/,
    );
  });
});

describe('a package that is installed but misses a module of its own', () => {
  /** A real package in a temporary node_modules whose entry imports a module that is not there. */
  function brokenPackage(): (pkg: string) => Promise<unknown> {
    const dir = mkdtempSync(join(tmpdir(), 'pipekit-load-'));
    const pkgDir = join(dir, 'node_modules', '@pipekit', 'kafka');
    mkdirSync(pkgDir, { recursive: true });
    writeFileSync(
      join(pkgDir, 'package.json'),
      JSON.stringify({ name: '@pipekit/kafka', type: 'module', exports: './index.js' }),
    );
    writeFileSync(join(pkgDir, 'index.js'), "export * from 'kafkajs-not-installed-here';\n");
    writeFileSync(join(dir, 'importer.mjs'), 'export default (p) => import(p);\n');
    return async (pkg) => {
      const mod = (await import(pathToFileURL(join(dir, 'importer.mjs')).href)) as {
        default: (p: string) => Promise<unknown>;
      };
      return mod.default(pkg);
    };
  }

  it('shows the module that is really missing, not "install @pipekit/kafka"', async () => {
    const plan = source.kafka({ brokers: ['b:9092'], topic: 't' }).sink.console().plan;
    const err = await loadConnectorPackages(plan, new ConnectorRegistry(), brokenPackage()).catch(
      (e: unknown) => e as Error,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('kafkajs-not-installed-here');
    expect((err as Error).message).not.toMatch(/install it \(npm install/);
  });

  it('a package that is not installed at all still says what to install', async () => {
    // Node's own error for a package that is not there (vitest's resolver caches packages, so
    // the import runs in a plain node process in an empty directory).
    const dir = mkdtempSync(join(tmpdir(), 'pipekit-load-'));
    const out = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import('@pipekit/kafka').catch((e) => { console.log(JSON.stringify({ code: e.code, message: e.message })); });",
      ],
      { cwd: dir, encoding: 'utf8' },
    );
    const real = JSON.parse(out.stdout) as { code: string; message: string };
    expect(real.code).toBe('ERR_MODULE_NOT_FOUND');
    const plan = source.kafka({ brokers: ['b:9092'], topic: 't' }).sink.console().plan;
    await expect(
      loadConnectorPackages(plan, new ConnectorRegistry(), () =>
        Promise.reject(Object.assign(new Error(real.message), { code: real.code })),
      ),
    ).rejects.toThrow(/install it \(npm install @pipekit\/kafka\)/);
  });
});
