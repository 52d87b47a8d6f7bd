import {
  type DataType,
  type Field,
  type IssuePath,
  PipekitError,
  parseDdl,
  parseSparkType,
} from '@pipekit/core';
import type { Ctx } from './context.js';

/** ETL `schema.fields`: Spark type names; nullable unless `nullable: false`, as a Spark StructField. */
export function fieldList(
  ctx: Ctx,
  fields: readonly { name: string; type: string; nullable?: boolean | undefined }[],
  at: IssuePath,
): Field[] {
  const seen = new Set<string>();
  return fields.map((f, i): Field => {
    if (seen.has(f.name)) ctx.fail([...at, i, 'name'], `column '${f.name}' is declared twice`);
    seen.add(f.name);
    return {
      name: f.name,
      type: sparkType(ctx, f.type, [...at, i, 'type']),
      nullable: f.nullable ?? true,
    };
  });
}

function sparkType(ctx: Ctx, text: string, path: IssuePath): DataType {
  try {
    return parseSparkType(text);
  } catch {
    return ctx.fail(
      path,
      `unknown type '${text}'`,
      'string, integer, long, double, boolean, timestamp, date, decimal(p,s)',
    );
  }
}

/** A Spark DDL column list (`user_id STRING, amount DOUBLE`); columns are nullable unless NOT NULL. */
export function ddlFields(ctx: Ctx, ddl: unknown, at: IssuePath): Field[] {
  if (typeof ddl !== 'string')
    ctx.fail(at, 'expected a Spark DDL string such as "user_id STRING, amount DOUBLE"');
  try {
    return [...parseDdl(ddl).fields];
  } catch (e) {
    if (e instanceof PipekitError)
      ctx.fail(at, e.message.split('\n')[0] ?? e.message, 'Spark DDL: "name TYPE [NOT NULL], ..."');
    throw e;
  }
}
