import { mergeConfig } from 'vitest/config';
import base from '../../vitest.base.ts';

export default mergeConfig(base, {
  test: {
    // Starts the real broker (test/services/kafka.sh) unless it is running; bounded inside.
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 90_000,
    hookTimeout: 60_000,
    // One broker shared by every file, and the restart test stops it: files run one at a time.
    fileParallelism: false,
  },
});
