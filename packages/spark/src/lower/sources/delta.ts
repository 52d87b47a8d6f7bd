import type { DeltaSourceSpec } from '@pipekit/core';
import { type RelationInit, relation } from '../messages.js';
import { serverPath } from './file.js';

/** Delta Lake's Spark source: time travel for batch reads, the log tailed for streams, the change feed. */
export function deltaRelation(spec: DeltaSourceSpec, streaming: boolean): RelationInit {
  const options: Record<string, string> = {};
  if (spec.version !== undefined) options.versionAsOf = String(spec.version);
  if (spec.timestamp !== undefined) options.timestampAsOf = spec.timestamp;
  if (spec.readChangeFeed) options.readChangeFeed = 'true';
  if (spec.startingVersion !== undefined) options.startingVersion = String(spec.startingVersion);
  if (spec.endingVersion !== undefined) options.endingVersion = String(spec.endingVersion);
  // A change-feed batch read needs a start; the local runtime reads the feed from version 0.
  if (spec.readChangeFeed && !streaming && spec.startingVersion === undefined)
    options.startingVersion = '0';
  return relation('read', {
    isStreaming: streaming,
    readType: {
      case: 'dataSource',
      value: { format: 'delta', options, paths: [serverPath(spec.path)] },
    },
  });
}
