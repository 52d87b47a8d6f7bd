import type { KafkaSinkSpec, KafkaSourceSpec, SecretRef } from '@pipekit/core';
import type { SecretResolver } from '../secrets.js';

const mechanisms = {
  plain: 'PLAIN',
  'scram-sha-256': 'SCRAM-SHA-256',
  'scram-sha-512': 'SCRAM-SHA-512',
};
const loginModules = {
  plain: 'org.apache.kafka.common.security.plain.PlainLoginModule',
  'scram-sha-256': 'org.apache.kafka.common.security.scram.ScramLoginModule',
  'scram-sha-512': 'org.apache.kafka.common.security.scram.ScramLoginModule',
};

const jaasQuote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/**
 * The `kafka.*` client options of Spark's Kafka source and sink for the plan's TLS and SASL
 * settings. Secrets are read here, at submit time, and go only into the options Spark needs.
 */
export function kafkaSecurityOptions(
  spec: KafkaSourceSpec | KafkaSinkSpec,
  secrets: SecretResolver,
  path: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  const read = (ref: SecretRef | string, at: string) =>
    typeof ref === 'string' ? ref : secrets(ref, `${path}.${at}`);
  const tls = spec.ssl !== undefined && spec.ssl !== false;
  if (spec.sasl) {
    const { mechanism, username, password } = spec.sasl;
    out['kafka.security.protocol'] = tls ? 'SASL_SSL' : 'SASL_PLAINTEXT';
    out['kafka.sasl.mechanism'] = mechanisms[mechanism];
    out['kafka.sasl.jaas.config'] =
      `${loginModules[mechanism]} required username=${jaasQuote(read(username, 'sasl.username'))} password=${jaasQuote(read(password, 'sasl.password'))};`;
  } else if (tls) out['kafka.security.protocol'] = 'SSL';
  if (typeof spec.ssl === 'object') {
    if (spec.ssl.ca) {
      out['kafka.ssl.truststore.type'] = 'PEM';
      out['kafka.ssl.truststore.certificates'] = read(spec.ssl.ca, 'ssl.ca');
    }
    if (spec.ssl.cert && spec.ssl.key) {
      out['kafka.ssl.keystore.type'] = 'PEM';
      out['kafka.ssl.keystore.certificate.chain'] = read(spec.ssl.cert, 'ssl.cert');
      out['kafka.ssl.keystore.key'] = read(spec.ssl.key, 'ssl.key');
    }
    if (spec.ssl.rejectUnauthorized === false)
      out['kafka.ssl.endpoint.identification.algorithm'] = '';
  }
  return out;
}
