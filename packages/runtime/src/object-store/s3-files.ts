import {
  envSecrets,
  type S3Options,
  type SecretResolver,
  s3Endpoint,
  s3SecretRefs,
} from '@pipekit/core';
import { S3Client } from './s3-client.js';

/**
 * A client for a connector's `s3` options, reading their secrets with the run's resolver. After
 * an authentication failure it reads the secrets again (a rotated key) before its one retry.
 */
export function s3ClientFor(
  options: S3Options | undefined,
  secrets: SecretResolver | undefined,
  where: string,
): S3Client {
  const resolver = secrets ?? envSecrets;
  return new S3Client(s3Endpoint(options, resolver, where), async () => {
    const refs = s3SecretRefs(options);
    if (!refs || !resolver.refresh) return null;
    const all = [
      refs.accessKeyId,
      refs.secretAccessKey,
      ...(refs.sessionToken ? [refs.sessionToken] : []),
    ];
    return (await resolver.refresh(all)) ? s3Endpoint(options, resolver, where) : null;
  });
}
