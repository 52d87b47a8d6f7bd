import {
  envSecrets,
  isObjectStoreUrl,
  type S3Endpoint,
  type S3Options,
  type SecretResolver,
  s3Endpoint,
  s3SecretRefs,
} from '@pipekit/core';
import { native } from './native.js';

/** Where a table on an object store is and how to reach it. Local paths need none of it. */
export interface TableStorage {
  /** For `s3://` / `s3a://` tables: endpoint, region, credentials (secret references). */
  readonly s3?: S3Options;
  /** Reads the credentials' secret references. Default: environment variables only. */
  readonly secrets?: SecretResolver;
}

/** delta-rs (object_store) storage options for an endpoint; they hold its credentials. */
export function deltaStorageOptions(e: S3Endpoint): Record<string, string> {
  const o: Record<string, string> = {
    aws_region: e.region,
    aws_virtual_hosted_style_request: String(!e.pathStyle),
  };
  if (e.custom) o.aws_endpoint = e.endpoint;
  if (e.allowHttp) o.aws_allow_http = 'true';
  if (e.credentials) {
    o.aws_access_key_id = e.credentials.accessKeyId;
    o.aws_secret_access_key = e.credentials.secretAccessKey;
    if (e.credentials.sessionToken) o.aws_session_token = e.credentials.sessionToken;
  } else if (e.custom) o.aws_skip_signature = 'true';
  return o;
}

/** What S3 answers when the credentials, not the request, are wrong or expired. */
const authFailure = /InvalidAccessKeyId|SignatureDoesNotMatch|ExpiredToken|InvalidToken|\b403\b/;

/**
 * Hands a table's storage options to the addon, which uses them for every later call on `path`.
 * Returns what to call after a failure: when it was an authentication failure and the secrets
 * changed since (a rotated key), the new options are registered and it answers true (retry).
 */
export function registerTableStorage(
  path: string,
  storage: TableStorage | undefined,
): (failure: unknown) => Promise<boolean> {
  if (!isObjectStoreUrl(path)) return async () => false;
  const secrets = storage?.secrets ?? envSecrets;
  const register = () =>
    native.setStorageOptions(path, deltaStorageOptions(s3Endpoint(storage?.s3, secrets, 's3')));
  register();
  return async (failure) => {
    if (!(failure instanceof Error) || !authFailure.test(failure.message) || !secrets.refresh)
      return false;
    const refs = s3SecretRefs(storage?.s3);
    if (!refs) return false;
    const all = [
      refs.accessKeyId,
      refs.secretAccessKey,
      ...(refs.sessionToken ? [refs.sessionToken] : []),
    ];
    if (!(await secrets.refresh(all))) return false;
    register();
    return true;
  };
}
