/**
 * Progress, engine-neutral: the record (`QueryProgress`) and what is made of it alone (the TTY
 * line, the JSON line, the falling-behind warning). An engine that runs elsewhere builds the record
 * and reuses these, so a person sees the same thing whichever engine runs the pipeline.
 */
export { FallingBehindWatch, type ProgressWarning } from './falling-behind.js';
export { compact, span } from './format.js';
export { progressJson, progressText } from './progress-text.js';
export { circuitText, expectationText } from './quality-text.js';
export {
  type CheckpointProgress,
  type CircuitProgress,
  type EventTimeProgress,
  type ExpectationProgress,
  emptyNodeProgress,
  eventTimeProgress,
  type NodeProgress,
  perSecond,
  type QueryProgress,
  type SourceProgress,
} from './query-progress.js';
