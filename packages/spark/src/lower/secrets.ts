import { PipekitError, type SecretRef } from '@pipekit/core';

/** Reads a secret the plan names; only `env` secrets have a provider today. */
export type SecretResolver = (ref: SecretRef, path: string) => string;

export const envSecrets: SecretResolver = (ref, path) => {
  if (ref.provider !== 'env')
    throw new PipekitError('a secret cannot be read', [
      {
        path: path.split('.'),
        message: `no provider for ${ref.provider} secret '${ref.secret}'`,
        fix: 'use secret(ENV_VAR) for now',
      },
    ]);
  const value = process.env[ref.secret];
  if (value === undefined)
    throw new PipekitError('a secret cannot be read', [
      {
        path: path.split('.'),
        message: `environment variable ${ref.secret} is not set`,
        fix: `export ${ref.secret}=...`,
      },
    ]);
  return value;
};
