import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { longChainFiles, longChainTest } from './long-chains/generate.js';

// The long-chain type tests are generated; `tsc` checks them (npm run typecheck). This keeps the
// checked-in files equal to what the generator writes, so they cannot silently drift from it.
describe('generated long-chain type tests', () => {
  for (const [steps, file] of Object.entries(longChainFiles))
    it(`${file} is what the generator writes for ${steps} steps`, () => {
      const onDisk = readFileSync(new URL(`long-chains/${file}`, import.meta.url), 'utf8');
      expect(onDisk).toBe(longChainTest(Number(steps)));
    });
});
