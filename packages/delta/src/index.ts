export type {
  ArrayType,
  DataType,
  Field,
  MapType,
  PrimitiveType,
  Row,
  Schema,
  StructType,
} from '@pipekit/core';
export { arrowTableToRows, decimalToNumber, decodeRows, fromArrowValue } from './arrow-decode.js';
export {
  arrowField,
  arrowSchema,
  arrowType,
  encodeRowRange,
  encodeRows,
  rowsToArrowTable,
} from './arrow-encode.js';
export { DeltaReader, DeltaWriter, registerConnectors } from './connector.js';
export { DeltaError, type DeltaErrorCode, fromNativeError } from './delta-errors.js';
export { fromDeltaSchemaJson, toDeltaSchemaJson } from './delta-schema.js';
export {
  type ChangeRow,
  type ChangeType,
  type CommitRecord,
  type CompactResult,
  type CreateTableOptions,
  type DataFile,
  DeltaTable,
  type TableSnapshot,
  type VacuumOptions,
  type VersionSelector,
  type WriteOptions,
  type WriteResult,
  type WriteTimings,
} from './delta-table.js';
export { deltaStorageOptions, type TableStorage } from './table-storage.js';
