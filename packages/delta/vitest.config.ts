import { mergeConfig } from 'vitest/config';
import base from '../../vitest.base.ts';

export default mergeConfig(base, {
  test: {
    // Creates the Python venv with the independent Delta implementation (bounded inside).
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 60_000,
  },
});
