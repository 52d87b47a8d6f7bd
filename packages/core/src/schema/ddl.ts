import { PipekitError } from '../errors/pipekit-error.js';
import type { DataType, Field, Schema } from './data-type.js';

const aliases: Record<string, DataType> = {
  string: 'string',
  varchar: 'string',
  char: 'string',
  text: 'string',
  int: 'integer',
  integer: 'integer',
  bigint: 'long',
  long: 'long',
  smallint: 'short',
  short: 'short',
  tinyint: 'byte',
  byte: 'byte',
  float: 'float',
  real: 'float',
  double: 'double',
  boolean: 'boolean',
  bool: 'boolean',
  binary: 'binary',
  date: 'date',
  timestamp: 'timestamp',
  timestamp_ltz: 'timestamp',
  timestamp_ntz: 'timestamp',
  decimal: 'decimal(10,0)',
  numeric: 'decimal(10,0)',
};

/** Splits on `sep` outside `(...)`, `<...>` and quotes. */
function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let quote: string | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === "'" || c === '"' || c === '`') quote = c;
    else if (c === '(' || c === '<') depth++;
    else if (c === ')' || c === '>') depth--;
    else if (c === sep && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim()).filter((s) => s !== '');
}

/** A Spark type name (any case, with the usual aliases) as a column type; throws on an unknown one. */
export function parseSparkType(text: string): DataType {
  const t = text.trim().toLowerCase().replace(/\s+/g, '');
  // Own entries only: `constructor` is not a type.
  const alias = Object.hasOwn(aliases, t) ? aliases[t] : undefined;
  if (alias !== undefined) return alias;
  const dec = /^(?:decimal|numeric|dec)\((\d+)(?:,(\d+))?\)$/.exec(t);
  if (dec) return `decimal(${Number(dec[1])},${Number(dec[2] ?? 0)})`;
  if (/^(?:var)?char\(\d+\)$/.test(t)) return 'string';
  const arr = /^array<(.+)>$/.exec(t);
  if (arr) return { type: 'array', elementType: parseSparkType(arr[1]!), containsNull: true };
  const map = /^map<(.+)>$/.exec(t);
  if (map) {
    const [k, v] = splitTop(map[1]!, ',');
    if (k === undefined || v === undefined)
      throw new RangeError(`'${text}' is not a map type: map<key,value>`);
    return {
      type: 'map',
      keyType: parseSparkType(k),
      valueType: parseSparkType(v),
      valueContainsNull: true,
    };
  }
  const struct = /^struct<(.+)>$/i.exec(text.trim());
  if (struct) {
    const fields = splitTop(struct[1]!, ',').map((part): Field => {
      const i = part.indexOf(':');
      if (i < 0) throw new RangeError(`'${part}' is not a struct field: name:type`);
      return {
        name: part.slice(0, i).trim(),
        type: parseSparkType(part.slice(i + 1)),
        nullable: true,
      };
    });
    return { type: 'struct', fields };
  }
  throw new RangeError(
    `unknown type '${text}' (known: string, int, bigint, double, float, boolean, date, timestamp, binary, decimal(p,s), array<t>, map<k,v>, struct<...>)`,
  );
}

/**
 * A Spark DDL column list: `user_id STRING NOT NULL, amount DECIMAL(10,2), ts TIMESTAMP COMMENT '...'`.
 * Columns are nullable unless `NOT NULL`, as in Spark.
 */
export function parseDdl(ddl: string): Schema {
  const fields = splitTop(ddl, ',').map((col, i): Field => {
    const m = /^(`[^`]+`|[A-Za-z_][\w]*)\s+(.+?)$/s.exec(col);
    if (!m) {
      throw new PipekitError(`DDL column ${i + 1} ('${col}') is not 'name TYPE'`, [
        {
          path: [i],
          message: `expected 'name TYPE [NOT NULL]'`,
          fix: 'e.g. "user_id STRING, amount DOUBLE"',
        },
      ]);
    }
    const name = m[1]!.replace(/^`|`$/g, '');
    let rest = m[2]!.replace(/\s+comment\s+'(?:[^']|'')*'\s*$/i, '').trim();
    let nullable = true;
    if (/\s+not\s+null$/i.test(rest)) {
      nullable = false;
      rest = rest.replace(/\s+not\s+null$/i, '');
    }
    try {
      return { name, type: parseSparkType(rest), nullable };
    } catch (e) {
      throw new PipekitError(`the DDL string's column '${name}' has an unknown type`, [
        { path: [i, 'type'], message: (e as Error).message },
      ]);
    }
  });
  if (fields.length === 0) throw new PipekitError('the DDL string has no columns');
  return { fields };
}
