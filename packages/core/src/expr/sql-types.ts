import type { DataType, PrimitiveType } from '../schema/data-type.js';
import { formatDataType } from '../schema/data-type.js';

/**
 * Spark SQL type names (upper or lower case) and their aliases, mapped to our Spark JSON names.
 * `varchar(n)` and `char(n)` read as `string`, as Spark does when it reads a CAST.
 */
export const sqlTypeAliases: Readonly<Record<string, Exclude<PrimitiveType, `decimal${string}`>>> =
  {
    string: 'string',
    varchar: 'string',
    char: 'string',
    tinyint: 'byte',
    byte: 'byte',
    smallint: 'short',
    short: 'short',
    int: 'integer',
    integer: 'integer',
    bigint: 'long',
    long: 'long',
    float: 'float',
    real: 'float',
    double: 'double',
    boolean: 'boolean',
    binary: 'binary',
    date: 'date',
    timestamp: 'timestamp',
  };

/** Names that take `(precision, scale)`; without them Spark means `decimal(10,0)`. */
export const decimalTypeNames: ReadonlySet<string> = new Set(['decimal', 'dec', 'numeric']);

const ddlNames: Readonly<Record<string, string>> = {
  string: 'STRING',
  byte: 'TINYINT',
  short: 'SMALLINT',
  integer: 'INT',
  long: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  boolean: 'BOOLEAN',
  binary: 'BINARY',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
};

/** The type as written in a Spark SQL CAST: `BIGINT`, `DECIMAL(10,2)`, `array<string>`. */
export function formatSqlType(type: DataType): string {
  if (typeof type === 'string') {
    const ddl = ddlNames[type];
    if (ddl !== undefined) return ddl;
    return type.toUpperCase();
  }
  return formatDataType(type);
}
