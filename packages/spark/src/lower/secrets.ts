export { envSecrets, type SecretResolver } from '@pipekit/core';
