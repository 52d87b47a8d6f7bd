import { KinesisClient, ListShardsCommand, type Shard } from '@aws-sdk/client-kinesis';
import type { SecretRef, SecretResolver } from '@pipekit/core';
import { NodeHttpHandler } from '@smithy/node-http-handler';

export { envSecrets, type SecretResolver } from '@pipekit/core';

/** What a source and a sink share: where the stream is and who we are. */
export interface KinesisConnection {
  readonly streamName: string;
  readonly region: string;
  readonly endpoint?: string | undefined;
  readonly credentials?:
    | { readonly accessKeyId: SecretRef; readonly secretAccessKey: SecretRef }
    | undefined;
}

/**
 * An AWS SDK v3 client for the connection; the SDK's own retries stay on (3 attempts). Over
 * HTTP/1.1: the SDK's default for Kinesis is HTTP/2 (for SubscribeToShard, which pipekit does not
 * use), which local Kinesis-API servers and some proxies do not speak.
 */
export function kinesisClient(c: KinesisConnection, secrets: SecretResolver): KinesisClient {
  return new KinesisClient({
    region: c.region,
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5_000, requestTimeout: 30_000 }),
    ...(c.endpoint === undefined ? {} : { endpoint: c.endpoint }),
    ...(c.credentials === undefined
      ? {}
      : {
          credentials: {
            accessKeyId: secrets(c.credentials.accessKeyId),
            secretAccessKey: secrets(c.credentials.secretAccessKey),
          },
        }),
  });
}

/** Every shard of the stream, open and closed (still in the retention period), in order. */
export async function listShards(client: KinesisClient, streamName: string): Promise<Shard[]> {
  const shards: Shard[] = [];
  let next: string | undefined;
  for (let page = 0; page < 1_000; page++) {
    const r = await client.send(
      new ListShardsCommand(next === undefined ? { StreamName: streamName } : { NextToken: next }),
    );
    shards.push(...(r.Shards ?? []));
    next = r.NextToken;
    if (next === undefined) break;
  }
  return shards;
}

/** Kinesis sequence numbers are decimal strings of up to 128 bits: compared as BigInts. */
export function seqCompare(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}
