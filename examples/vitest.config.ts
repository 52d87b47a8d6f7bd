import { mergeConfig } from 'vitest/config';
import base from '../vitest.base.ts';

export default mergeConfig(base, {
  test: {
    // Starts the real Kafka broker and PostgreSQL server unless they are running.
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    // One broker and one server for every file; files run one at a time (2-core machines).
    fileParallelism: false,
  },
});
