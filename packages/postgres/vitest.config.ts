import { defineConfig, mergeConfig } from 'vitest/config';
import base from '../../vitest.base.ts';

export default mergeConfig(
  base,
  defineConfig({
    test: {
      // Starts the project's PostgreSQL (test/services/postgres.sh) when it is not running.
      globalSetup: ['test/global-setup.ts'],
      // One server for all files, and one test stops and starts it: files run one at a time.
      fileParallelism: false,
      testTimeout: 60_000,
      hookTimeout: 60_000,
    },
  }),
);
