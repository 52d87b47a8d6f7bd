/**
 * @pipekit/testing: unit-test pipelines on rows given batch by batch, on a virtual clock.
 *
 * ```ts
 * import { testPipeline } from '@pipekit/testing';
 * const { batches, sinks } = await testPipeline(pipeline, { inputs: { events: [[...], [...]] } });
 * ```
 */

export { settle, VirtualClock } from '@pipekit/runtime';
export { rowsOf, sortedBy } from './assertions.js';
export type { Captured } from './capture-sink.js';
export {
  type TestBatch,
  type TestPipelineOptions,
  type TestResult,
  testPipeline,
} from './test-pipeline.js';
