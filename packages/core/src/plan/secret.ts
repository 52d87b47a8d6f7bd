import { z } from 'zod';

/**
 * A secret is a reference, never a value: plans, logs and generated code hold only the name.
 * `env` reads an environment variable at run time; `vault` names a Vault-style KV path.
 */
export interface SecretRef {
  readonly secret: string;
  readonly provider: 'env' | 'vault';
}

export const secretRefSchema = z.strictObject({
  secret: z.string().min(1),
  provider: z.enum(['env', 'vault']),
});

/** `secret('KAFKA_PASSWORD')`: the value comes from that environment variable when the pipeline runs. */
export function secret(name: string): SecretRef {
  return Object.freeze({ secret: name, provider: 'env' });
}

/** `secret.vault('secret/data/kafka/prod')`: a Vault-style KV path, resolved by a provider at run time. */
secret.vault = (path: string): SecretRef => Object.freeze({ secret: path, provider: 'vault' });

/** Whether a value is a secret reference (`secret('NAME')`), not a plain value. */
export function isSecretRef(v: unknown): v is SecretRef {
  return typeof v === 'object' && v !== null && 'secret' in v && 'provider' in v;
}

/** A string option that may hold a secret: a plain value is refused, so no password lands in a plan. */
export const secretOnlySchema = secretRefSchema;
