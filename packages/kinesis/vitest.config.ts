import { defineConfig } from 'vitest/config';
import base from '../../vitest.base.ts';

// Not vite's default server conditions: with `module`, the AWS SDK resolves to its bundler build
// (dist-es, imports without file extensions), which Node cannot load.
const conditions = ['@pipekit/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    ...base.test,
    // Starts the Kinesis-API server (test/services/kinesis.sh) unless it is running.
    globalSetup: ['./test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
