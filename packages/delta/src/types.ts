/**
 * Local mirror of the schema types in `@pipekit/core` (`packages/core/src/schema/data-type.ts`).
 * The core index does not export them yet; the lead will replace this file with
 * `export type { DataType, Field, Schema } from '@pipekit/core'` once it does.
 */

export type PrimitiveType =
  | 'string'
  | 'byte'
  | 'short'
  | 'integer'
  | 'long'
  | 'float'
  | 'double'
  | 'boolean'
  | 'binary'
  | 'date'
  | 'timestamp'
  | `decimal(${number},${number})`;

export interface ArrayType {
  readonly type: 'array';
  readonly elementType: DataType;
  readonly containsNull: boolean;
}

export interface StructType {
  readonly type: 'struct';
  readonly fields: readonly Field[];
}

export interface MapType {
  readonly type: 'map';
  readonly keyType: DataType;
  readonly valueType: DataType;
  readonly valueContainsNull: boolean;
}

export type DataType = PrimitiveType | ArrayType | StructType | MapType;

export interface Field {
  readonly name: string;
  readonly type: DataType;
  readonly nullable: boolean;
  readonly logical?: 'epochMillis';
}

export interface Schema {
  readonly fields: readonly Field[];
}

/** A row as JS sees it: column name to value. */
export type Row = Record<string, unknown>;
