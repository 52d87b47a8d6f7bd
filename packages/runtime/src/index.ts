/**
 * @pipekit/runtime: runs a pipeline's `Plan` on RxJS micro-batches in one Node process.
 *
 * ```ts
 * import { runPipeline } from '@pipekit/runtime';
 * const { result, memory } = runPipeline(pipeline);
 * console.log((await result).sinks, memory.get('out'));
 * ```
 */
export {
  type CheckpointLayout,
  type CheckpointMetadata,
  type CommitEntry,
  checkpointLayout,
  checkpointMetadataSchema,
  commitEntrySchema,
  type OffsetEntry,
  offsetEntrySchema,
  stateSnapshotSchema,
  writeFileAtomic,
} from './checkpoint/index.js';
export * from './connector.js';
export { defaultConnectors, registerBuiltins } from './connectors/builtins.js';
export { formatTable } from './connectors/console-sink.js';
export { continuousBatchRows, continuousPollMs } from './driver/trigger-loop.js';
export { nodeLabel, operatorOf, PipelineFailure } from './errors.js';
export type { Batch, Epoch } from './graph/batch.js';
export {
  type CompiledPipeline,
  compilePlan,
  type NodeInfo,
  type QueryPlan,
  type RunnablePipeline,
} from './graph/compile-plan.js';
export { connectorTypes, loadConnectorPackages } from './load-connectors.js';
export { humanLogLine, humanLogStream } from './logging/human-log-line.js';
export { createLogger, type LoggerSettings, redactPaths } from './logging/logger.js';
export { BatchProgress, describeSource } from './metrics/batch-progress.js';
export { JsonLinesMetrics } from './metrics/json-lines.js';
export {
  type MetricsListener,
  NodeMetrics,
  type SinkCircuitEvent,
} from './metrics/node-metrics.js';
export { ProgressLine } from './metrics/progress-line.js';
export { PrometheusMetrics } from './metrics/prometheus.js';
export { S3Client, S3Error, type S3Object } from './object-store/s3-client.js';
export { s3ClientFor } from './object-store/s3-files.js';
export {
  type CircuitProgress,
  circuitText,
  compact,
  type EventTimeProgress,
  type ExpectationProgress,
  emptyNodeProgress,
  eventTimeProgress,
  expectationText,
  FallingBehindWatch,
  type NodeProgress,
  type ProgressWarning,
  perSecond,
  progressJson,
  progressText,
  type QueryProgress,
  type SourceProgress,
  span,
} from './progress/index.js';
export {
  CircuitBreaker,
  type CircuitBreakerOptions,
  type CircuitEvent,
  CircuitOpenError,
  type CircuitState,
  ConnectorFailure,
  type ConnectorFailureDetails,
  type ConnectorProblem,
  checkOf,
  defaultCircuitBreaker,
  formatWait,
  isMarkedRetryable,
  type RetryContext,
  type RetryPolicy,
  retryWait,
  retryWaits,
  withRetry,
} from './retry/index.js';
export type { BadRecord, JsonValue, MaybePromise, Row } from './row.js';
export {
  type PipelineRun,
  type QueryResult,
  type RunOptions,
  type RunResult,
  runPipeline,
  type SinkResult,
} from './run-pipeline.js';
export { rowCoercer } from './schema/coerce.js';
export { defaultSecretProviders, defaultSecrets } from './secrets/default-secrets.js';
export { fileSecretProvider } from './secrets/file-secrets.js';
export {
  kvDataPath,
  type VaultSettings,
  vaultSecretProvider,
  vaultSettingsFromEnv,
} from './secrets/vault-secrets.js';
export { settle, VirtualClock } from './virtual-clock.js';
