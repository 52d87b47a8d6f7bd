import { readFileSync } from 'node:fs';
import { type SecretProvider, SecretUnavailableError } from '@pipekit/core';

/**
 * `secret.file('/run/secrets/pg-password')`: a file's content, one trailing newline dropped (as
 * Docker and Kubernetes mount secrets); with `{ key }`, a field of the JSON object it holds.
 * Read synchronously, so it also works where nothing loads secrets first.
 */
export const fileSecretProvider: SecretProvider = {
  name: 'file',
  read(ref) {
    try {
      return readFileSync(ref.secret, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new SecretUnavailableError(
        code === 'ENOENT'
          ? 'the file does not exist'
          : code === 'EACCES'
            ? 'this process may not read the file'
            : `the file cannot be read (${code ?? 'error'})`,
        'mount the secret there, or fix the path',
      );
    }
  },
};
