import type { ConnectorProblem } from '@pipekit/runtime';

/** What a Kafka error is about: the connection settings a person can check. */
export interface KafkaEndpoint {
  readonly brokers: readonly string[];
  /** The SASL user, when the connection authenticates (never the password). */
  readonly user?: string;
  readonly mechanism?: string;
  /** The option path of the brokers, for `check`: `brokers`. */
  readonly node: string;
}

interface KafkaErrorLike {
  readonly name?: string;
  readonly message?: string;
  readonly code?: unknown;
  readonly broker?: unknown;
  readonly retriable?: unknown;
  readonly type?: unknown;
  readonly originalError?: unknown;
  readonly cause?: unknown;
}

/** The error kafkajs wrapped last (its retries end in `KafkaJSNumberOfRetriesExceeded`). */
export function rootKafkaError(e: unknown): unknown {
  let c = e;
  for (let depth = 0; depth < 8; depth++) {
    const next = (c as KafkaErrorLike | null)?.originalError;
    if (!(next instanceof Error)) break;
    c = next;
  }
  return c;
}

const refusedCodes = new Set(['ECONNREFUSED']);
const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const resetCodes = new Set(['ECONNRESET', 'EPIPE']);
const socketTimeoutCodes = new Set(['ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

function brokerOf(e: KafkaErrorLike, end: KafkaEndpoint): string {
  return typeof e.broker === 'string' ? e.broker : end.brokers.join(', ');
}

function isKafkaJs(e: KafkaErrorLike): boolean {
  return typeof e.name === 'string' && e.name.startsWith('KafkaJS');
}

/**
 * A kafkajs error (or one passed back from the producer thread) said for a person: which broker,
 * what happened, what to check, and whether trying again may help. Never the password: kafkajs'
 * own SASL messages do not carry it, and the user comes from the connection settings.
 */
export function describeKafkaError(e: unknown, end: KafkaEndpoint): ConnectorProblem {
  const top = (e ?? {}) as KafkaErrorLike;
  const root = (rootKafkaError(e) ?? {}) as KafkaErrorLike;
  const code =
    typeof root.code === 'string' ? root.code : typeof top.code === 'string' ? top.code : '';
  const broker = brokerOf(typeof root.broker === 'string' ? root : top, end);
  const message = String(root.message ?? top.message ?? e);
  const brokersOption = `the brokers option of ${end.node} (${end.brokers.join(', ')})`;
  if (/SASL/.test(String(root.name)) || /authentication failed/i.test(message)) {
    const who = end.user === undefined ? 'the configured user' : `user '${end.user}'`;
    return {
      endpoint: broker,
      text: `authentication failed for ${who}${end.mechanism ? ` (${end.mechanism})` : ''} at ${broker}`,
      check: `the username, the password secret and the SASL mechanism of ${end.node}; the broker said: ${message.replace(/^.*?authentication failed:?\s*/i, '') || message}`,
      retryable: false,
    };
  }
  const type = String(root.type ?? top.type ?? '');
  if (type === 'ILLEGAL_SASL_STATE' || type === 'UNSUPPORTED_SASL_MECHANISM')
    return {
      endpoint: broker,
      text: `broker ${broker} does not take ${end.mechanism ?? 'SASL'} authentication on this listener (${message})`,
      check: `the sasl option of ${end.node} against the broker's listeners: is ${broker} a SASL_PLAINTEXT or SASL_SSL port, with this mechanism enabled?`,
      retryable: false,
    };
  if (refusedCodes.has(code) || /ECONNREFUSED/.test(message))
    return {
      endpoint: broker,
      text: `broker ${broker} refused the connection`,
      check: `that a Kafka broker is running and listening on ${broker}: ${brokersOption}`,
      retryable: true,
    };
  if (dnsCodes.has(code) || /ENOTFOUND|EAI_AGAIN/.test(message)) {
    const host = broker.replace(/:\d+$/, '');
    return {
      endpoint: broker,
      text: `broker host '${host}' is not known (DNS lookup failed)`,
      check: `the host names in ${brokersOption}`,
      retryable: true,
    };
  }
  if (socketTimeoutCodes.has(code) || /Connection timeout/i.test(message))
    return {
      endpoint: broker,
      text: `broker ${broker} did not answer (connection timed out)`,
      check: `that ${broker} is reachable from this machine (firewall, VPN) and that ${brokersOption} is right`,
      retryable: true,
    };
  if (resetCodes.has(code) || /Closed connection|ECONNRESET|EPIPE/.test(message))
    return {
      endpoint: broker,
      text: `broker ${broker} closed the connection`,
      check: `whether ${broker} expects TLS (the ssl option of ${end.node}) or SASL (sasl), and the broker's log`,
      retryable: true,
    };
  if (/certificate|SSL|TLS|self.signed/i.test(message) || code.startsWith('ERR_SSL'))
    return {
      endpoint: broker,
      text: `the TLS handshake with ${broker} failed: ${message}`,
      check: `the ssl option of ${end.node} (ca, cert, key, rejectUnauthorized)`,
      retryable: false,
    };
  if (top.type === 'TOPIC_AUTHORIZATION_FAILED' || root.type === 'TOPIC_AUTHORIZATION_FAILED')
    return {
      endpoint: broker,
      text: `${end.user === undefined ? 'this client' : `user '${end.user}'`} is not allowed to use the topic (${message})`,
      check: `the broker's ACLs for ${end.user === undefined ? 'this client' : `user '${end.user}'`}`,
      retryable: false,
    };
  const kafka = isKafkaJs(top) || isKafkaJs(root);
  return {
    endpoint: typeof root.broker === 'string' ? root.broker : null,
    text: message,
    check: kafka ? `the broker's log at ${broker}` : null,
    // A whole operation is tried again with a new client: most Kafka failures pass (a leader
    // moved, a coordinator restarted). A mistake in the pipeline's definition will not.
    retryable: top.name !== 'PipekitError',
  };
}
