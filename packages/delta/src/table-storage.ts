import {
  envSecrets,
  isObjectStoreUrl,
  type S3Endpoint,
  type S3Options,
  type SecretResolver,
  s3Endpoint,
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

/**
 * Hands a table's storage options to the addon, which uses them for every later call on `path`.
 * Local paths: nothing to do. Returns the endpoint (for messages), or null.
 */
export function registerTableStorage(
  path: string,
  storage: TableStorage | undefined,
  where = 's3',
): S3Endpoint | null {
  if (!isObjectStoreUrl(path)) return null;
  const endpoint = s3Endpoint(storage?.s3, storage?.secrets ?? envSecrets, where);
  native.setStorageOptions(path, deltaStorageOptions(endpoint));
  return endpoint;
}
