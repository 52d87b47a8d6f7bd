import {
  envSecretProvider,
  type SecretProvider,
  type SecretResolver,
  secretResolver,
} from '@pipekit/core';
import { fileSecretProvider } from './file-secrets.js';
import { vaultSecretProvider } from './vault-secrets.js';

/** env, file and vault (configured from `VAULT_*`), then `extra` (which may replace them by name). */
export function defaultSecretProviders(extra: readonly SecretProvider[] = []): SecretProvider[] {
  const byName = new Map<string, SecretProvider>();
  for (const p of [envSecretProvider, fileSecretProvider, vaultSecretProvider(), ...extra])
    byName.set(p.name, p);
  return [...byName.values()];
}

/** The runtime's resolver: the default providers and `extra`, each secret read once and cached. */
export function defaultSecrets(extra: readonly SecretProvider[] = []): SecretResolver {
  return secretResolver(defaultSecretProviders(extra));
}
