import { mergeConfig } from 'vitest/config';
import base from '../vitest.base.ts';

export default mergeConfig(base, {
  test: {
    include: ['spark-parity/**/*.test.ts', 'bench-charts/**/*.test.ts', 'chaos/**/*.test.ts'],
    globalSetup: ['chaos/global-setup.ts'],
  },
});
