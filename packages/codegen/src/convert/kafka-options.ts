import type { IssuePath } from '@pipekit/core';
import { brokerList } from './connections.js';
import type { Ctx } from './context.js';
import { envName, inlineSecret } from './secrets.js';

/** Spark's `kafka.*` client options that have a pipekit form. */
export const kafkaClientKeys = [
  'kafka.bootstrap.servers',
  'kafka.group.id',
  'kafka.security.protocol',
  'kafka.sasl.mechanism',
  'kafka.sasl.jaas.config',
] as const;

const mechanisms: Readonly<Record<string, 'plain' | 'scram-sha-256' | 'scram-sha-512'>> = {
  PLAIN: 'plain',
  'SCRAM-SHA-256': 'scram-sha-256',
  'SCRAM-SHA-512': 'scram-sha-512',
};

/**
 * Brokers, group id and security from Spark's `kafka.*` options. A password in `kafka.sasl.jaas.config`
 * is never copied: it becomes `secret('<PREFIX>_KAFKA_PASSWORD')`.
 */
export function kafkaClient(
  ctx: Ctx,
  options: Readonly<Record<string, unknown>>,
  at: IssuePath,
  secretPrefix: string,
  forSource: boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const servers = options['kafka.bootstrap.servers'];
  if (servers !== undefined)
    out.brokers = brokerList(ctx, servers, [...at, 'kafka.bootstrap.servers']);
  const group = options['kafka.group.id'];
  if (typeof group === 'string' && forSource) out.groupId = group;
  const protocol = String(options['kafka.security.protocol'] ?? 'PLAINTEXT').toUpperCase();
  if (!['PLAINTEXT', 'SSL', 'SASL_SSL', 'SASL_PLAINTEXT'].includes(protocol))
    ctx.fail(
      [...at, 'kafka.security.protocol'],
      `unknown security protocol '${protocol}'`,
      'PLAINTEXT, SSL, SASL_SSL, SASL_PLAINTEXT',
    );
  if (protocol === 'SSL' || protocol === 'SASL_SSL') out.ssl = true;
  const jaas = options['kafka.sasl.jaas.config'];
  if (protocol.startsWith('SASL') || jaas !== undefined) {
    const mechanismText = String(options['kafka.sasl.mechanism'] ?? 'PLAIN').toUpperCase();
    const mechanism = mechanisms[mechanismText];
    if (!mechanism)
      ctx.fail(
        [...at, 'kafka.sasl.mechanism'],
        `unknown SASL mechanism '${mechanismText}'`,
        Object.keys(mechanisms).join(', '),
      );
    const text = typeof jaas === 'string' ? jaas : '';
    const username = /username\s*=\s*"([^"]*)"/.exec(text)?.[1];
    if (username === undefined)
      ctx.fail(
        [...at, 'kafka.sasl.jaas.config'],
        'SASL needs kafka.sasl.jaas.config with username="..." and password="..."',
      );
    const password = inlineSecret(ctx, envName(secretPrefix, 'kafka_password'), [
      ...at,
      'kafka.sasl.jaas.config',
    ]);
    out.sasl = { mechanism, username, password };
  }
  if (options['kafka.group.id'] !== undefined && !forSource)
    ctx.notCarriedOver(
      [...at, 'kafka.group.id'],
      'kafka.group.id of a sink (a producer has no group)',
    );
  return out;
}
