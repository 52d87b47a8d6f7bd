import { PipekitError } from '@pipekit/core';
import type { Offset } from '@pipekit/runtime';

/**
 * Where the query is in one shard: `after` the last sequence number it consumed, else `from` where
 * it first reads (`TRIM_HORIZON`, or epoch ms for AT_TIMESTAMP, pinned when the query started so a
 * replay reads the same records). `ended`: a closed shard read to its end (its children may go).
 */
export interface ShardPosition {
  readonly after?: string;
  readonly from?: 'TRIM_HORIZON' | number;
  readonly ended?: true;
}

/** A Kinesis source's offset: every shard it knows, by shard id. Stored as is in checkpoints. */
export type ShardPositions = Readonly<Record<string, ShardPosition>>;

export function asShardPositions(o: Offset): ShardPositions {
  if (typeof o !== 'object' || o === null || Array.isArray(o) || !('shards' in o))
    throw new PipekitError(
      `a Kinesis offset must be { shards: { shardId: { after | from } } }, got ${JSON.stringify(o)}`,
    );
  return (o as unknown as { shards: ShardPositions }).shards;
}

export function toOffset(shards: ShardPositions): Offset {
  return { shards } as unknown as Offset;
}

export function samePosition(a: ShardPosition | undefined, b: ShardPosition | undefined): boolean {
  return a?.after === b?.after && a?.from === b?.from && a?.ended === b?.ended;
}
