import type { Parameters } from 'fast-check';

/**
 * Run counts for property tests: small and time-boxed in the suite, larger under `npm run fuzz`
 * (which sets PIPEKIT_FUZZ_RUNS). A failing run prints its seed; pass it as PIPEKIT_FUZZ_SEED to
 * replay, then keep the counterexample as a regression case.
 */
export function fuzzParameters<T>(suiteRuns: number): Parameters<T> {
  const runs = Number(process.env.PIPEKIT_FUZZ_RUNS ?? suiteRuns);
  const seed = process.env.PIPEKIT_FUZZ_SEED;
  return {
    numRuns: runs,
    // Time-boxed so a loaded machine shortens the run instead of failing the suite.
    interruptAfterTimeLimit: runs > suiteRuns ? 600_000 : 5_000,
    markInterruptAsFailure: false,
    ...(seed !== undefined ? { seed: Number(seed) } : {}),
  };
}
