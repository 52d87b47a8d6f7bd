import { mergeConfig } from 'vitest/config';
import base from '../../vitest.base.ts';

export default mergeConfig(base, {
  test: {
    // Starts the local Spark Connect server (test/services/spark.sh) unless it is running.
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 900_000,
    // One Spark server with two cores: files run one at a time.
    fileParallelism: false,
  },
});
