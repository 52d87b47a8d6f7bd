export { rowsOf } from './connect/arrow-rows.js';
export { SparkConnectClient } from './connect/client.js';
export { defaultRemote, parseRemote, type SparkRemote } from './connect/remote.js';
export { SparkError } from './connect/spark-error.js';
export {
  runOnSpark,
  type SparkLogger,
  type SparkQueryResult,
  type SparkRun,
  type SparkRunOptions,
  type SparkRunResult,
} from './engine/run-on-spark.js';
export { sparkIssues } from './engine/spark-issues.js';
export { checkForSpark, planForSpark, type SparkPlan } from './engine/spark-plan.js';
export type { SinkJob } from './lower/lower-sinks.js';
export type { CommandInit, RelationInit } from './lower/messages.js';
export { envSecrets, type SecretResolver } from './lower/secrets.js';
export { SparkSession } from './session/spark-session.js';
export { type SparkProgress, StreamingQuery } from './session/streaming-query.js';
