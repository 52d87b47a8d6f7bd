import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

/** Tests run on TypeScript sources: the `@pipekit/source` export condition points at src/. */
export const sourceConditions = ['@pipekit/source', ...defaultServerConditions];

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions } },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
