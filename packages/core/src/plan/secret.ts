import { z } from 'zod';

/**
 * A secret is a reference, never a value: plans, logs and generated code hold only where it is.
 * `env` reads an environment variable, `file` a file (a mounted `/run/secrets/x`), `vault` a
 * HashiCorp Vault KV v2 path; other names are providers registered with the runtime. `key` picks
 * one field of a secret that holds several (a Vault secret, a JSON file).
 */
export interface SecretRef {
  readonly secret: string;
  readonly provider: SecretProviderName;
  readonly key?: string;
}

/** The built-in providers, and any name a registered provider answers to. */
export type SecretProviderName = 'env' | 'file' | 'vault' | (string & {});

export const secretRefSchema = z.strictObject({
  secret: z.string().min(1),
  provider: z
    .string()
    .regex(/^[a-z][a-z0-9-]*$/, 'a provider name: lower-case letters, digits and dashes'),
  key: z.string().min(1).optional(),
});

/** Options of the providers that read a secret with several fields. */
export interface SecretKeyOptions {
  /** The field to read (`password` of `{ username, password }`); without it, the only field, or all as JSON. */
  readonly key?: string;
}

function ref(provider: SecretProviderName, name: string, options?: SecretKeyOptions): SecretRef {
  return Object.freeze(
    options?.key === undefined
      ? { secret: name, provider }
      : { secret: name, provider, key: options.key },
  );
}

/** `secret('KAFKA_PASSWORD')`: the value comes from that environment variable when the pipeline runs. */
export function secret(name: string): SecretRef {
  return ref('env', name);
}

/**
 * `secret.file('/run/secrets/pg-password')`: the file's content (one trailing newline dropped);
 * with `{ key }`, that field of the JSON object the file holds.
 */
secret.file = (path: string, options?: SecretKeyOptions): SecretRef => ref('file', path, options);

/**
 * `secret.vault('secret/data/postgres', { key: 'password' })`: a field of a HashiCorp Vault KV v2
 * secret (`VAULT_ADDR`, `VAULT_TOKEN` or AppRole login). Without `key`, the secret's only field,
 * or all its fields as JSON (a credential set: `{ username, password }`).
 */
secret.vault = (path: string, options?: SecretKeyOptions): SecretRef => ref('vault', path, options);

/** `secret.from('aws-sm', 'prod/db')`: a reference for a provider registered with the runtime. */
secret.from = (provider: string, name: string, options?: SecretKeyOptions): SecretRef =>
  ref(provider, name, options);

/** Whether a value is a secret reference (`secret('NAME')`), not a plain value. */
export function isSecretRef(v: unknown): v is SecretRef {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as { secret?: unknown }).secret === 'string' &&
    typeof (v as { provider?: unknown }).provider === 'string'
  );
}

/** A single-quoted JavaScript string literal. */
function quoted(s: string): string {
  return `'${JSON.stringify(s).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
}

/** A reference as the user wrote it, for messages: `secret.vault('secret/data/pg', { key: 'password' })`. */
export function describeSecretRef(r: SecretRef): string {
  const key = r.key === undefined ? '' : `, { key: ${quoted(r.key)} }`;
  const name = quoted(r.secret);
  if (r.provider === 'env') return `secret(${name})`;
  if (r.provider === 'file' || r.provider === 'vault') return `secret.${r.provider}(${name}${key})`;
  return `secret.from('${r.provider}', ${name}${key})`;
}

/** A string option that may hold a secret: a plain value is refused, so no password lands in a plan. */
export const secretOnlySchema = secretRefSchema;
