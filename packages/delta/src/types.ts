/** The schema types are core's: a Delta table's schema is the plan's schema in Spark's JSON form. */
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
