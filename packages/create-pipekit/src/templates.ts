/** The files of a new project, by path. `version` is the pipekit version to depend on. */
export function projectFiles(name: string, version: string): Record<string, string> {
  return {
    'package.json': `${JSON.stringify(packageJson(name, version), null, 2)}\n`,
    'tsconfig.json': `${JSON.stringify(tsconfig, null, 2)}\n`,
    '.gitignore': gitignore,
    'README.md': readme(name),
    'pipelines/revenue.pipeline.ts': pipeline,
    'test/revenue.test.ts': pipelineTest,
  };
}

/**
 * Versions of the tools the project uses, the ones pipekit itself is built and tested with
 * (a test checks them against the repository's own package.json files).
 */
export const toolVersions = {
  typescript: '~5.9.3',
  vitest: '~4.1.12',
  '@types/node': '^20.19.0',
  zod: '^4.6.7',
} as const;

function packageJson(name: string, version: string) {
  return {
    name,
    version: '0.1.0',
    private: true,
    type: 'module',
    scripts: {
      start: 'pipe run pipelines/revenue.pipeline.ts',
      explain: 'pipe explain pipelines/revenue.pipeline.ts',
      test: 'vitest run',
      typecheck: 'tsc --noEmit',
    },
    dependencies: {
      '@pipekit/cli': `^${version}`,
      '@pipekit/core': `^${version}`,
      zod: toolVersions.zod,
    },
    devDependencies: {
      '@pipekit/runtime': `^${version}`,
      '@pipekit/testing': `^${version}`,
      '@types/node': toolVersions['@types/node'],
      typescript: toolVersions.typescript,
      vitest: toolVersions.vitest,
    },
  };
}

const tsconfig = {
  compilerOptions: {
    target: 'ES2022',
    lib: ['ES2023'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
  },
  include: ['pipelines', 'test'],
};

// Data and checkpoints are what pipelines write; they are not source.
const gitignore = `node_modules/
data/
checkpoints/
*.tsbuildinfo
`;

function readme(name: string): string {
  return `# ${name}

Data pipelines written with [pipekit](https://github.com/pipekit/pipekit).

| command             | what                                                                 |
| ------------------- | -------------------------------------------------------------------- |
| \`npm start\`         | runs \`pipelines/revenue.pipeline.ts\` (writes \`data/revenue-per-user\`) |
| \`npm run explain\`   | draws the pipeline's plan (\`pipe explain --format svg\` for a picture) |
| \`npm test\`          | tests the pipeline on rows given batch by batch (\`@pipekit/testing\`)  |
| \`npm run typecheck\` | type-checks pipelines and tests                                      |

Connectors come as packages: \`npm install @pipekit/kafka\`, \`@pipekit/postgres\`,
\`@pipekit/delta\` (Delta Lake) or \`@pipekit/kinesis\`; \`pipe run\` says which one a pipeline needs.
`;
}

const pipeline = `/**
 * Revenue per user: generated page events, purchases only, summed per user, written as Parquet.
 * Run it with \`npm start\`; replace the generated source with \`source.kafka(...)\`,
 * \`source.postgres(...)\` or \`source.file(...)\` for real data.
 */
import { count, gen, source, sum } from '@pipekit/core';

export default source
  .generate({
    seed: 7,
    limit: 10_000,
    columns: {
      userId: gen.key('user-', 100),
      eventType: gen.choice(['view', 'purchase'], [0.8, 0.2]),
      amount: gen.uniform(1, 100),
    },
    name: 'events',
  })
  .filter((r) => r.eventType.eq('purchase'))
  .groupBy('userId')
  .aggregate({ purchases: count(), revenue: sum('amount') })
  .sink.file({ path: './data/revenue-per-user', format: 'parquet' });
`;

const pipelineTest = `import { sortedBy, testPipeline } from '@pipekit/testing';
import { describe, expect, it } from 'vitest';
import revenue from '../pipelines/revenue.pipeline.js';

describe('revenue per user', () => {
  it('sums purchases per user and ignores views', async () => {
    const result = await testPipeline(revenue, {
      inputs: {
        events: [
          [
            { userId: 'ann', eventType: 'purchase', amount: 10 },
            { userId: 'bob', eventType: 'view', amount: 99 },
          ],
          [
            { userId: 'ann', eventType: 'purchase', amount: 5 },
            { userId: 'bob', eventType: 'purchase', amount: 7 },
          ],
        ],
      },
    });
    const [rows = []] = Object.values(result.sinks);
    expect(sortedBy(rows, 'userId')).toEqual([
      { userId: 'ann', purchases: 2, revenue: 15 },
      { userId: 'bob', purchases: 1, revenue: 7 },
    ]);
  });
});
`;
