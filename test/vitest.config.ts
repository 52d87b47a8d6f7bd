import { mergeConfig } from 'vitest/config';
import base from '../vitest.base.ts';

export default mergeConfig(base, {
  test: {
    include: [
      'spark-parity/**/*.test.ts',
      'bench-charts/**/*.test.ts',
      'ui/**/*.test.ts',
      'install/**/*.test.ts',
      'chaos/**/*.test.ts',
      'object-storage/**/*.test.ts',
    ],
    globalSetup: ['ui/global-setup.ts', 'chaos/global-setup.ts', 'object-storage/global-setup.ts'],
  },
});
