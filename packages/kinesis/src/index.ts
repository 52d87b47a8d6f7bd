/**
 * @pipekit/kinesis: Amazon Kinesis Data Streams as a pipekit source and sink (AWS SDK v3).
 *
 * ```ts
 * import { registerConnectors } from '@pipekit/kinesis';
 * registerConnectors(registry); // `pipe run` does this when a plan uses kinesis
 * ```
 */
import type { ConnectorRegistry } from '@pipekit/runtime';
import { envSecrets, kinesisClient, type SecretResolver } from './client.js';
import { KinesisWriter } from './sink.js';
import { KinesisReader } from './source.js';

export {
  envSecrets,
  type KinesisConnection,
  kinesisClient,
  listShards,
  type SecretResolver,
} from './client.js';
export type { ShardPosition, ShardPositions } from './shard-positions.js';
export { KinesisPartialFailure, KinesisWriter } from './sink.js';
export { KinesisReader } from './source.js';

export interface KinesisConnectorOptions {
  /** Resolves `secret(...)` credentials; the runtime's resolver (else the environment) by default. */
  readonly secrets?: SecretResolver;
}

/** Registers the `kinesis` source and sink. */
export function registerConnectors(
  registry: ConnectorRegistry,
  options: KinesisConnectorOptions = {},
): void {
  const secretsOf = (ctx: { readonly secrets?: SecretResolver }) =>
    options.secrets ?? ctx.secrets ?? envSecrets;
  registry
    .registerSource(
      'kinesis',
      (spec, ctx) => new KinesisReader(spec, ctx, kinesisClient(spec, secretsOf(ctx))),
    )
    .registerSink(
      'kinesis',
      (spec, ctx) => new KinesisWriter(spec, ctx, kinesisClient(spec, secretsOf(ctx))),
    );
}
