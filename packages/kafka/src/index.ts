/**
 * @pipekit/kafka: `source.kafka` and `sink.kafka` on kafkajs (or any KafkaJS-compatible client).
 *
 * ```ts
 * import { ConnectorRegistry, defaultConnectors, runPipeline } from '@pipekit/runtime';
 * import { registerConnectors } from '@pipekit/kafka';
 * const connectors = defaultConnectors();
 * registerConnectors(connectors);
 * await runPipeline(pipeline, { connectors }).result;
 * ```
 */
import type { ConnectorRegistry, SinkContext } from '@pipekit/runtime';
import {
  defaultRetry,
  envSecrets,
  type KafkaClientFactory,
  kafkaConfig,
  kafkaEndpoint,
  kafkajsClient,
  type RetryOptions,
  retryFromEnv,
  type SecretResolver,
  singleTry,
} from './client.js';
import { withProducerThread } from './producer-thread.js';
import { KafkaWriter } from './sink.js';
import { KafkaReader } from './source.js';

export {
  type ConnectionSpec,
  defaultRetry,
  envSecrets,
  type KafkaAdmin,
  type KafkaClient,
  type KafkaClientFactory,
  type KafkaConsumer,
  type KafkaProducer,
  kafkaConfig,
  kafkaEndpoint,
  kafkajsClient,
  type RetryOptions,
  type SecretResolver,
  singleTry,
} from './client.js';
export { describeKafkaError, type KafkaEndpoint } from './kafka-errors.js';
export {
  asPartitionOffsets,
  type PartitionOffsets,
  parsePosition,
  positionOf,
  rateLimit,
} from './offsets.js';
export { ProducerThread, withProducerThread } from './producer-thread.js';
export { KafkaUnavailableError } from './retry.js';
export { deadLetterHeaders } from './serialize.js';
export { commitGroupOf, KafkaWriter, type KafkaWriterOptions, transactionalIdOf } from './sink.js';
export { KafkaReader, type KafkaReaderOptions } from './source.js';

export interface KafkaConnectorOptions {
  /** The client; kafkajs by default. */
  readonly client?: KafkaClientFactory;
  /** Resolves `secret(...)` references; environment variables by default. */
  readonly secrets?: SecretResolver;
  /** How long a Kafka operation may keep failing (broker down) before the pipeline fails. */
  readonly retry?: Partial<RetryOptions>;
  /**
   * Kafka transactions in the sink: `auto` (default) when the sink has a checkpoint, as
   * exactly-once needs one; `always`; `never` (idempotent producer, at least once).
   */
  readonly transactions?: 'auto' | 'always' | 'never';
  /**
   * Run the sink's kafkajs producer in its own thread (default: true with the built-in kafkajs
   * client; a `client` of your own always runs in the pipeline's thread). kafkajs encodes records
   * in JavaScript; in its own thread that overlaps with the pipeline's work.
   */
  readonly producerThread?: boolean;
}

/** The sink's checkpoint location, when the runtime passes it (see docs/connectors/kafka.md). */
function checkpointOf(ctx: SinkContext): string | null {
  const c = ctx.checkpoint;
  return typeof c === 'string' && c !== '' ? c : null;
}

/**
 * Registers the `kafka` source and sink.
 *
 * @example
 * registerConnectors(registry, { retry: { maxRetryTimeMs: 30_000 } });
 */
export function registerConnectors(
  registry: ConnectorRegistry,
  options: KafkaConnectorOptions = {},
): void {
  const makeClient = options.client ?? kafkajsClient;
  const secretsOf = (ctx: { readonly secrets?: SecretResolver }) =>
    options.secrets ?? ctx.secrets ?? envSecrets;
  const retry: RetryOptions = { ...defaultRetry, ...retryFromEnv(), ...options.retry };
  registry.registerSource('kafka', (spec, ctx) => {
    const secrets = secretsOf(ctx);
    const config = kafkaConfig(spec, {
      clientId: `pipekit-${ctx.nodeId}`,
      secrets,
      retry,
      logger: ctx.logger,
    });
    return new KafkaReader(spec, ctx, {
      client: makeClient(config),
      probeClient: makeClient(singleTry(config)),
      retry,
      endpoint: kafkaEndpoint(spec, ctx.nodeName ?? ctx.nodeId, secrets),
    });
  });
  const producerThread = options.client === undefined && options.producerThread !== false;
  registry.registerSink('kafka', (spec, ctx) => {
    const secrets = secretsOf(ctx);
    const config = kafkaConfig(spec, {
      clientId: `pipekit-${ctx.nodeId}`,
      secrets,
      retry,
      logger: ctx.logger,
    });
    const client = makeClient(config);
    const mode = options.transactions ?? 'auto';
    const transactional = mode === 'always' || (mode === 'auto' && checkpointOf(ctx) !== null);
    return new KafkaWriter(spec, ctx, {
      client: producerThread ? withProducerThread(client, config, ctx.logger) : client,
      probeClient: makeClient(singleTry(config)),
      retry,
      transactional,
      endpoint: kafkaEndpoint(spec, ctx.nodeName ?? ctx.nodeId, secrets),
    });
  });
}
