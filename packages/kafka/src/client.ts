import type { KafkaSourceSpec, SecretResolver } from '@pipekit/core';
import { PipekitError } from '@pipekit/core';
import type { RetryPolicy } from '@pipekit/runtime';
import {
  type Admin,
  type Consumer,
  type ConsumerConfig,
  Kafka,
  type KafkaConfig,
  logLevel,
  type Producer,
  type ProducerConfig,
  type SASLOptions,
} from 'kafkajs';
import type { Logger } from 'pino';
import type { KafkaEndpoint } from './kafka-errors.js';

/**
 * The part of a KafkaJS-compatible client pipekit uses. kafkajs is the default; any client with
 * the same API (Confluent's `@confluentinc/kafka-javascript` KafkaJS mode, a kafkajs fork) can be
 * given to `registerConnectors(registry, { client })` instead.
 */
export interface KafkaClient {
  admin(): KafkaAdmin;
  consumer(config: ConsumerConfig): KafkaConsumer;
  producer(config?: ProducerConfig): KafkaProducer;
}

export type KafkaAdmin = Pick<
  Admin,
  'connect' | 'disconnect' | 'listTopics' | 'fetchTopicOffsets' | 'fetchOffsets' | 'createTopics'
>;
export type KafkaConsumer = Pick<
  Consumer,
  | 'connect'
  | 'disconnect'
  | 'subscribe'
  | 'run'
  | 'stop'
  | 'seek'
  | 'pause'
  | 'resume'
  | 'commitOffsets'
  | 'on'
  | 'events'
>;
export type KafkaProducer = Pick<
  Producer,
  'connect' | 'disconnect' | 'sendBatch' | 'transaction'
> & {
  /**
   * Whether `sendBatch` calls (its own and its transactions') may be made before the earlier ones
   * are answered: they are then sent in the order they were made, and none after a failed one.
   * kafkajs' own producer does not promise that (a retried request can land after a later one).
   */
  readonly orderedSends?: boolean;
};

/** Makes a client from connection settings (brokers, TLS, SASL, retries). */
export type KafkaClientFactory = (config: KafkaConfig) => KafkaClient;

/** The default: kafkajs, logging through pino. */
export const kafkajsClient: KafkaClientFactory = (config) => new Kafka(config);

export { envSecrets, type SecretResolver } from '@pipekit/core';

/** What connection settings a source and a sink share (core's `kafkaSecuritySchema` + brokers). */
export type ConnectionSpec = Pick<KafkaSourceSpec, 'brokers' | 'ssl' | 'sasl' | 'credentials'>;

/**
 * Bounded retries with exponential backoff around whole operations (the runtime's `RetryPolicy`):
 * as many attempts as fit in `maxRetryTimeMs`, each one line on the log; kafkajs retries single
 * requests inside them.
 */
export type RetryOptions = RetryPolicy;

export const defaultRetry: RetryOptions = Object.freeze({
  maxRetryTimeMs: 60_000,
  initialRetryTimeMs: 250,
  maxRetryWaitMs: 5_000,
});

/**
 * `PIPEKIT_KAFKA_MAX_RETRY_TIME_MS` (a number of ms), when set: how long Kafka operations keep
 * retrying for a `pipe run`, which registers the connectors with their defaults.
 */
export function retryFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<RetryOptions> {
  const text = env.PIPEKIT_KAFKA_MAX_RETRY_TIME_MS;
  if (text === undefined || text === '') return {};
  const ms = Number(text);
  if (!Number.isFinite(ms) || ms < 0)
    throw new PipekitError(
      `PIPEKIT_KAFKA_MAX_RETRY_TIME_MS must be a number of milliseconds, got '${text}'`,
    );
  return { maxRetryTimeMs: ms };
}

/**
 * The settings of a client that tries to connect once: pipekit probes the brokers with one before
 * it connects its clients, so while a broker is down each attempt fails at once and is one retry
 * line, instead of kafkajs' eight tries inside it. (Only for connecting: kafkajs' own operations
 * need its retries, e.g. a metadata refresh inside a coordinator lookup.)
 */
export function singleTry(config: KafkaConfig): KafkaConfig {
  return { ...config, retry: { ...config.retry, retries: 0 } };
}

/** Whether the brokers answer, tried once with `probe` (a `singleTry` client); throws if not. */
export async function probeBrokers(probe: KafkaClient | undefined): Promise<void> {
  if (!probe) return;
  const admin = probe.admin();
  try {
    await admin.connect();
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

/** An admin client of `client`, connected; disconnected again when connecting fails. */
export async function connectedAdmin(client: KafkaClient): Promise<KafkaAdmin> {
  const admin = client.admin();
  try {
    await admin.connect();
  } catch (e) {
    await admin.disconnect().catch(() => {});
    throw e;
  }
  return admin;
}

function saslOf(spec: ConnectionSpec, secrets: SecretResolver): SASLOptions | undefined {
  if (spec.sasl) {
    const { mechanism, username, password } = spec.sasl;
    return {
      mechanism,
      username: typeof username === 'string' ? username : secrets(username, 'sasl.username'),
      password: secrets(password, 'sasl.password'),
    } as SASLOptions;
  }
  if (spec.credentials) {
    // A credential set in one secret: JSON `{ "mechanism"?, "username", "password" }`.
    const text = secrets(spec.credentials, 'credentials');
    let c: { mechanism?: string; username?: string; password?: string };
    try {
      c = JSON.parse(text) as typeof c;
    } catch {
      throw new PipekitError(
        `secret '${spec.credentials.secret}' (credentials) must hold JSON {"username","password"[,"mechanism"]}`,
      );
    }
    if (!c.username || !c.password)
      throw new PipekitError(
        `secret '${spec.credentials.secret}' (credentials) lacks username or password`,
      );
    return {
      mechanism: c.mechanism ?? 'scram-sha-512',
      username: c.username,
      password: c.password,
    } as SASLOptions;
  }
  return undefined;
}

/** kafkajs connection settings from a spec: secrets resolved here, at run time, never logged. */
export function kafkaConfig(
  spec: ConnectionSpec,
  opts: { clientId: string; secrets: SecretResolver; retry: RetryOptions; logger: Logger },
): KafkaConfig {
  const ssl =
    spec.ssl === undefined || typeof spec.ssl === 'boolean'
      ? spec.ssl
      : {
          ...(spec.ssl.ca ? { ca: [opts.secrets(spec.ssl.ca, 'ssl.ca')] } : {}),
          ...(spec.ssl.cert ? { cert: opts.secrets(spec.ssl.cert, 'ssl.cert') } : {}),
          ...(spec.ssl.key ? { key: opts.secrets(spec.ssl.key, 'ssl.key') } : {}),
          ...(spec.ssl.rejectUnauthorized === undefined
            ? {}
            : { rejectUnauthorized: spec.ssl.rejectUnauthorized }),
        };
  const sasl = saslOf(spec, opts.secrets);
  const log = opts.logger;
  return {
    clientId: opts.clientId,
    brokers: [...spec.brokers],
    ...(ssl === undefined ? {} : { ssl }),
    ...(sasl ? { sasl } : {}),
    connectionTimeout: 3_000,
    requestTimeout: 30_000,
    retry: {
      initialRetryTime: opts.retry.initialRetryTimeMs,
      maxRetryTime: opts.retry.maxRetryWaitMs,
      retries: 8,
    },
    // kafkajs' logs (each reconnect, with a stack) go to the pipeline's logger at debug: what a
    // person needs is pipekit's one line per retry and its final error.
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log: entry }) =>
        logKafkajs(log, level, entry),
  };
}

/** Where a kafkajs log entry goes (the producer thread's entries come here too). */
export function logKafkajs(
  log: Logger,
  level: logLevel,
  entry: { readonly message: string; readonly [key: string]: unknown },
): void {
  const { message, ...rest } = entry;
  // Said for every producer with bounded retries, which pipekit wants: it retries whole
  // batches itself, with a new producer (see docs/connectors/kafka.md).
  if (message.startsWith('Limiting retries for the idempotent producer')) return;
  // kafkajs reports every failed connection attempt as an error, with a stack; pipekit's retries
  // say the same in one line each, and its final error decides whether the pipeline fails.
  log.debug({ kafkajs: { ...rest, level } }, `kafkajs: ${message}`);
}

/** Who and where a connection is, for error messages: brokers and the SASL user, never a password. */
export function kafkaEndpoint(
  spec: ConnectionSpec,
  node: string,
  secrets: SecretResolver,
): KafkaEndpoint {
  const base = { brokers: [...spec.brokers], node };
  try {
    const sasl = saslOf(spec, secrets) as { username?: string; mechanism?: string } | undefined;
    if (!sasl) return base;
    return {
      ...base,
      ...(sasl.username ? { user: sasl.username } : {}),
      ...(sasl.mechanism ? { mechanism: sasl.mechanism.toUpperCase() } : {}),
    };
  } catch {
    // A secret that cannot be resolved fails when the connection is made, with its own message.
    return base;
  }
}
