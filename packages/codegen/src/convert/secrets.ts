import { type IssuePath, type SecretRef, secret } from '@pipekit/core';
import type { Ctx } from './context.js';

/** `secret/data/kafka` stays a Vault-style reference: the provider resolves it at run time. */
export function vaultRef(path: string): SecretRef {
  return secret.vault(path);
}

/** An environment variable name from its parts: `customers db`, `password` → `CUSTOMERS_DB_PASSWORD`. */
export function envName(...parts: readonly string[]): string {
  return parts
    .join('_')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
}

/**
 * An inline password, token or secret in a config is never copied into the code: it becomes
 * `secret(NAME)`, and the user is told which variable to set.
 */
export function inlineSecret(
  ctx: Ctx,
  name: string,
  path: IssuePath,
  what = 'password',
): SecretRef {
  ctx.check(
    path,
    `the config holds an inline ${what}; it is not copied into the code: set the environment variable ${name}`,
  );
  return secret(name);
}

const secretKey = /pass(word)?|secret|token|api[_-]?key|credential/i;

/** Whether an option name looks like it holds a secret value. */
export function isSecretKey(key: string): boolean {
  return secretKey.test(key);
}
