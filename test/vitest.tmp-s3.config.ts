import { mergeConfig } from 'vitest/config';
import base from '../vitest.base.ts';
export default mergeConfig(base, { test: { include: ['object-storage/**/*.test.ts'], globalSetup: ['object-storage/global-setup.ts'] } });
