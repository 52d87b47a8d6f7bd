import { mergeConfig } from 'vitest/config';
import base from '../vitest.base.ts';

export default mergeConfig(base, {
  test: {
    include: [
      'spark-parity/**/*.test.ts',
      'bench-charts/**/*.test.ts',
      'ui/**/*.test.ts',
      'install/**/*.test.ts',
    ],
    globalSetup: ['ui/global-setup.ts'],
  },
});
