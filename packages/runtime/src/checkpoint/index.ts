export { type AtomicWriteSteps, fsSteps, makeDirDurable, writeFileAtomic } from './atomic-write.js';
export { type CommitEntry, commitEntrySchema } from './commit-log.js';
export { type CheckpointLayout, checkpointLayout, defaultBatchesToRetain } from './layout.js';
export { type CheckpointMetadata, checkpointMetadataSchema } from './metadata.js';
export { type OffsetEntry, offsetEntrySchema } from './offset-log.js';
export {
  type LoopCheckpoint,
  QueryCheckpoint,
  type QueryCheckpointOptions,
  type Recovery,
} from './query-checkpoint.js';
export { checkpointDirs } from './query-dirs.js';
export { stateSnapshotSchema } from './state-store.js';
