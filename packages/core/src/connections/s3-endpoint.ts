import { PipekitError } from '../errors/pipekit-error.js';
import type { S3Options } from '../plan/object-storage.js';
import { type SecretRef, secret } from '../plan/secret.js';
import type { SecretResolver } from '../secrets/secret-resolver.js';

/** An access key with its secrets read. Never logged: messages use `S3Endpoint.where`. */
export interface S3Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken: string | undefined;
}

/** An S3-compatible store with its secrets read: what the file connectors and delta-rs sign with. */
export interface S3Endpoint {
  /** `http://127.0.0.1:8333` (no trailing slash), or AWS's endpoint of the region. */
  readonly endpoint: string;
  /** Whether `endpoint` was given (a compatible server) rather than AWS's own. */
  readonly custom: boolean;
  readonly region: string;
  readonly pathStyle: boolean;
  readonly allowHttp: boolean;
  /** null: unsigned requests (a public bucket). */
  readonly credentials: S3Credentials | null;
  /** `s3 at http://127.0.0.1:8333 (us-east-1)`, for messages. */
  readonly where: string;
}

/** A location `s3://bucket/key/prefix` split into bucket and key (no leading slash). */
export interface S3Location {
  readonly bucket: string;
  readonly key: string;
}

/** `s3a://bucket/a/b` → `{ bucket: 'bucket', key: 'a/b' }`; anything else is an error saying what is expected. */
export function parseS3Url(url: string): S3Location {
  const m = /^s3a?:\/\/([^/?#]+)\/?([^?#]*)$/i.exec(url);
  if (!m)
    throw new PipekitError(
      `'${url}' is not an S3 URL: expected s3://bucket/path or s3a://bucket/path`,
    );
  return { bucket: m[1]!, key: m[2]! };
}

const loopback = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

/** The secret references an endpoint reads: the given ones, else the AWS environment's (when set). */
export function s3SecretRefs(options: S3Options | undefined): {
  accessKeyId: SecretRef;
  secretAccessKey: SecretRef;
  sessionToken: SecretRef | undefined;
} | null {
  if (options?.accessKeyId && options.secretAccessKey)
    return {
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      sessionToken: options.sessionToken,
    };
  if (!process.env.AWS_ACCESS_KEY_ID || !process.env.AWS_SECRET_ACCESS_KEY) return null;
  return {
    accessKeyId: secret('AWS_ACCESS_KEY_ID'),
    secretAccessKey: secret('AWS_SECRET_ACCESS_KEY'),
    sessionToken: process.env.AWS_SESSION_TOKEN ? secret('AWS_SESSION_TOKEN') : undefined,
  };
}

/**
 * Reads an S3 options block's secrets and fills in the defaults (the AWS environment). `path` names
 * the options in the plan for errors (`source.s3`). A plain-HTTP endpoint off this machine needs
 * `allowHttp`, so a signed request never crosses a network unencrypted by accident.
 */
export function s3Endpoint(
  options: S3Options | undefined,
  secrets: SecretResolver,
  path = 's3',
): S3Endpoint {
  const region =
    options?.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1';
  const given =
    options?.endpoint ?? process.env.AWS_ENDPOINT_URL_S3 ?? process.env.AWS_ENDPOINT_URL;
  const endpoint = (given ?? `https://s3.${region}.amazonaws.com`).replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new PipekitError(`${path}.endpoint: '${endpoint}' is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new PipekitError(`${path}.endpoint: '${endpoint}' must be an http:// or https:// URL`);
  const http = url.protocol === 'http:';
  if (http && !loopback.test(url.hostname) && options?.allowHttp !== true)
    throw new PipekitError(
      `${path}.endpoint: '${endpoint}' is plain HTTP to another machine; use https:// or set allowHttp: true`,
    );
  const refs = s3SecretRefs(options);
  const credentials = refs && {
    accessKeyId: secrets(refs.accessKeyId, `${path}.accessKeyId`),
    secretAccessKey: secrets(refs.secretAccessKey, `${path}.secretAccessKey`),
    sessionToken: refs.sessionToken && secrets(refs.sessionToken, `${path}.sessionToken`),
  };
  return {
    endpoint,
    custom: given !== undefined,
    region,
    pathStyle: options?.pathStyle ?? given !== undefined,
    allowHttp: http,
    credentials,
    where: `s3 at ${endpoint} (${region})`,
  };
}
