/**
 * @pipekit/core: write data pipelines as typed TypeScript. Builders produce a `Plan` (plain JSON)
 * that the runtime executes, `explain` draws and `parsePlan` reads back.
 */

export type {
  Aggregate,
  AggregateBuilder,
  AggregateColumns,
  AggregateMistake,
  AggregateResult,
  AggregatesFor,
  AggregatesInput,
  CheckedAggregates,
} from './builder/aggregates.js';
export { avg, count, countDistinct, first, last, max, min, sum } from './builder/aggregates.js';
export {
  between,
  type Expectation,
  type ExpectOptions,
  expectation,
  inSet,
  matches,
  notNull,
  type OnFailureInput,
  type RuleOptions,
  rule,
  unique,
} from './builder/expectations.js';
export type { Gen, GeneratedRow } from './builder/generators.js';
export { gen } from './builder/generators.js';
export type { BuilderNode, Udf } from './builder/graph.js';
export type { PipelineOptions } from './builder/pipeline-impl.js';
export { defaultPipelineName, pipeline } from './builder/pipeline-impl.js';
export { sinks } from './builder/sink-builders.js';
export type * from './builder/sink-options.js';
export { source } from './builder/sources.js';
export type * from './builder/stream-types.js';
export type * from './builder/window-rules.js';
export * from './connections/postgres-endpoint.js';
export * from './connections/s3-endpoint.js';
export * from './duration/duration.js';
export * from './errors/pipekit-error.js';
export { explain } from './explain/mermaid.js';
export { type Cols, columnsOf } from './expr/cols.js';
export { and, coalesce, col, fn, lit, not, or, when } from './expr/helpers.js';
export * from './expr/index.js';
export { type SqlExpr, sql } from './expr/sql-tag.js';
export { type Expr, type ExprOf, expr, type Operand, toNode } from './expr/typed-expr.js';
export { isBoundedSource } from './plan/bounded.js';
export type { CheckedJoinOn, JoinOnErrors, KeyKind } from './plan/join-keys.js';
export { badRecordSchema, checkNode } from './plan/node-schema.js';
export * from './plan/nodes/expect-node.js';
export * from './plan/nodes/sink-node.js';
export * from './plan/nodes/source-node.js';
export * from './plan/nodes/stateful-nodes.js';
export * from './plan/nodes/stateless-nodes.js';
export * from './plan/object-storage.js';
export { parsePlan } from './plan/parse-plan.js';
export * from './plan/plan.js';
export * from './plan/plan-facts.js';
export * from './plan/plan-node.js';
export { planRuleIssues } from './plan/plan-rules.js';
export * from './plan/policy.js';
export * from './plan/secret.js';
export type { ConsoleSinkSpec } from './plan/sinks/console-sink.js';
export type { DeltaSinkSpec } from './plan/sinks/delta-sink.js';
export type { FileSinkSpec } from './plan/sinks/file-sink.js';
export type { KafkaSinkSpec } from './plan/sinks/kafka-sink.js';
export type { KinesisSinkSpec } from './plan/sinks/kinesis-sink.js';
export type { MemorySinkSpec } from './plan/sinks/memory-sink.js';
export type { PostgresSinkSpec } from './plan/sinks/postgres-sink.js';
export * from './plan/sinks/sink-spec.js';
export type { DeltaSourceSpec } from './plan/sources/delta-source.js';
export type { FileSourceSpec } from './plan/sources/file-source.js';
export type { GeneratedColumn, GenerateSourceSpec } from './plan/sources/generate-source.js';
export type { KafkaSourceSpec } from './plan/sources/kafka-source.js';
export type { KinesisSourceSpec } from './plan/sources/kinesis-source.js';
export type { MemorySourceSpec } from './plan/sources/memory-source.js';
export type { PostgresConnection } from './plan/sources/postgres-connection.js';
export type { PostgresSourceSpec } from './plan/sources/postgres-source.js';
export type { SocketSourceSpec } from './plan/sources/socket-source.js';
export * from './plan/sources/source-spec.js';
export * from './plan/trigger.js';
export * from './plan/upstream-nodes.js';
export { validatePlan } from './plan/validate-plan.js';
export * from './plan/window-spec.js';
export {
  binary,
  byte,
  date,
  decimal,
  type EpochMillis,
  epochMillis,
  float,
  integer,
  long,
  short,
} from './schema/column-types.js';
export * from './schema/data-type.js';
export { parseDdl, parseSparkType } from './schema/ddl.js';
export { schemaFromZod } from './schema/from-zod.js';
export type * from './schema/row-type.js';
export { toSchema } from './schema/to-schema.js';
export * from './secrets/secret-resolver.js';
