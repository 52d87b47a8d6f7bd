/**
 * pipekit installed the way a user installs it: every package packed with `npm pack` (its
 * prepack builds it), a new project outside the monorepo made by the packed create-pipekit, the
 * tarballs installed there with npm (third-party packages from npm's cache), and then what a user
 * does: run pipelines to Parquet and Delta, explain one as SVG, convert a legacy config and
 * type-check the result, complete column names in an editor, run the project's own tests.
 */
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { currentTarget } from '../../native/delta/platform.js';
import { ok, run } from './npm-process.js';

const repo = fileURLToPath(new URL('../..', import.meta.url));
const minute = 60_000;

/** What the packages ship, in the order they are packed (the addon before its platform package). */
const packageDirs = [
  ...readdirSync(join(repo, 'packages')).map((p) => `packages/${p}`),
  'native/delta',
  `native/delta/npm/${currentTarget()}`,
];

interface Packed {
  readonly name: string;
  readonly filename: string;
  readonly files: readonly string[];
  readonly manifest: Record<string, unknown>;
}

const scratch = mkdtempSync(join(tmpdir(), 'pipekit-user-'));
const packs = join(scratch, 'packs');
const app = join(scratch, 'app');
const packed = new Map<string, Packed>();
const tarballs = (...names: string[]) => names.map((n) => join(packs, packed.get(n)!.filename));

async function pack(dir: string): Promise<Packed> {
  const r = await ok(
    'npm',
    ['pack', '--json', '--pack-destination', packs],
    join(repo, dir),
    10 * minute,
  );
  const json = r.stdout.slice(r.stdout.indexOf('\n[') + 1 || r.stdout.indexOf('['));
  const [report] = JSON.parse(json) as {
    name: string;
    filename: string;
    files: { path: string }[];
  }[];
  const files = report!.files.map((f) => f.path);
  const { execFileSync } = await import('node:child_process');
  const manifest = JSON.parse(
    execFileSync('tar', ['-xzOf', join(packs, report!.filename), 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  return { name: report!.name, filename: report!.filename, files, manifest };
}

/** Every file an `exports` map (or `main`/`bin`) points at. */
function exportTargets(m: Record<string, unknown>): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v.replace(/^\.\//, ''));
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk(m.exports);
  walk(m.main);
  walk(m.bin);
  return out;
}

beforeAll(async () => {
  mkdirSync(packs);
  for (const dir of packageDirs) {
    const p = await pack(dir);
    packed.set(p.name, p);
  }
}, 40 * minute);

// The project holds a full node_modules: removing it takes a while on a loaded machine.
afterAll(() => rmSync(scratch, { recursive: true, force: true }), 5 * minute);

describe('the packed packages', () => {
  it('ship what they run and nothing from src/: exports point at files in the tarball', () => {
    for (const p of packed.values()) {
      expect(
        p.files.filter((f) => f.startsWith('src/')),
        p.name,
      ).toEqual([]);
      expect(JSON.stringify(p.manifest.exports ?? {}), p.name).not.toContain('@pipekit/source');
      for (const target of exportTargets(p.manifest))
        expect(p.files, `${p.name}: ${target}`).toContain(target);
      expect(p.files, p.name).toEqual(
        expect.arrayContaining(['README.md', 'LICENSE', 'package.json']),
      );
      expect(p.manifest.publishConfig, p.name).toEqual({ access: 'public' });
    }
  });

  it('the addon comes in its per-platform package, an optional dependency of @pipekit/delta-native', () => {
    const native = packed.get('@pipekit/delta-native')!;
    const platform = `@pipekit/delta-native-${currentTarget()}`;
    expect(native.manifest.optionalDependencies).toEqual({ [platform]: native.manifest.version });
    expect(native.files.filter((f) => f.endsWith('.node'))).toEqual([]);
    expect(packed.get(platform)!.files).toContain(`pipekit-delta.${currentTarget()}.node`);
  });

  it('connectors peer-depend on @pipekit/core and @pipekit/runtime; the CLI does not need Delta', () => {
    for (const c of ['kafka', 'postgres', 'delta', 'kinesis', 'spark', 'testing']) {
      const m = packed.get(`@pipekit/${c}`)!.manifest as {
        peerDependencies?: object;
        dependencies?: object;
      };
      expect(Object.keys(m.peerDependencies ?? {}), c).toEqual([
        '@pipekit/core',
        '@pipekit/runtime',
      ]);
      expect(Object.keys(m.dependencies ?? {}), c).not.toContain('@pipekit/core');
    }
    const cli = packed.get('@pipekit/cli')!.manifest as { dependencies: object };
    expect(Object.keys(cli.dependencies)).not.toContain('@pipekit/delta');
  });
});

describe('a new project outside the monorepo', () => {
  const npmInstall = (names: string[]) =>
    ok(
      'npm',
      ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballs(...names)],
      app,
      10 * minute,
    );

  beforeAll(async () => {
    // npm create pipekit app, from the packed create-pipekit
    await ok(
      'npm',
      [
        'exec',
        '--yes',
        `--package=${tarballs('create-pipekit')[0]}`,
        '--',
        'create-pipekit',
        'app',
      ],
      scratch,
      5 * minute,
    );
    // Without Delta (nor Kafka, Postgres, Kinesis) first: what `npm install @pipekit/cli @pipekit/core` gives.
    await npmInstall([
      '@pipekit/cli',
      '@pipekit/core',
      '@pipekit/runtime',
      '@pipekit/testing',
      '@pipekit/codegen',
      '@pipekit/spark',
      'create-pipekit',
    ]);
  }, 20 * minute);

  it(
    'its own test (made by create-pipekit) passes',
    async () => {
      const r = await ok('npm', ['test'], app, 5 * minute);
      expect(r.stdout).toMatch(/1 passed/);
    },
    5 * minute,
  );

  it(
    'npx pipe run writes Parquet',
    async () => {
      await ok('npx', ['pipe', 'run', 'pipelines/revenue.pipeline.ts'], app, 5 * minute);
      const files = readdirSync(join(app, 'data/revenue-per-user'), { recursive: true }).map(
        String,
      );
      expect(files.some((f) => f.endsWith('.parquet'))).toBe(true);
    },
    5 * minute,
  );

  it(
    'npx pipe explain --format svg draws the plan',
    async () => {
      await ok(
        'npx',
        ['pipe', 'explain', 'pipelines/revenue.pipeline.ts', '--format', 'svg', '-o', 'plan.svg'],
        app,
        5 * minute,
      );
      const svg = readFileSync(join(app, 'plan.svg'), 'utf8');
      expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
      expect(svg).toContain('revenue-per-user');
    },
    5 * minute,
  );

  it(
    'without @pipekit/delta, a Delta pipeline says what to install',
    async () => {
      writeFileSync(join(app, 'pipelines/to-delta.pipeline.ts'), deltaPipeline);
      const r = await run(
        'npx',
        ['pipe', 'run', 'pipelines/to-delta.pipeline.ts'],
        app,
        5 * minute,
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('npm install @pipekit/delta');
      expect(existsSync(join(app, 'data/users'))).toBe(false);
    },
    5 * minute,
  );

  it(
    'with @pipekit/delta installed, npx pipe run writes a Delta table',
    async () => {
      await npmInstall([
        '@pipekit/delta',
        '@pipekit/delta-native',
        `@pipekit/delta-native-${currentTarget()}`,
        '@pipekit/kafka',
        '@pipekit/postgres',
        '@pipekit/kinesis',
      ]);
      await ok('npx', ['pipe', 'run', 'pipelines/to-delta.pipeline.ts'], app, 5 * minute);
      expect(existsSync(join(app, 'data/users/_delta_log/00000000000000000000.json'))).toBe(true);
      const show = await ok(
        'npx',
        ['pipe', 'delta', 'show', 'data/users', '--json', '--limit', '100'],
        app,
        5 * minute,
      );
      const rows = show.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { id: number });
      expect(rows.map((r) => r.id).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i),
      );
    },
    15 * minute,
  );

  it(
    'npx pipe-codegen converts a legacy config, and the project type-checks with it',
    async () => {
      copyFileSync(
        join(repo, 'test/fixtures/legacy/etl/user-analytics.json'),
        join(app, 'legacy.json'),
      );
      await ok(
        'npx',
        ['pipe-codegen', 'legacy.json', '-o', 'pipelines/legacy.pipeline.ts'],
        app,
        5 * minute,
      );
      expect(readFileSync(join(app, 'pipelines/legacy.pipeline.ts'), 'utf8')).toContain(
        "from '@pipekit/core'",
      );
      await ok('npx', ['tsc', '--noEmit'], app, 5 * minute);
    },
    10 * minute,
  );

  it(
    "the editor completes the schema's columns inside .filter((r) => r.",
    async () => {
      writeFileSync(join(app, 'pipelines/probe.ts'), completionProbe);
      copyFileSync(
        new URL('./completion-probe.mjs', import.meta.url),
        join(app, 'completion-probe.mjs'),
      );
      const r = await ok(
        'node',
        ['completion-probe.mjs', 'pipelines/probe.ts', '.filter((r) => r.'],
        app,
        5 * minute,
      );
      const names = JSON.parse(r.stdout) as string[];
      expect(names).toEqual(expect.arrayContaining(['orderId', 'customer', 'total', 'placedAt']));
    },
    5 * minute,
  );
});

const deltaPipeline = `import { gen, source } from '@pipekit/core';

export default source
  .generate({ seed: 1, limit: 50, columns: { id: gen.sequence(), name: gen.key('user-', 10) } })
  .sink.delta({ path: './data/users', mode: 'overwrite' });
`;

const completionProbe = `import { source } from '@pipekit/core';
import { z } from 'zod';

const Order = z.object({ orderId: z.string(), customer: z.string(), total: z.number(), placedAt: z.coerce.date() });

export default source
  .file({ path: './orders', format: 'jsonl', schema: Order })
  .filter((r) => r.total.gt(0))
  .sink.console();
`;
